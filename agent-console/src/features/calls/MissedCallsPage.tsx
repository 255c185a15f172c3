/**
 * 漏接回拨: abandoned calls, callback requests and voicemail, worked from the console. Claiming one queues a
 * callback for me (I am connected to the citizen when free); "done" closes it with a result. The list
 * refreshes when the queue changes (an abandon or a callback ending publishes `queue.changed`).
 */
import { useState } from 'react';
import { App, Button, Card, Flex, Modal, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { CheckOutlined, PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import type { MissedCall, MissedCallStatus } from './types.ts';
import { useDebounced } from './use-debounced.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const STATUS_COLOURS: Record<MissedCallStatus, string> = { open: 'red', claimed: 'blue', calling: 'processing', completed: 'green', failed: 'default' };
const STATUSES: MissedCallStatus[] = ['open', 'claimed', 'calling', 'completed', 'failed'];
const RESULTS = ['reached', 'resolved', 'unreachable', 'wrong_number', 'no_need'] as const;

export default function MissedCallsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const session = useSession();
  const me = session.user?.id;
  const [status, setStatus] = useState<MissedCallStatus | undefined>(undefined);
  const query = useApiQuery<{ items: MissedCall[] }>('/api/missed-calls', status ? { status } : {});
  const [busy, setBusy] = useState<string | null>(null);
  const [completing, setCompleting] = useState<MissedCall | null>(null);
  const reloadSoon = useDebounced(query.reload, 800);

  useRealtimeEvent('queue.changed', reloadSoon);

  const claim = async (row: MissedCall) => {
    setBusy(row.id);
    try {
      await api.request(`/api/missed-calls/${row.id}/claim`, { method: 'POST' });
      message.success(t('calls.missed.claimed'));
      query.reload();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<MissedCall> = [
    { title: t('calls.missed.createdAt'), dataIndex: 'createdAt', width: 180, render: (at: string) => formatDateTime(at, i18n.language) },
    { title: t('calls.missed.caller'), dataIndex: 'callerMasked', width: 140, render: (c: string) => <Typography.Text strong>{c}</Typography.Text> },
    { title: t('calls.missed.reason'), dataIndex: 'reason', width: 120, render: (r: string) => <Tag>{t(`calls.missed.reasons.${r}`, { defaultValue: r })}</Tag> },
    {
      title: t('calls.missed.status'),
      dataIndex: 'status',
      width: 140,
      render: (s: MissedCallStatus, row) => (
        <Space size={4}>
          <Tag color={STATUS_COLOURS[s]} data-testid={`missed-status-${row.id}`}>
            {t(`calls.missed.statuses.${s}`, { defaultValue: s })}
          </Tag>
          {row.claimedBy && row.claimedBy === me ? <Tag color="geekblue">{t('calls.missed.mine')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('calls.missed.attempts'), dataIndex: 'attempts', width: 90 },
    { title: t('calls.missed.lastAttemptAt'), dataIndex: 'lastAttemptAt', width: 180, render: (at: string | null) => (at ? formatDateTime(at, i18n.language) : t('common.none')) },
    { title: t('calls.missed.result'), dataIndex: 'result', width: 120, render: (r: string | null) => (r ? t(`calls.missed.results.${r}`, { defaultValue: r }) : t('common.none')) },
    {
      title: '',
      key: 'actions',
      width: 220,
      render: (_: unknown, row) => (
        <Space>
          {row.status === 'open' ? (
            <Button size="small" type="primary" icon={<PhoneOutlined />} loading={busy === row.id} onClick={() => void claim(row)} data-testid={`missed-claim-${row.id}`}>
              {t('calls.missed.claim')}
            </Button>
          ) : null}
          {row.status !== 'completed' ? (
            <Button size="small" icon={<CheckOutlined />} onClick={() => setCompleting(row)} data-testid={`missed-complete-${row.id}`}>
              {t('calls.missed.complete')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="missed-calls-page">
      <PageTitle
        title={t('calls.missed.title')}
        description={t('calls.missed.description')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Flex gap={8} style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder={t('calls.missed.active')}
            value={status}
            onChange={setStatus}
            style={{ width: 180 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`calls.missed.statuses.${s}`) }))}
          />
        </Flex>
        <Table
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.loading}
          locale={{ emptyText: t('calls.missed.empty') }}
          scroll={{ x: 1100 }}
        />
      </Card>
      {completing ? (
        <CompleteDialog
          row={completing}
          onClose={() => setCompleting(null)}
          onDone={() => {
            setCompleting(null);
            query.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function CompleteDialog({ row, onClose, onDone }: { row: MissedCall; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [result, setResult] = useState<string>('reached');
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={`${t('calls.missed.completeTitle')} · ${row.callerMasked}`}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'missed-complete-submit' } as never}
      onOk={async () => {
        setBusy(true);
        try {
          await api.request(`/api/missed-calls/${row.id}/complete`, { method: 'POST', body: { result } });
          message.success(t('calls.missed.completed'));
          onDone();
        } catch (error) {
          message.error(errorMessage(error, t));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Radio.Group value={result} onChange={(e) => setResult(e.target.value as string)} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
        {RESULTS.map((r) => (
          <Radio.Button key={r} value={r}>
            {t(`calls.missed.results.${r}`)}
          </Radio.Button>
        ))}
      </Radio.Group>
    </Modal>
  );
}
