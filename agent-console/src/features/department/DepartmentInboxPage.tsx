/**
 * 部门待办, the department portal: the work dispatched to the user's department (the server scopes it to
 * their own department in SQL), by assignment state, earliest deadline first, each with its deadline colour
 * and the department's buttons (sign, reply, extension, pass down, return) as the server's abilities allow.
 * The caller's name and number never appear on confidential tickets: the server sends no caller at all.
 * Live: the list reloads when work is dispatched, urged or decided.
 */
import { useState } from 'react';
import { Button, Card, Flex, Segmented, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { AssignmentActions } from '../tickets/actions.tsx';
import { NOTICE_EVENTS, TICKET_EVENTS, useLiveRefresh } from '../tickets/live.ts';
import { AssignmentStateTag, DeadlineTag, UrgencyTag } from '../tickets/parts.tsx';
import { TicketDrawer } from '../tickets/TicketDrawer.tsx';
import type { AssignmentState, InboxItem } from '../tickets/types.ts';
import { useKeysetList } from '../tickets/use-keyset-list.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const TABS = ['open', 'dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child', 'replied', 'done'] as const;
type TabKey = (typeof TABS)[number];
const LIVE_EVENTS = [...TICKET_EVENTS, ...NOTICE_EVENTS];

export default function DepartmentInboxPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<TabKey>('open');
  const [deadline, setDeadline] = useState<'all' | 'warning' | 'overdue'>('all');
  const [openTicket, setOpenTicket] = useState<string | null>(null);

  const list = useKeysetList<InboxItem>('/api/assignments', {
    limit: 50,
    state: tab === 'open' ? undefined : (tab as AssignmentState),
    deadline: deadline === 'all' ? undefined : deadline,
  });
  useLiveRefresh(list.reload, { events: LIVE_EVENTS, delayMs: 500 });

  const columns: TableColumnsType<InboxItem> = [
    {
      title: t('tickets.field.number'),
      key: 'number',
      width: 210,
      render: (_, row) => (
        <Flex vertical gap={2}>
          <Typography.Link onClick={() => setOpenTicket(row.ticket.id)} data-testid="inbox-open" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
            {row.ticket.number}
          </Typography.Link>
          <span>
            <Tag color={row.role === 'lead' ? 'blue' : 'default'}>{t(`tickets.role.${row.role}`)}</Tag>
            <UrgencyTag urgency={row.ticket.urgency} />
          </span>
        </Flex>
      ),
    },
    {
      title: t('tickets.field.title'),
      key: 'title',
      render: (_, row) => (
        <Flex vertical gap={2} style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis>
            {row.ticket.title}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
            {[t(`tickets.type.${row.ticket.type}`), row.ticket.category, row.ticket.district, row.ticket.address].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tickets.field.caller'),
      key: 'caller',
      width: 160,
      render: (_, row) =>
        row.ticket.caller === null ? (
          <Tag icon={<LockOutlined />} color="volcano" data-testid="inbox-confidential">
            {t('tickets.inbox.confidential')}
          </Tag>
        ) : (
          <Flex vertical>
            <span>{row.ticket.caller.name ?? t('common.none')}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.ticket.caller.phoneMasked ?? ''}
            </Typography.Text>
          </Flex>
        ),
    },
    { title: t('tickets.field.state'), dataIndex: 'state', width: 110, render: (s: AssignmentState) => <AssignmentStateTag state={s} /> },
    { title: t('tickets.field.deadline'), key: 'deadline', width: 230, render: (_, row) => <DeadlineTag assignment={row} /> },
    {
      title: t('tickets.detail.actions'),
      key: 'actions',
      width: 260,
      render: (_, row) => <AssignmentActions assignment={row} onDone={list.reload} />,
    },
  ];

  return (
    <div data-testid="department-inbox-page">
      <PageTitle
        title={t('tickets.inbox.title')}
        description={t('tickets.inbox.description')}
        extra={
          <RefreshButton onClick={list.reload} loading={list.loading} />
        }
      />
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <Card>
        <Flex justify="space-between" align="center" gap={12} wrap>
          <Tabs
            activeKey={tab}
            onChange={(key) => setTab(key as TabKey)}
            items={TABS.map((key) => ({ key, label: <span data-testid={`inbox-tab-${key}`}>{key === 'open' ? t('tickets.inbox.all') : t(`tickets.assignmentState.${key}`)}</span> }))}
            style={{ flex: 1, minWidth: 0 }}
          />
          <Segmented
            value={deadline}
            onChange={(value) => setDeadline(value as typeof deadline)}
            options={[
              { value: 'all', label: t('tickets.inbox.anyDeadline') },
              { value: 'warning', label: t('tickets.deadline.warning') },
              { value: 'overdue', label: t('tickets.deadline.overdue') },
            ]}
          />
        </Flex>
        <Table<InboxItem>
          rowKey="id"
          size="middle"
          loading={list.loading && list.items.length === 0}
          columns={columns}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('tickets.inbox.empty') }}
          onRow={(row) => ({ 'data-testid': 'inbox-row', 'data-ticket': row.ticket.id, 'data-state': row.state, 'data-deadline': row.deadline }) as React.HTMLAttributes<HTMLElement>}
          data-testid="inbox-table"
        />
        {list.nextCursor ? (
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Button onClick={list.loadMore} loading={list.loading}>
              {t('common.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </Card>
      <TicketDrawer id={openTicket} onClose={() => setOpenTicket(null)} onChanged={list.reload} />
    </div>
  );
}

