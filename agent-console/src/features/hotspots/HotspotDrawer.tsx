/**
 * One hotspot alert: how each window compares with the usual level, the tickets behind it (each opens in the
 * ticket drawer), and — for supervisors, while nobody has yet — acknowledgement with a note.
 */
import { useState } from 'react';
import { App, Button, Descriptions, Drawer, Input, Modal, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { useSession } from '../auth/session.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { StateTag } from '../tickets/parts.tsx';
import { TicketDrawer } from '../tickets/TicketDrawer.tsx';
import { placeOf } from './place.ts';
import type { AlertTicket, HotspotAlert, WindowAssessment } from './types.ts';

type Detail = HotspotAlert & { tickets: AlertTicket[] };

export function HotspotDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  return id ? <AlertDetail id={id} onClose={onClose} onChanged={onChanged} /> : null;
}

function AlertDetail({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const session = useSession();
  const query = useApiQuery<Detail>(`/api/hotspots/alerts/${id}`);
  const [ticketId, setTicketId] = useState<string | null>(null);
  const [acknowledging, setAcknowledging] = useState(false);
  const alert = query.data;
  const mayAcknowledge = session.user?.abilities['hotspots.acknowledge'] === true;

  const windowColumns: TableColumnsType<WindowAssessment> = [
    { title: t('hotspots.field.window'), dataIndex: 'windowHours', render: (h: number) => t('hotspots.windowHours', { hours: h }) },
    { title: t('hotspots.field.count'), dataIndex: 'count', align: 'right' },
    { title: t('hotspots.field.expected'), dataIndex: 'expected', align: 'right' },
    { title: t('hotspots.field.score'), dataIndex: 'score', align: 'right' },
    { title: '', dataIndex: 'verdict', render: (v: WindowAssessment['verdict']) => <Tag color={v === 'burst' ? 'red' : 'default'}>{t(`hotspots.detail.verdict.${v}`)}</Tag> },
  ];
  const ticketColumns: TableColumnsType<AlertTicket> = [
    {
      title: t('hotspots.detail.number'),
      key: 'number',
      width: 190,
      render: (_, row) => (
        <Typography.Link onClick={() => setTicketId(row.id)} data-testid="hotspot-ticket" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {row.number}
        </Typography.Link>
      ),
    },
    { title: t('hotspots.detail.ticketTitle'), dataIndex: 'title', ellipsis: true },
    { title: t('hotspots.detail.address'), dataIndex: 'address', ellipsis: true, render: (v: string | null) => v ?? t('common.none') },
    { title: t('hotspots.detail.state'), dataIndex: 'state', width: 110, render: (s: AlertTicket['state']) => {
        // The ticket list's labels, already in the console language.
        const label = t(`tickets.state.${s}`);
        return <StateTag state={s} label={{ 'zh-CN': label, en: label }} />;
      } },
    { title: t('hotspots.detail.department'), dataIndex: 'leadDepartment', width: 160, render: (v: string | null) => v ?? t('common.none') },
    { title: t('hotspots.detail.created'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v, language) },
  ];

  return (
    <Drawer open width={960} title={alert ? placeOf(alert) : t('hotspots.detail.title')} onClose={onClose} data-testid="hotspot-drawer"
      extra={alert && !alert.acknowledged && mayAcknowledge ? (
        <Button type="primary" onClick={() => setAcknowledging(true)} data-testid="hotspot-acknowledge">
          {t('hotspots.acknowledge.button')}
        </Button>
      ) : null}
    >
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {alert ? (
        <>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('hotspots.field.opened')}>{formatDateTime(alert.openedAt, language)}</Descriptions.Item>
            <Descriptions.Item label={t('hotspots.field.lastSeen')}>{formatDateTime(alert.lastDetectedAt, language)}</Descriptions.Item>
            <Descriptions.Item label={t('hotspots.field.closed')}>{alert.closedAt ? formatDateTime(alert.closedAt, language) : <Tag color="red">{t('hotspots.state.open')}</Tag>}</Descriptions.Item>
            <Descriptions.Item label={t('hotspots.field.peak')}>{alert.peakCount}</Descriptions.Item>
            <Descriptions.Item label={t('hotspots.field.acknowledged')} span={2}>
              {alert.acknowledged ? (
                <>
                  <div>{t('hotspots.acknowledgedBy', { name: alert.acknowledged.byName ?? '', at: formatDateTime(alert.acknowledged.at, language) })}</div>
                  <Typography.Text data-testid="hotspot-ack-note">{alert.acknowledged.note}</Typography.Text>
                </>
              ) : (
                t('hotspots.notAcknowledged')
              )}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('hotspots.detail.windows')}</Typography.Title>
          <Table<WindowAssessment> rowKey="windowHours" size="small" columns={windowColumns} dataSource={alert.windows} pagination={false} style={{ marginBottom: 16 }} />
          <Typography.Title level={5}>{t('hotspots.detail.ticketsTitle', { count: alert.tickets.length })}</Typography.Title>
          <Table<AlertTicket> rowKey="id" size="small" columns={ticketColumns} dataSource={alert.tickets} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 900 }} />
        </>
      ) : null}
      {acknowledging ? (
        <AcknowledgeDialog
          id={id}
          onClose={() => setAcknowledging(false)}
          onDone={() => {
            setAcknowledging(false);
            query.reload();
            onChanged();
          }}
        />
      ) : null}
      <TicketDrawer id={ticketId} onClose={() => setTicketId(null)} />
    </Drawer>
  );
}

function AcknowledgeDialog({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!note.trim()) return void message.warning(t('hotspots.acknowledge.noteRequired'));
    setBusy(true);
    try {
      await api.request(`/api/hotspots/alerts/${id}/acknowledge`, { method: 'POST', body: { note: note.trim() } });
      message.success(t('hotspots.acknowledge.done'));
      onDone();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('hotspots.acknowledge.title')} onCancel={onClose} onOk={submit} okText={t('hotspots.acknowledge.submit')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'hotspot-acknowledge-ok' } as never}>
      <Typography.Paragraph type="secondary">{t('hotspots.acknowledge.note')}</Typography.Paragraph>
      <Input.TextArea data-testid="hotspot-acknowledge-note" rows={4} maxLength={1000} showCount value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('hotspots.acknowledge.notePlaceholder')} />
    </Modal>
  );
}
