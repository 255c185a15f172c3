/**
 * 回访处理: the supervisors' queue. 不满意 waits for a decision — reopen to the department (its fault; the reopen
 * count goes up) or close with a note; 联系不上 lists recent surveys that reached nobody. Live: a new unsatisfied
 * answer appears without reloading.
 */
import { useState } from 'react';
import { App, Button, Card, Flex, Input, Modal, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { OUTCOME_COLOURS, type QueueItem } from './types.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

type Decision = { item: QueueItem; kind: 'reopen' | 'close' };

function DecisionDialog({ decision, onClose, onDone }: { decision: Decision; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const required = decision.kind === 'close';
  const submit = async () => {
    if (required && !note.trim()) return void message.warning(t('surveys.queue.noteRequired'));
    setBusy(true);
    try {
      await api.request(`/api/surveys/${decision.item.id}/${decision.kind}`, { method: 'POST', body: note.trim() ? { note: note.trim() } : {} });
      message.success(t('surveys.queue.done'));
      onDone();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t(decision.kind === 'reopen' ? 'surveys.queue.reopenTitle' : 'surveys.queue.closeTitle')} onCancel={onClose} onOk={submit} confirmLoading={busy} okButtonProps={{ 'data-testid': 'survey-decision-ok' } as never}>
      <Typography.Paragraph>
        {decision.item.ticket.number} · {decision.item.ticket.title}
      </Typography.Paragraph>
      <Input.TextArea data-testid="survey-decision-note" rows={4} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('surveys.queue.note')} />
    </Modal>
  );
}

export default function SurveyQueuePage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [kind, setKind] = useState<'unsatisfied' | 'unreachable'>('unsatisfied');
  const [decision, setDecision] = useState<Decision | null>(null);
  const query = useApiQuery<{ items: QueueItem[] }>('/api/surveys/queue', { kind, limit: 100 });
  useRealtimeEvent('survey.unsatisfied', () => query.reload());
  useRealtimeEvent('survey.unreachable', () => query.reload());
  useRealtimeEvent('survey.decided', () => query.reload());

  const columns: TableColumnsType<QueueItem> = [
    {
      title: t('surveys.queue.ticket'),
      key: 'ticket',
      render: (_, r) => (
        <Flex vertical>
          <Link to={`/tickets/${r.ticket.id}`}>{r.ticket.number}</Link>
          <Typography.Text>{r.ticket.title}</Typography.Text>
          {r.ticket.reopenCount ? <Typography.Text type="secondary">{t('surveys.queue.reopenCount', { count: r.ticket.reopenCount })}</Typography.Text> : null}
        </Flex>
      ),
    },
    { title: t('surveys.queue.department'), key: 'department', width: 180, render: (_, r) => r.department?.name ?? t('common.none') },
    {
      title: t('surveys.queue.answeredAt'),
      key: 'at',
      width: 170,
      render: (_, r) => (r.completedAt ? formatDateTime(r.completedAt, language) : t('common.none')),
    },
    {
      title: t('surveys.queue.channel'),
      key: 'channel',
      width: 150,
      render: (_, r) => (
        <Space size={4} wrap>
          {r.outcome ? <Tag color={OUTCOME_COLOURS[r.outcome]}>{t(`surveys.outcome.${r.outcome}`)}</Tag> : null}
          {r.answeredChannel ? <Tag>{t(`surveys.channel.${r.answeredChannel}`)}</Tag> : <Tag>{t('surveys.queue.attempts')} {r.attempts.length}</Tag>}
        </Space>
      ),
    },
    {
      title: t('surveys.queue.comment'),
      key: 'comment',
      render: (_, r) => (
        <Flex vertical>
          {r.comment ? <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true }}>{r.comment}</Typography.Paragraph> : null}
          {r.commentRecorded ? <Tag color="blue">{t('surveys.queue.commentRecorded')}</Tag> : null}
        </Flex>
      ),
    },
    ...(kind === 'unsatisfied'
      ? [
          {
            title: t('surveys.queue.actions'),
            key: 'actions',
            width: 190,
            render: (_: unknown, r: QueueItem) => (
              <Space>
                <Button danger size="small" data-testid="survey-reopen" onClick={() => setDecision({ item: r, kind: 'reopen' })}>
                  {t('surveys.queue.reopen')}
                </Button>
                <Button size="small" data-testid="survey-close" onClick={() => setDecision({ item: r, kind: 'close' })}>
                  {t('surveys.queue.close')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="survey-queue-page">
      <PageTitle
        title={t('surveys.queue.title')}
        description={t('surveys.queue.description')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Tabs
          activeKey={kind}
          onChange={(key) => setKind(key as 'unsatisfied' | 'unreachable')}
          items={[
            { key: 'unsatisfied', label: t('surveys.queue.unsatisfied') },
            { key: 'unreachable', label: t('surveys.queue.unreachable') },
          ]}
        />
        <Table rowKey="id" size="middle" loading={query.loading} columns={columns} dataSource={query.data?.items ?? []} pagination={false} locale={{ emptyText: t('surveys.queue.empty') }} />
      </Card>
      {decision ? (
        <DecisionDialog
          decision={decision}
          onClose={() => setDecision(null)}
          onDone={() => {
            setDecision(null);
            query.reload();
          }}
        />
      ) : null}
    </div>
  );
}
