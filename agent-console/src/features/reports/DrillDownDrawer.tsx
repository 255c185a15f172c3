/**
 * The items behind a figure: the calls, tickets, assignments or survey ratings the figure counts, from the
 * same facts as the figure (so the count here is the figure's denominator). Ticket rows open the ticket page;
 * assignment rows open the ticket list searched by the ticket number (the item is the assignment, not the ticket).
 */
import { useState } from 'react';
import { Drawer, Flex, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { ticketPath } from '../tickets/paths.ts';
import { addDays, type Cut, type Definition, type ItemsResponse, type MeasureItem } from './reports-model.ts';

/** What to drill into: a measure over local dates [from, to), optionally one key of a cut, optionally a trend point. */
export type DrillTarget = {
  measure: string;
  from: string;
  to: string;
  /** Set for a trend point: the end of the whole trend range, the moment open items are judged at. */
  rangeTo?: string;
  filters: Partial<Record<Cut, string>>;
  /** Words for the filter, shown under the title (`部门：公安局`). */
  filterLabel?: string;
};

const PAGE_SIZE = 20;

export function DrillDownDrawer({ target, definition, onClose }: { target: DrillTarget | null; definition: Definition | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={720}
      destroyOnHidden
      title={definition ? t('reports.drill.title', { measure: definition.label[language] }) : ''}
      data-testid="drill-drawer"
    >
      {target && definition ? <DrillDownItems key={JSON.stringify(target)} target={target} definition={definition} /> : null}
    </Drawer>
  );
}

function DrillDownItems({ target, definition }: { target: DrillTarget; definition: Definition }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const [onlyNumerator, setOnlyNumerator] = useState(false);
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const item = definition.item;
  const query = useApiQuery<ItemsResponse>(target.rangeTo ? `/api/reports/trends/${target.measure}/items` : `/api/reports/measures/${target.measure}/items`, {
    from: target.from,
    to: target.to,
    rangeTo: target.rangeTo,
    ...target.filters,
    numerator: onlyNumerator ? 'true' : undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });

  const columns: TableColumnsType<MeasureItem> = [
    {
      title: t('reports.drill.ref'),
      dataIndex: 'ref',
      render: (ref: string | null, row) => {
        const text = ref ?? row.id.slice(0, 8);
        if (item === 'ticket' || item === 'survey') return <Link to={ticketPath(row.id)} data-testid="drill-ticket-link">{text}</Link>;
        if (item === 'assignment' && ref) return <Link to={`/tickets?q=${encodeURIComponent(ref)}`} data-testid="drill-ticket-link">{text}</Link>;
        return <Typography.Text copyable={ref ? { text: ref } : false}>{text}</Typography.Text>;
      },
    },
    { title: t('reports.drill.at'), dataIndex: 'at', width: 190, render: (at: string) => formatDateTime(at, i18n.language) },
    {
      title: definition.unit === 'seconds' ? t('reports.drill.value') : t('reports.drill.inNumerator'),
      dataIndex: 'value',
      width: 120,
      render: (value: number, row) =>
        definition.unit === 'seconds' ? t('reports.figures.seconds', { value }) : row.inNumerator ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>,
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap align="center">
        <Tag>{t('reports.drill.context', { from: target.from, to: addDays(target.to, -1) })}</Tag>
        {target.filterLabel ? <Tag color="blue">{target.filterLabel}</Tag> : null}
        <Tag color="purple">{t(`reports.drill.item.${item}`)}</Tag>
      </Flex>
      <Typography.Text type="secondary">
        {t('reports.figures.denominator')}：{definition.denominator[language]}
      </Typography.Text>
      {definition.unit === 'ratio' ? (
        <Flex gap={8} align="center">
          <Switch
            size="small"
            checked={onlyNumerator}
            onChange={(v) => {
              setOnlyNumerator(v);
              setPage(1);
            }}
            data-testid="drill-only-numerator"
          />
          <Typography.Text>
            {t('reports.drill.onlyNumerator')}（{definition.numerator[language]}）
          </Typography.Text>
        </Flex>
      ) : null}
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Table<MeasureItem>
        rowKey="id"
        size="small"
        data-testid="drill-table"
        loading={query.loading}
        columns={columns}
        dataSource={query.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: query.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (count) => <span data-testid="drill-total">{t('reports.drill.total', { count })}</span>,
          onChange: setPage,
        }}
      />
    </Flex>
  );
}
