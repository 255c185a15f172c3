/**
 * 督办看板: open department work past its warning time (yellow) or its deadline (red), most urgent first and
 * then the earliest deadline, as the server orders it. It reloads when work moves or a deadline job fires
 * (socket events) and once a minute, since time alone turns work yellow and red. A row opens the ticket,
 * where urge and supervise are (from the ticket's abilities).
 */
import { useEffect, useState } from 'react';
import { Button, Card, Flex, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { NOTICE_EVENTS, TICKET_EVENTS, useLiveRefresh } from '../tickets/live.ts';
import { AssignmentStateTag, DEADLINE_COLOURS, DeadlineTag, UrgencyTag } from '../tickets/parts.tsx';
import { TicketDrawer } from '../tickets/TicketDrawer.tsx';
import type { AssignmentState, InboxItem } from '../tickets/types.ts';
import { useKeysetList } from '../tickets/use-keyset-list.ts';
import { useSession } from '../auth/session.ts';
import { DepartmentSatisfaction } from '../surveys/SatisfactionPage.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';

const LIVE_EVENTS = [...TICKET_EVENTS, ...NOTICE_EVENTS];
const CLOCK_REFRESH_MS = 60_000;

export default function SupervisionBoardPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [openTicket, setOpenTicket] = useState<string | null>(null);
  const list = useKeysetList<InboxItem>('/api/supervision/board', { limit: 100 });
  const { reload } = list;
  useLiveRefresh(reload, { events: LIVE_EVENTS, delayMs: 500 });
  useEffect(() => {
    const timer = setInterval(reload, CLOCK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const overdue = list.items.filter((i) => i.deadline === 'overdue').length;
  const warning = list.items.filter((i) => i.deadline === 'warning').length;

  const columns: TableColumnsType<InboxItem> = [
    { title: t('tickets.field.urgency'), key: 'urgency', width: 90, render: (_, row) => <UrgencyTag urgency={row.ticket.urgency} /> },
    { title: t('tickets.field.deadline'), key: 'deadline', width: 240, render: (_, row) => <DeadlineTag assignment={row} /> },
    {
      title: t('tickets.field.number'),
      key: 'ticket',
      render: (_, row) => (
        <Flex vertical gap={2} style={{ minWidth: 0 }}>
          <Typography.Link onClick={() => setOpenTicket(row.ticket.id)} data-testid="board-open" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {row.ticket.number}
          </Typography.Link>
          <Typography.Text ellipsis>{row.ticket.title}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('tickets.field.department'),
      key: 'department',
      width: 220,
      render: (_, row) => (
        <span>
          <Tag color={row.role === 'lead' ? 'blue' : 'default'}>{t(`tickets.role.${row.role}`)}</Tag>
          {row.department.name}
        </span>
      ),
    },
    { title: t('tickets.field.state'), dataIndex: 'state', width: 110, render: (s: AssignmentState) => <AssignmentStateTag state={s} /> },
    {
      title: t('tickets.detail.actions'),
      key: 'open',
      width: 90,
      render: (_, row) => (
        <Button size="small" onClick={() => setOpenTicket(row.ticket.id)}>
          {t('tickets.board.open')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="supervision-board-page">
      <PageTitle
        title={t('tickets.board.title')}
        description={t('tickets.board.description')}
        extra={
          <RefreshButton onClick={reload} loading={list.loading} />
        }
      />
      {list.error ? <LoadError error={list.error} onRetry={reload} /> : null}
      <Flex gap={16} wrap style={{ marginBottom: 16 }}>
        <Card size="small" style={{ minWidth: 160 }}>
          <Statistic title={t('tickets.deadline.overdue')} value={overdue} styles={{ content: { color: DEADLINE_COLOURS.overdue } }} data-testid="board-overdue" />
        </Card>
        <Card size="small" style={{ minWidth: 160 }}>
          <Statistic title={t('tickets.deadline.warning')} value={warning} styles={{ content: { color: '#d48806' } }} data-testid="board-warning" />
        </Card>
      </Flex>
      <Card>
        <Table<InboxItem>
          rowKey="id"
          size="middle"
          loading={list.loading && list.items.length === 0}
          columns={columns}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('tickets.board.empty') }}
          onRow={(row) => ({ 'data-testid': 'board-row', 'data-ticket': row.ticket.id, 'data-deadline': row.deadline, 'data-urgency': row.ticket.urgency }) as React.HTMLAttributes<HTMLElement>}
          data-testid="board-table"
        />
        {list.nextCursor ? (
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Button onClick={list.loadMore} loading={list.loading}>
              {t('common.loadMore')}
            </Button>
          </Flex>
        ) : null}
      </Card>
      {/* Per-department satisfaction sits beside the deadlines it so often explains. */}
      {session.user?.abilities['surveys.figures'] ? (
        <div style={{ marginTop: 16 }}>
          <DepartmentSatisfaction />
        </div>
      ) : null}
      <TicketDrawer id={openTicket} onClose={() => setOpenTicket(null)} onChanged={reload} />
    </div>
  );
}
