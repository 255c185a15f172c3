/**
 * 部门考核: hotline supervisors and admins see the ranking of a period (provisional until published), its
 * history, and any department's breakdown; department staff see only their own department's score and
 * history. What shows is decided by the server's abilities (`assessment.ranking`, `assessment.manage`).
 */
import { useMemo, useState } from 'react';
import { App, Button, Card, Flex, Popconfirm, Segmented, Select, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useSession } from '../auth/session.ts';
import { useApiQuery, type ApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';
import { recentPeriods } from './periods.ts';
import { ScoreBreakdown } from './ScoreBreakdown.tsx';
import type { HistoryRow, PeriodKind, RankingResponse, RankingRow, ScoreResponse } from './types.ts';

export default function AssessmentPage() {
  const { t } = useTranslation();
  const session = useSession();
  const abilities = session.user?.abilities ?? {};
  const ownDepartment = session.user?.department?.id ?? null;
  const seesRanking = abilities['assessment.ranking'] === true;
  const [kind, setKind] = useState<PeriodKind>('month');
  const periods = useMemo(() => recentPeriods(kind, new Date()), [kind]);
  const [period, setPeriod] = useState<string>(periods[0]!);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState(seesRanking ? 'ranking' : 'own');
  const departmentId = seesRanking ? selected : ownDepartment;

  const changeKind = (next: PeriodKind) => {
    setKind(next);
    setPeriod(recentPeriods(next, new Date())[0]!);
  };
  const open = (id: string) => {
    setSelected(id);
    setTab('own');
  };

  const ranking = useApiQuery<RankingResponse>(seesRanking ? `/api/assessment/periods/${period}/ranking` : null, {});
  const score = useApiQuery<ScoreResponse>(departmentId ? `/api/assessment/periods/${period}/departments/${departmentId}` : null, {});
  const reload = () => {
    ranking.reload();
    score.reload();
  };
  const status = ranking.data ?? score.data;

  const tabs = [
    ...(seesRanking
      ? [{ key: 'ranking', label: t('assessment.tab.ranking'), children: <RankingTable query={ranking} period={period} onOpen={open} canPublish={abilities['assessment.manage'] === true} /> }]
      : []),
    {
      key: 'own',
      label: seesRanking ? t('assessment.view') : t('assessment.tab.own'),
      children: !departmentId ? (
        seesRanking ? null : <Typography.Text type="secondary">{t('assessment.noDepartment')}</Typography.Text>
      ) : score.error ? (
        <LoadError error={score.error} onRetry={score.reload} />
      ) : score.data ? (
        <ScoreBreakdown score={score.data.score} />
      ) : null,
    },
    { key: 'history', label: t('assessment.tab.history'), children: <HistoryTable kind={kind} /> },
  ];

  return (
    <div data-testid="assessment-page">
      <PageTitle title={t('assessment.title')} description={t('assessment.description')} extra={<RefreshButton onClick={reload} loading={ranking.loading || score.loading} />} />
      <Card>
        <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
          <Segmented<PeriodKind> value={kind} onChange={changeKind} options={(['month', 'quarter', 'year'] as const).map((value) => ({ value, label: t(`assessment.kind.${value}`) }))} />
          <Select style={{ width: 140 }} value={period} onChange={setPeriod} options={periods.map((p) => ({ value: p, label: p }))} aria-label={t('assessment.period')} data-testid="assessment-period" />
          {status ? (
            status.published ? (
              <Tag color="green">{t('assessment.published', { at: formatDateTime(status.publishedAt ?? '', currentLanguage()) })}</Tag>
            ) : (
              <Tag color="orange">{t('assessment.provisional')}</Tag>
            )
          ) : null}
          {status ? (
            <Typography.Text type="secondary">{status.scheme.version === 0 ? t('assessment.schemeDefault') : t('assessment.scheme', { version: status.scheme.version })}</Typography.Text>
          ) : null}
        </Flex>
        <Tabs activeKey={tab} onChange={setTab} items={tabs} />
      </Card>
    </div>
  );
}

/** The ranking of a period; a department's name opens its breakdown. Admins publish from here. */
function RankingTable({ query, period, onOpen, canPublish }: { query: ApiQuery<RankingResponse>; period: string; onOpen: (id: string) => void; canPublish: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const columns: TableColumnsType<RankingRow> = [
    { title: t('assessment.field.rank'), dataIndex: 'rank', width: 80, render: (v: number | null) => v ?? '—' },
    { title: t('assessment.field.department'), key: 'department', render: (_, row) => <Typography.Link onClick={() => onOpen(row.departmentId)}>{row.departmentName}</Typography.Link> },
    {
      title: t('assessment.field.total'),
      dataIndex: 'total',
      align: 'right',
      render: (v: number | null, row) => (row.assessed ? <Typography.Text strong>{v}</Typography.Text> : <Tag>{t('assessment.notAssessed')}</Tag>),
    },
    { title: t('assessment.field.base'), dataIndex: 'base', align: 'right' },
    { title: t('assessment.field.bonus'), dataIndex: 'bonus', align: 'right' },
    { title: t('assessment.field.deduction'), dataIndex: 'deduction', align: 'right' },
  ];
  const publish = async () => {
    try {
      await api.request(`/api/assessment/periods/${period}/publish`, { method: 'POST' });
      void message.success(t('assessment.publishDone', { period }));
      query.reload();
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };
  return (
    <>
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {canPublish && query.data && !query.data.published ? (
        <Popconfirm title={t('assessment.publishConfirm', { period })} onConfirm={publish}>
          <Button style={{ marginBottom: 12 }}>{t('assessment.publish')}</Button>
        </Popconfirm>
      ) : null}
      <Table<RankingRow>
        rowKey="departmentId"
        size="middle"
        loading={query.loading && !query.data}
        columns={columns}
        dataSource={query.data?.rows ?? []}
        pagination={false}
        onRow={(row) => ({ 'data-testid': 'assessment-row', 'data-rank': row.rank ?? '' }) as React.HTMLAttributes<HTMLElement>}
      />
    </>
  );
}

/** Published results of one kind of period, newest first (department staff: their own rows only). */
function HistoryTable({ kind }: { kind: PeriodKind }) {
  const { t } = useTranslation();
  const query = useApiQuery<{ rows: HistoryRow[] }>('/api/assessment/history', { kind, limit: 12 });
  const columns: TableColumnsType<HistoryRow> = [
    { title: t('assessment.field.period'), dataIndex: 'period' },
    { title: t('assessment.field.department'), dataIndex: 'departmentName' },
    { title: t('assessment.field.rank'), dataIndex: 'rank', render: (v: number | null) => v ?? '—' },
    { title: t('assessment.field.total'), dataIndex: 'total', align: 'right', render: (v: number | null) => v ?? t('assessment.notAssessed') },
  ];
  if (query.error) return <LoadError error={query.error} onRetry={query.reload} />;
  return (
    <Table<HistoryRow>
      rowKey={(r) => `${r.period}-${r.departmentId}`}
      size="small"
      loading={query.loading}
      columns={columns}
      dataSource={query.data?.rows ?? []}
      pagination={{ pageSize: 50 }}
      locale={{ emptyText: t('assessment.emptyHistory') }}
    />
  );
}
