/**
 * 来电留言: messages citizens left when nobody could answer, with the speech-to-text transcript, and the
 * button that registers a ticket from one. The list follows `call.updated` (a transcript arriving) and
 * `queue.changed` (a new message).
 */
import { Button, Card, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { FileAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { formatDuration, ticketRegistrationPath } from './format.ts';
import type { Voicemail } from './types.ts';
import { useDebounced } from './use-debounced.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const TRANSCRIPT_COLOURS: Record<Voicemail['transcriptStatus'], string> = { pending: 'processing', done: 'green', unavailable: 'default', failed: 'red' };

export default function VoicemailsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const query = useApiQuery<{ items: Voicemail[] }>('/api/voicemails', { limit: 100 });
  const reloadSoon = useDebounced(query.reload, 800);
  useRealtimeEvent('queue.changed', reloadSoon);
  useRealtimeEvent('call.updated', reloadSoon);

  const columns: TableColumnsType<Voicemail> = [
    { title: t('calls.voicemails.createdAt'), dataIndex: 'createdAt', width: 180, render: (at: string) => formatDateTime(at, i18n.language) },
    { title: t('calls.voicemails.caller'), dataIndex: 'callerMasked', width: 140, render: (c: string | null) => <Typography.Text strong>{c ?? t('common.none')}</Typography.Text> },
    { title: t('calls.voicemails.duration'), dataIndex: 'durationSeconds', width: 90, render: (s: number) => formatDuration(s) },
    {
      title: t('calls.voicemails.transcript'),
      dataIndex: 'transcript',
      render: (text: string | null, row) => (
        <div>
          <Tag color={TRANSCRIPT_COLOURS[row.transcriptStatus]}>{t(`calls.voicemails.transcriptStatus.${row.transcriptStatus}`, { defaultValue: row.transcriptStatus })}</Tag>
          {text ? (
            <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true }} data-testid={`voicemail-transcript-${row.id}`}>
              {text}
            </Typography.Paragraph>
          ) : row.transcriptError ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.transcriptError}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      title: '',
      key: 'ticket',
      width: 140,
      render: (_: unknown, row) => (
        <Button size="small" icon={<FileAddOutlined />} onClick={() => navigate(ticketRegistrationPath({ id: row.callId, callerMasked: row.callerMasked ?? '' }))}>
          {t('calls.softphone.registerTicket')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="voicemails-page">
      <PageTitle
        title={t('calls.voicemails.title')}
        description={t('calls.voicemails.description')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Table rowKey="id" size="middle" columns={columns} dataSource={query.data?.items ?? []} loading={query.loading} locale={{ emptyText: t('calls.voicemails.empty') }} scroll={{ x: 900 }} />
      </Card>
    </div>
  );
}
