/**
 * 审核队列 for supervisors: tickets waiting for the hotline's decision on a department's return, extension
 * request or reply, oldest first within each queue as the list returns them. A row opens the ticket in a
 * drawer, where the review buttons (from the ticket's abilities) decide it; the queues follow live.
 */
import { useState } from 'react';
import { Badge, Button, Card, Flex, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { useLiveRefresh } from '../tickets/live.ts';
import { UrgencyTag } from '../tickets/parts.tsx';
import { TicketDrawer } from '../tickets/TicketDrawer.tsx';
import type { TicketState, TicketSummary } from '../tickets/types.ts';
import { useKeysetList } from '../tickets/use-keyset-list.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const QUEUES = [
  { key: 'replies', state: 'reply_review' },
  { key: 'returns', state: 'return_review' },
  { key: 'extensions', state: 'extension_review' },
] as const satisfies readonly { key: string; state: TicketState }[];
type QueueKey = (typeof QUEUES)[number]['key'];

export default function ReviewQueuesPage() {
  const { t } = useTranslation();
  const [queue, setQueue] = useState<QueueKey>('replies');
  const [openTicket, setOpenTicket] = useState<string | null>(null);
  const state = QUEUES.find((q) => q.key === queue)?.state ?? 'reply_review';
  // Every queue's first page, so the tabs can show how much waits in each (up to the page size).
  const replies = useKeysetList<TicketSummary>('/api/tickets', { state: 'reply_review', limit: 100 });
  const returns = useKeysetList<TicketSummary>('/api/tickets', { state: 'return_review', limit: 100 });
  const extensions = useKeysetList<TicketSummary>('/api/tickets', { state: 'extension_review', limit: 100 });
  const lists = { replies, returns, extensions };
  const list = lists[queue];
  const reloadAll = () => {
    replies.reload();
    returns.reload();
    extensions.reload();
  };
  useLiveRefresh(reloadAll, { delayMs: 500 });

  const language = currentLanguage();
  const columns: TableColumnsType<TicketSummary> = [
    {
      title: t('tickets.field.number'),
      dataIndex: 'number',
      width: 200,
      render: (number: string, row) => (
        <Typography.Link onClick={() => setOpenTicket(row.id)} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {number}
        </Typography.Link>
      ),
    },
    { title: t('tickets.field.title'), dataIndex: 'title', ellipsis: true },
    { title: t('tickets.field.type'), dataIndex: 'type', width: 80, render: (type: string) => t(`tickets.type.${type}`) },
    { title: t('tickets.field.urgency'), dataIndex: 'urgency', width: 90, render: (u: TicketSummary['urgency']) => <UrgencyTag urgency={u} /> },
    {
      title: t('tickets.field.flags'),
      key: 'flags',
      width: 140,
      render: (_, row) => (
        <Flex gap={4} wrap>
          {row.supervised ? <Tag color="red">{t('tickets.field.supervised')}</Tag> : null}
          {row.reopenCount > 0 ? <Tag color="purple">{`${t('tickets.field.reopenCount')} ${row.reopenCount}`}</Tag> : null}
        </Flex>
      ),
    },
    { title: t('tickets.field.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (at: string) => formatDateTime(at, language) },
    {
      title: t('tickets.detail.actions'),
      key: 'open',
      width: 100,
      render: (_, row) => (
        <Button size="small" type="primary" onClick={() => setOpenTicket(row.id)} data-testid="review-open">
          {t('tickets.review.open')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="review-queues-page">
      <PageTitle
        title={t('tickets.review.title')}
        description={t('tickets.review.description')}
        extra={
          <RefreshButton onClick={reloadAll} loading={list.loading} />
        }
      />
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <Card>
        <Tabs
          activeKey={queue}
          onChange={(key) => setQueue(key as QueueKey)}
          items={QUEUES.map((q) => ({
            key: q.key,
            label: (
              <span data-testid={`review-tab-${q.key}`}>
                {t(`tickets.review.${q.key}`)} <Badge count={lists[q.key].items.length} overflowCount={99} showZero={false} />
              </span>
            ),
          }))}
        />
        <Table<TicketSummary>
          rowKey="id"
          size="middle"
          loading={list.loading && list.items.length === 0}
          columns={columns}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: t('tickets.review.empty') }}
          onRow={(row) => ({ 'data-testid': 'review-row', 'data-ticket': row.id, 'data-state': state }) as React.HTMLAttributes<HTMLElement>}
          data-testid="review-table"
        />
        {list.nextCursor ? (
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Button onClick={list.loadMore} loading={list.loading}>
              {t('common.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </Card>
      <TicketDrawer id={openTicket} onClose={() => setOpenTicket(null)} onChanged={reloadAll} />
    </div>
  );
}
