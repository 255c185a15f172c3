/**
 * 满意度统计: 回访率, 满意率 and the 联系不上 share per department and registering agent over a period, and 一次一评
 * per agent. `DepartmentSatisfaction` is exported for the supervision board.
 */
import { useState } from 'react';
import { Card, DatePicker, Flex, Statistic, Table, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { percent, type FigureRow, type Figures } from './types.ts';

function useFigureColumns(): TableColumnsType<FigureRow> {
  const { t } = useTranslation();
  return [
    { title: t('surveys.figures.name'), dataIndex: 'name', render: (name: string | null) => name ?? t('surveys.figures.unknown') },
    { title: t('surveys.figures.closed'), dataIndex: 'closed', width: 100 },
    { title: t('surveys.figures.surveyRate'), dataIndex: 'surveyRate', width: 100, render: percent },
    { title: t('surveys.figures.finished'), dataIndex: 'finished', width: 100 },
    { title: t('surveys.figures.answered'), dataIndex: 'answered', width: 100 },
    { title: t('surveys.figures.satisfactionRate'), dataIndex: 'satisfactionRate', width: 100, render: percent, sorter: (a, b) => (a.satisfactionRate ?? -1) - (b.satisfactionRate ?? -1) },
    { title: t('surveys.figures.unreachableShare'), dataIndex: 'unreachableShare', width: 120, render: percent },
  ];
}

/** Per-department satisfaction over the last 30 days (or the given period): a card for boards. */
export function DepartmentSatisfaction({ from, to }: { from?: string; to?: string }) {
  const { t } = useTranslation();
  const query = useApiQuery<Figures>('/api/surveys/figures', { ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const columns = useFigureColumns();
  return (
    <Card title={t('surveys.figures.byDepartment')} size="small" data-testid="department-satisfaction">
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Table rowKey={(r) => r.id ?? 'none'} size="small" loading={query.loading} columns={columns} dataSource={query.data?.departments ?? []} pagination={false} />
    </Card>
  );
}

export default function SatisfactionPage() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(30, 'day').startOf('day'), dayjs().endOf('day')]);
  const query = useApiQuery<Figures>('/api/surveys/figures', { from: range[0].toISOString(), to: range[1].toISOString() });
  const columns = useFigureColumns();
  const total = query.data?.total;
  return (
    <div data-testid="satisfaction-page">
      <PageTitle title={t('surveys.figures.title')} description={t('surveys.figures.description')} />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Flex vertical gap={16}>
        <Card>
          <Flex gap={32} wrap align="center">
            <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0].startOf('day'), v[1].endOf('day')])} />
            <Statistic title={t('surveys.figures.surveyRate')} value={percent(total?.surveyRate ?? null)} />
            <Statistic title={t('surveys.figures.satisfactionRate')} value={percent(total?.satisfactionRate ?? null)} />
            <Statistic title={t('surveys.figures.unreachableShare')} value={percent(total?.unreachableShare ?? null)} />
            <Statistic title={t('surveys.figures.answered')} value={total?.answered ?? 0} />
          </Flex>
        </Card>
        <Card title={t('surveys.figures.byDepartment')} size="small">
          <Table rowKey={(r) => r.id ?? 'none'} size="small" loading={query.loading} columns={columns} dataSource={query.data?.departments ?? []} pagination={false} />
        </Card>
        {query.data?.agents.length ? (
          <Card title={t('surveys.figures.byAgent')} size="small">
            <Table rowKey={(r) => r.id ?? 'none'} size="small" columns={columns} dataSource={query.data.agents} pagination={{ pageSize: 20 }} />
          </Card>
        ) : null}
        {query.data?.callRatings.length ? (
          <Card title={t('surveys.figures.callRatings')} size="small">
            <Table
              rowKey={(r) => r.id ?? 'none'}
              size="small"
              dataSource={query.data.callRatings}
              pagination={{ pageSize: 20 }}
              columns={[
                { title: t('surveys.figures.name'), dataIndex: 'name', render: (name: string | null) => name ?? t('surveys.figures.unknown') },
                { title: t('surveys.figures.offered'), dataIndex: 'offered', width: 100 },
                { title: t('surveys.figures.rated'), dataIndex: 'rated', width: 100 },
                { title: t('surveys.figures.ratingRate'), dataIndex: 'ratingRate', width: 100, render: percent },
                { title: t('surveys.figures.satisfactionRate'), dataIndex: 'satisfactionRate', width: 100, render: percent },
              ]}
            />
          </Card>
        ) : null}
      </Flex>
    </div>
  );
}
