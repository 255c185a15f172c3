/**
 * 工单查询: every ticket the user may see (departments: theirs), newest first, with filters for state, type,
 * urgency, deadline colour, a keyword and — for hotline staff who register tickets — the caller's phone.
 * Filters live in the URL, so queues and notices can link to a filtered list. Live: the first page reloads
 * when tickets move.
 */
import { useMemo } from 'react';
import { Button, Card, Flex, Form, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { LockOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useSession } from '../auth/session.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { useLiveRefresh } from './live.ts';
import { StateTag, UrgencyTag } from './parts.tsx';
import { ticketPath } from './paths.ts';
import { TICKET_STATES, TICKET_TYPES, URGENCIES, type TicketSummary } from './types.ts';
import { useKeysetList } from './use-keyset-list.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

type Filters = { state?: string[]; type?: string; urgency?: string; deadline?: string; q?: string; callerPhone?: string };
const FILTER_KEYS = ['state', 'type', 'urgency', 'deadline', 'q', 'callerPhone'] as const;
const PAGE_SIZE = 50;

function readFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (!value) continue;
    if (key === 'state') filters.state = value.split(',').filter(Boolean);
    else filters[key] = value;
  }
  return filters;
}

export default function TicketListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<Filters>();
  const filters = useMemo(() => readFilters(params), [params]);
  const abilities = session.user?.abilities ?? {};

  const list = useKeysetList<TicketSummary>('/api/tickets', {
    limit: PAGE_SIZE,
    state: filters.state?.join(','),
    type: filters.type,
    urgency: filters.urgency,
    deadline: filters.deadline,
    q: filters.q,
    callerPhone: filters.callerPhone,
  });
  useLiveRefresh(list.reload, { delayMs: 800 });

  const apply = (values: Filters) => {
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = values[key];
      const text = Array.isArray(value) ? value.join(',') : value?.trim();
      if (text) next.set(key, text);
    }
    setParams(next);
  };

  const language = currentLanguage();
  const columns: TableColumnsType<TicketSummary> = [
    {
      title: t('tickets.field.number'),
      dataIndex: 'number',
      width: 200,
      render: (number: string, row) => (
        <Link to={ticketPath(row.id)} data-testid="ticket-link" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {number}
        </Link>
      ),
    },
    {
      title: t('tickets.field.title'),
      dataIndex: 'title',
      ellipsis: true,
      render: (title: string, row) => (
        <span>
          {row.confidential ? <LockOutlined style={{ color: '#d4380d', marginInlineEnd: 4 }} /> : null}
          {title}
        </span>
      ),
    },
    { title: t('tickets.field.type'), dataIndex: 'type', width: 80, render: (type: string) => t(`tickets.type.${type}`) },
    { title: t('tickets.field.urgency'), dataIndex: 'urgency', width: 90, render: (u: TicketSummary['urgency']) => <UrgencyTag urgency={u} /> },
    { title: t('tickets.field.state'), dataIndex: 'state', width: 130, render: (_: string, row) => <StateTag state={row.state} label={row.stateLabel} /> },
    { title: t('tickets.field.category'), key: 'category', width: 140, ellipsis: true, render: (_, row) => row.category?.name ?? t('common.none') },
    { title: t('tickets.field.district'), dataIndex: 'district', width: 90, render: (d: string | null) => d ?? t('common.none') },
    {
      title: t('tickets.field.flags'),
      key: 'flags',
      width: 150,
      render: (_, row) => (
        <Flex gap={4} wrap>
          {row.supervised ? <Tag color="red">{t('tickets.field.supervised')}</Tag> : null}
          {row.urgeCount > 0 ? <Tag color="orange">{`${t('tickets.field.urgeCount')} ${row.urgeCount}`}</Tag> : null}
          {row.reopenCount > 0 ? <Tag color="purple">{`${t('tickets.field.reopenCount')} ${row.reopenCount}`}</Tag> : null}
        </Flex>
      ),
    },
    {
      title: t('tickets.field.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (at: string) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDateTime(at, language)}</span>,
    },
  ];

  return (
    <div data-testid="ticket-list-page">
      <PageTitle
        title={t('tickets.list.title')}
        description={t('tickets.list.description')}
        extra={
          <Flex gap={8}>
            <RefreshButton onClick={list.reload} loading={list.loading} />
            {abilities['tickets.register'] ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/tickets/new')} data-testid="ticket-new">
                {t('tickets.list.newTicket')}
              </Button>
            ) : null}
          </Flex>
        }
      />
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <Card>
        <Form<Filters> key={params.toString()} form={form} layout="inline" initialValues={filters} onFinish={apply} style={{ marginBottom: 16, rowGap: 12 }} data-testid="ticket-filters">
          <Form.Item name="state">
            <Select
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              style={{ width: 240 }}
              placeholder={t('tickets.list.anyState')}
              options={TICKET_STATES.map((s) => ({ value: s, label: t(`tickets.state.${s}`) }))}
              data-testid="filter-state"
            />
          </Form.Item>
          <Form.Item name="type">
            <Select allowClear style={{ width: 120 }} placeholder={t('tickets.list.anyType')} options={TICKET_TYPES.map((v) => ({ value: v, label: t(`tickets.type.${v}`) }))} />
          </Form.Item>
          <Form.Item name="urgency">
            <Select allowClear style={{ width: 130 }} placeholder={t('tickets.list.anyUrgency')} options={URGENCIES.map((v) => ({ value: v, label: t(`tickets.urgency.${v}`) }))} />
          </Form.Item>
          <Form.Item name="deadline">
            <Select
              allowClear
              style={{ width: 120 }}
              placeholder={t('tickets.list.anyDeadline')}
              options={(['warning', 'overdue'] as const).map((v) => ({ value: v, label: t(`tickets.deadline.${v}`) }))}
            />
          </Form.Item>
          <Form.Item name="q">
            <Input allowClear style={{ width: 220 }} placeholder={t('tickets.list.keywordPlaceholder')} maxLength={50} data-testid="filter-q" />
          </Form.Item>
          {abilities['tickets.register'] ? (
            <Form.Item name="callerPhone">
              <Input allowClear style={{ width: 160 }} placeholder={t('tickets.list.callerPhonePlaceholder')} maxLength={20} />
            </Form.Item>
          ) : null}
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="filter-search">
                {t('common.search')}
              </Button>
              <Button onClick={() => setParams(new URLSearchParams())}>{t('common.reset')}</Button>
            </Flex>
          </Form.Item>
        </Form>
        <Table<TicketSummary>
          rowKey="id"
          size="middle"
          loading={list.loading && list.items.length === 0}
          columns={columns}
          dataSource={list.items}
          pagination={false}
          scroll={{ x: 1150 }}
          locale={{ emptyText: t('tickets.list.empty') }}
          onRow={(row) => ({ 'data-testid': 'ticket-row', 'data-ticket': row.id, 'data-state': row.state }) as React.HTMLAttributes<HTMLElement>}
          data-testid="ticket-table"
        />
        <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('common.loaded', { count: list.items.length })}</Typography.Text>
          {list.nextCursor ? (
            <Button onClick={list.loadMore} loading={list.loading}>
              {t('common.loadMore')}
            </Button>
          ) : null}
        </Flex>
      </Card>
    </div>
  );
}
