/** 通话记录: calls this agent handled (supervisors: every call), newest first, with the call's events on demand. */
import { useState } from 'react';
import { Button, Card, Descriptions, Drawer, Flex, Select, Table, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { useDeskLabel } from './desks.ts';
import { useWrapUpCodes } from '../wrap-up/use-wrap-up-codes.ts';
import { formatDuration } from './format.ts';
import type { Call, CallDetail, CallStatus } from './types.ts';
import { useDebounced } from './use-debounced.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const STATUSES: CallStatus[] = ['ivr', 'queued', 'offering', 'talking', 'voicemail', 'ended'];
const OUTCOME_COLOURS: Record<string, string> = { answered: 'green', abandoned: 'red', voicemail: 'blue', transferred_out: 'purple', blocked: 'default', callback_requested: 'geekblue', failed: 'red' };

export default function CallHistoryPage() {
  const { t, i18n } = useTranslation();
  const deskLabel = useDeskLabel();
  const wrapUp = useWrapUpCodes();
  const [status, setStatus] = useState<CallStatus | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  const query = useApiQuery<{ items: Call[] }>('/api/calls', { limit: 100, ...(status ? { status } : {}) });
  const reloadSoon = useDebounced(query.reload, 1000);
  useRealtimeEvent('call.ended', reloadSoon);

  const columns: TableColumnsType<Call> = [
    {
      title: t('calls.history.offeredAt'),
      dataIndex: 'offeredAt',
      width: 180,
      render: (at: string, row) => <Typography.Link onClick={() => setOpen(row.id)}>{formatDateTime(at, i18n.language)}</Typography.Link>,
    },
    { title: t('calls.screenPop.caller'), dataIndex: 'callerMasked', width: 140 },
    { title: t('calls.history.direction'), dataIndex: 'direction', width: 90, render: (d: string) => t(`calls.history.directions.${d}`, { defaultValue: d }) },
    { title: t('calls.screenPop.desk'), dataIndex: 'desk', width: 100, render: (d: string | null) => deskLabel(d) },
    { title: t('calls.missed.status'), dataIndex: 'status', width: 100, render: (s: CallStatus) => t(`calls.status.${s}`, { defaultValue: s }) },
    { title: t('calls.missed.result'), dataIndex: 'outcome', width: 120, render: (o: string | null) => (o ? <Tag color={OUTCOME_COLOURS[o]}>{t(`calls.outcome.${o}`, { defaultValue: o })}</Tag> : t('common.none')) },
    { title: t('calls.history.wait'), dataIndex: 'waitSeconds', width: 80, render: (s: number | null) => (s === null ? t('common.none') : formatDuration(s)) },
    { title: t('calls.history.talk'), dataIndex: 'talkSeconds', width: 80, render: (s: number | null) => (s === null ? t('common.none') : formatDuration(s)) },
    { title: t('calls.history.wrapUp'), dataIndex: 'wrapUpCode', width: 100, render: (c: string | null) => (c ? wrapUp.labelOf(c) : t('common.none')) },
  ];

  return (
    <div data-testid="call-history-page">
      <PageTitle
        title={t('calls.history.title')}
        description={t('calls.history.description')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Flex gap={8} style={{ marginBottom: 12 }}>
          <Select allowClear placeholder={t('calls.missed.status')} value={status} onChange={setStatus} style={{ width: 160 }} options={STATUSES.map((s) => ({ value: s, label: t(`calls.status.${s}`) }))} />
        </Flex>
        <Table rowKey="id" size="middle" columns={columns} dataSource={query.data?.items ?? []} loading={query.loading} locale={{ emptyText: t('calls.history.empty') }} scroll={{ x: 1000 }} />
      </Card>
      {open ? <CallDrawer id={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function CallDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const query = useApiQuery<CallDetail>(`/api/calls/${id}`);
  const detail = query.data;
  return (
    <Drawer open onClose={onClose} title={t('calls.history.details')} size="large">
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {detail ? (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'caller', label: t('calls.screenPop.caller'), children: detail.call.callerMasked },
              { key: 'status', label: t('calls.missed.status'), children: t(`calls.status.${detail.call.status}`) },
              { key: 'wait', label: t('calls.history.wait'), children: formatDuration(detail.call.waitSeconds) },
              { key: 'talk', label: t('calls.history.talk'), children: formatDuration(detail.call.talkSeconds) },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('calls.history.events')}
          </Typography.Title>
          <Timeline items={detail.events.map((e) => ({ content: `${formatDateTime(e.at, i18n.language)} · ${e.kind}` }))} />
          {detail.call.transcript ? (
            <>
              <Typography.Title level={5}>{t('calls.history.transcript')}</Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{detail.call.transcript}</Typography.Paragraph>
            </>
          ) : null}
        </>
      ) : null}
    </Drawer>
  );
}
