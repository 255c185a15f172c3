/**
 * 统计报表: the figures the hotline is judged by over a month, a quarter or any range of days, each with its
 * plain-words definition (from `/api/reports/definitions`); their trend (ECharts lines), their breakdown by
 * department / desk / agent / channel / type / category (ECharts bars), the top categories and departments,
 * and the 办件月报表 download. Every figure, point, bar and row drills down to the calls or tickets behind it.
 * The period lives in the URL, so a view can be bookmarked or sent to a colleague.
 */
import { useMemo, useState } from 'react';
import { Card, Col, DatePicker, Empty, Flex, Row, Segmented, Select, Skeleton, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';
import { DrillDownDrawer, type DrillTarget } from './DrillDownDrawer.tsx';
import { MonthlyReportCard } from './MonthlyReportCard.tsx';
import { WrapUpReportCard } from './WrapUpReportCard.tsx';
import { EChart } from '../shell/EChart.tsx';
import {
  allowedGranularities,
  breakdownOption,
  customPeriod,
  DEFAULT_TREND,
  defaultGranularity,
  formatValue,
  lastDay,
  MAX_TREND_MEASURES,
  monthOf,
  monthPeriod,
  orderDefinitions,
  periodFromSearch,
  periodToSearch,
  quarterPeriod,
  rankByValue,
  topByVolume,
  trendOption,
  volumeOption,
  type Cut,
  type CutFigure,
  type Definition,
  type Granularity,
  type MeasureFigure,
  type MeasuresResponse,
  type Period,
  type PeriodMode,
  type TrendsResponse,
} from './reports-model.ts';

type Lang = 'zh-CN' | 'en';

function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

/** Display name of a cut key: the server's label (departments, agents, categories, desks) or our words (channels, types). */
function useCutLabel(): (cut: Cut, row: CutFigure) => string {
  const { t } = useTranslation();
  return (cut, row) => {
    if (row.key === null) return t('reports.breakdown.none');
    if (cut === 'channel') return t(`tickets.channel.${row.key}`, { defaultValue: row.key });
    if (cut === 'type') return t(`tickets.type.${row.key}`, { defaultValue: row.key });
    return row.label ?? row.key;
  };
}

function PeriodPicker({ period, onChange }: { period: Period; onChange: (p: Period) => void }) {
  const { t } = useTranslation();
  const setMode = (mode: PeriodMode) => {
    if (mode === 'month') onChange(monthPeriod(monthOf(period.from)));
    else if (mode === 'quarter') onChange(quarterPeriod(Number(period.from.slice(0, 4)), Math.floor((Number(period.from.slice(5, 7)) - 1) / 3) + 1));
    else onChange(customPeriod(period.from, lastDay(period)));
  };
  return (
    <Flex gap={8} wrap align="center" data-testid="period-picker">
      <Segmented<PeriodMode>
        value={period.mode}
        onChange={setMode}
        options={[
          { value: 'month', label: t('reports.period.month') },
          { value: 'quarter', label: t('reports.period.quarter') },
          { value: 'custom', label: t('reports.period.custom') },
        ]}
      />
      {period.mode === 'month' ? (
        <DatePicker picker="month" allowClear={false} value={dayjs(period.from)} onChange={(v) => v && onChange(monthPeriod(v.format('YYYY-MM')))} data-testid="period-month" />
      ) : period.mode === 'quarter' ? (
        <DatePicker picker="quarter" allowClear={false} value={dayjs(period.from)} onChange={(v) => v && onChange(quarterPeriod(v.year(), Math.floor(v.month() / 3) + 1))} />
      ) : (
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(period.from), dayjs(lastDay(period))]}
          onChange={(v) => v?.[0] && v[1] && onChange(customPeriod(v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')))}
        />
      )}
    </Flex>
  );
}

function FigureCard({ definition, figure, onOpen }: { definition: Definition; figure: MeasureFigure | undefined; onOpen: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const value = formatValue(figure?.value ?? null, definition.unit);
  const help = (
    <div style={{ maxWidth: 360 }}>
      <div>{definition.description[lang]}</div>
      <div style={{ marginTop: 6 }}>
        {t('reports.figures.numerator')}：{definition.numerator[lang]}
      </div>
      <div>
        {t('reports.figures.denominator')}：{definition.denominator[lang]}
      </div>
    </div>
  );
  return (
    <Card size="small" hoverable onClick={onOpen} data-testid={`figure-${definition.key}`} style={{ height: '100%' }}>
      <Flex justify="space-between" align="center" gap={4}>
        <Typography.Text type="secondary">{definition.label[lang]}</Typography.Text>
        <Tooltip title={help}>
          <QuestionCircleOutlined data-testid={`figure-help-${definition.key}`} aria-label={t('reports.figures.definition')} onClick={(e) => e.stopPropagation()} />
        </Tooltip>
      </Flex>
      <Tooltip title={t('reports.figures.clickToDrill')}>
        <div style={{ fontSize: 26, fontWeight: 600, lineHeight: 1.4 }} data-testid={`figure-value-${definition.key}`} data-value={figure?.value ?? ''}>
          {value === null ? t('reports.figures.noData') : definition.unit === 'seconds' ? t('reports.figures.seconds', { value }) : value}
        </div>
      </Tooltip>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('reports.figures.ofTotal', { numerator: Math.round((figure?.numerator ?? 0) * 10) / 10, denominator: figure?.denominator ?? 0 })}
      </Typography.Text>
    </Card>
  );
}

function TrendCard({ period, definitions, onDrill }: { period: Period; definitions: Definition[]; onDrill: (target: DrillTarget) => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const allowed = allowedGranularities(period);
  const [chosen, setChosen] = useState<Granularity | null>(null);
  const granularity = chosen && allowed.includes(chosen) ? chosen : defaultGranularity(period);
  const [keys, setKeys] = useState<string[]>(DEFAULT_TREND);
  const query = useApiQuery<TrendsResponse>('/api/reports/trends', { from: period.from, to: period.to, granularity, measures: keys.join(',') });
  const byKey = useMemo(() => new Map(definitions.map((d) => [d.key, d])), [definitions]);
  const trends = query.data?.trends;
  const option = useMemo(
    () =>
      trendOption(trends ?? [], {
        name: (key) => byKey.get(key)?.label[lang] ?? key,
        seconds: t('reports.figures.seconds', { value: '' }).trim(),
        axisLabel: (start) => (granularity === 'month' ? start.slice(0, 7) : start.slice(5)),
      }),
    [trends, byKey, lang, granularity, t],
  );
  return (
    <Card
      title={t('reports.trend.title')}
      data-testid="trend-card"
      extra={
        <Flex gap={8} wrap align="center">
          <Select
            mode="multiple"
            style={{ minWidth: 280, maxWidth: 520 }}
            value={keys}
            maxCount={MAX_TREND_MEASURES}
            placeholder={t('reports.trend.measures')}
            onChange={(next: string[]) => next.length > 0 && setKeys(next)}
            options={definitions.map((d) => ({ value: d.key, label: d.label[lang] }))}
            data-testid="trend-measures"
          />
          <Segmented<Granularity> value={granularity} onChange={setChosen} options={allowed.map((g) => ({ value: g, label: t(`reports.trend.${g}`) }))} />
        </Flex>
      }
    >
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {query.loading && !trends ? <Skeleton active /> : null}
      <EChart
        option={option}
        height={300}
        testId="trend-chart"
        onPointClick={({ seriesIndex, dataIndex }) => {
          const trend = trends?.[seriesIndex];
          const point = trend?.points[dataIndex];
          if (trend && point) onDrill({ measure: trend.key, from: point.start, to: point.end, rangeTo: period.to, filters: {} });
        }}
      />
    </Card>
  );
}

function BreakdownCard({
  period,
  definitions,
  shared,
  onDrill,
}: {
  period: Period;
  definitions: Definition[];
  shared: Partial<Record<Cut, MeasuresResponse | undefined>>;
  onDrill: (target: DrillTarget) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const cutLabel = useCutLabel();
  const [measure, setMeasure] = useState('finishedOnTime');
  const definition = definitions.find((d) => d.key === measure) ?? definitions[0];
  const [chosenCut, setChosenCut] = useState<Cut>('department');
  const cut = definition && !definition.cuts.includes(chosenCut) ? (definition.cuts[0] ?? chosenCut) : chosenCut;
  const own = useApiQuery<MeasuresResponse>(cut in shared ? null : '/api/reports/measures', { from: period.from, to: period.to, cut });
  const data = cut in shared ? shared[cut] : own.data;
  const rows = useMemo(() => rankByValue(data?.measures[measure]?.cuts ?? []), [data, measure]);
  const unit = definition?.unit ?? 'ratio';
  const option = useMemo(() => breakdownOption(rows, unit, { key: (r) => cutLabel(cut, r), name: definition?.label[lang] ?? measure }), [rows, unit, cutLabel, cut, definition, lang, measure]);
  const drill = (row: CutFigure) =>
    onDrill({ measure, from: period.from, to: period.to, filters: { [cut]: row.key ?? 'none' }, filterLabel: t('reports.drill.filter', { cut: t(`reports.cut.${cut}`), name: cutLabel(cut, row) }) });
  const columns: TableColumnsType<CutFigure> = [
    { title: t(`reports.cut.${cut}`), key: 'key', render: (_, row) => <Typography.Link onClick={() => drill(row)}>{cutLabel(cut, row)}</Typography.Link> },
    { title: t('reports.breakdown.value'), dataIndex: 'value', width: 110, align: 'right', render: (v: number | null) => formatValue(v, unit) ?? t('common.none') },
    { title: t('reports.breakdown.count'), key: 'count', width: 140, align: 'right', render: (_, row) => `${Math.round(row.numerator * 10) / 10} / ${row.denominator}` },
  ];
  return (
    <Card
      title={t('reports.breakdown.title')}
      data-testid="breakdown-card"
      extra={
        <Flex gap={8} wrap align="center">
          <Select style={{ minWidth: 160 }} value={measure} onChange={setMeasure} options={definitions.map((d) => ({ value: d.key, label: d.label[lang] }))} data-testid="breakdown-measure" />
          <Segmented<Cut> value={cut} onChange={setChosenCut} options={(definition?.cuts ?? []).map((c) => ({ value: c, label: t(`reports.cut.${c}`) }))} />
        </Flex>
      }
    >
      {own.error ? <LoadError error={own.error} onRetry={own.reload} /> : null}
      {rows.length === 0 ? (
        own.loading || !data ? <Skeleton active /> : <Empty description={t('reports.breakdown.empty')} />
      ) : (
        <Row gutter={16}>
          <Col xs={24} lg={14}>
            <EChart option={option} height={Math.max(160, rows.length * 30 + 24)} testId="breakdown-chart" onPointClick={({ dataIndex }) => {
              const row = rows[rows.length - 1 - dataIndex]; // the chart lists rows bottom-up
              if (row) drill(row);
            }} />
          </Col>
          <Col xs={24} lg={10}>
            <Table<CutFigure> rowKey={(r) => r.key ?? 'none'} size="small" columns={columns} dataSource={rows} pagination={false} data-testid="breakdown-table" />
          </Col>
        </Row>
      )}
    </Card>
  );
}

function TopCard({
  title,
  testId,
  cut,
  data,
  loading,
  volumeMeasure,
  volumeLabel,
  rateMeasures,
  definitions,
  period,
  onDrill,
}: {
  title: string;
  testId: string;
  cut: Cut;
  data: MeasuresResponse | undefined;
  loading: boolean;
  volumeMeasure: string;
  volumeLabel: string;
  rateMeasures: string[];
  definitions: Definition[];
  period: Period;
  onDrill: (target: DrillTarget) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const cutLabel = useCutLabel();
  const rows = useMemo(() => topByVolume(data?.measures[volumeMeasure]?.cuts ?? [], 10), [data, volumeMeasure]);
  const option = useMemo(() => volumeOption(rows, { key: (r) => cutLabel(cut, r), name: volumeLabel }), [rows, cutLabel, cut, volumeLabel]);
  const drill = (measure: string, row: CutFigure) =>
    onDrill({ measure, from: period.from, to: period.to, filters: { [cut]: row.key ?? 'none' }, filterLabel: t('reports.drill.filter', { cut: t(`reports.cut.${cut}`), name: cutLabel(cut, row) }) });
  const rateOf = (measure: string, key: string | null) => data?.measures[measure]?.cuts?.find((c) => c.key === key);
  const columns: TableColumnsType<CutFigure> = [
    { title: t('reports.top.rank'), key: 'rank', width: 56, render: (_, __, i) => i + 1 },
    { title: t(`reports.cut.${cut}`), key: 'name', render: (_, row) => cutLabel(cut, row) },
    { title: volumeLabel, dataIndex: 'denominator', width: 90, align: 'right', render: (n: number, row) => <Typography.Link onClick={() => drill(volumeMeasure, row)}>{n}</Typography.Link> },
    ...rateMeasures.map((m) => ({
      title: definitions.find((d) => d.key === m)?.label[lang] ?? m,
      key: m,
      width: 110,
      align: 'right' as const,
      render: (_: unknown, row: CutFigure) => {
        const figure = rateOf(m, row.key);
        const text = formatValue(figure?.value ?? null, 'ratio');
        return text ? <Typography.Link onClick={() => drill(m, row)}>{text}</Typography.Link> : t('common.none');
      },
    })),
  ];
  return (
    <Card title={title} data-testid={testId} style={{ height: '100%' }}>
      {rows.length === 0 ? (
        loading ? <Skeleton active /> : <Empty description={t('reports.breakdown.empty')} />
      ) : (
        <>
          <EChart option={option} height={Math.max(140, rows.length * 26 + 16)} onPointClick={({ dataIndex }) => {
            const row = rows[rows.length - 1 - dataIndex];
            if (row) drill(volumeMeasure, row);
          }} />
          <Table<CutFigure> rowKey={(r) => r.key ?? 'none'} size="small" columns={columns} dataSource={rows} pagination={false} data-testid={`${testId}-table`} />
        </>
      )}
    </Card>
  );
}

export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = useMemo(() => periodFromSearch(params, dayjs().format('YYYY-MM-DD')), [params]);
  const setPeriod = (next: Period) => setParams(periodToSearch(next), { replace: true });
  const [drill, setDrill] = useState<DrillTarget | null>(null);

  const definitionsQuery = useApiQuery<{ measures: Definition[] }>('/api/reports/definitions');
  const definitions = useMemo(() => orderDefinitions(definitionsQuery.data?.measures ?? []), [definitionsQuery.data]);
  const range = { from: period.from, to: period.to };
  const totals = useApiQuery<MeasuresResponse>('/api/reports/measures', range);
  const byDepartment = useApiQuery<MeasuresResponse>('/api/reports/measures', { ...range, cut: 'department' });
  const byCategory = useApiQuery<MeasuresResponse>('/api/reports/measures', { ...range, cut: 'category' });
  const [refreshed, setRefreshed] = useState(0);
  const reload = () => {
    setRefreshed((n) => n + 1);
    totals.reload();
    byDepartment.reload();
    byCategory.reload();
  };
  const error = definitionsQuery.error ?? totals.error ?? byDepartment.error ?? byCategory.error;

  return (
    <div data-testid="reports-page">
      <PageTitle
        title={t('reports.title')}
        description={t('reports.description')}
        extra={
          <Flex gap={8} wrap align="center">
            <PeriodPicker period={period} onChange={setPeriod} />
            <RefreshButton onClick={reload} loading={totals.loading} />
          </Flex>
        }
      />
      {error ? <LoadError error={error} onRetry={() => (definitionsQuery.error ? definitionsQuery.reload() : reload())} /> : null}
      <Flex vertical gap={16}>
        <Card
          title={t('reports.figures.title')}
          size="small"
          extra={
            <Typography.Text type="secondary" data-testid="reports-period">
              {t('reports.period.range', { from: period.from, to: lastDay(period) })}
              {/* Only an unfinished period is judged before its end; say when. */}
              {totals.data && totals.data.asOf < totals.data.to ? ` · ${t('reports.period.asOf', { at: formatDateTime(totals.data.asOf, i18n.language) })}` : ''}
            </Typography.Text>
          }
        >
          {definitions.length === 0 ? (
            <Skeleton active />
          ) : (
            <Row gutter={[12, 12]} data-testid="figures" data-loaded={totals.data && !totals.loading ? 'true' : 'false'}>
              {definitions.map((d) => (
                <Col key={d.key} xs={12} md={8} lg={6} xl={4}>
                  <FigureCard definition={d} figure={totals.data?.measures[d.key]} onOpen={() => setDrill({ measure: d.key, from: period.from, to: period.to, filters: {} })} />
                </Col>
              ))}
            </Row>
          )}
        </Card>
        {definitions.length > 0 ? (
          <>
            <TrendCard period={period} definitions={definitions} onDrill={setDrill} />
            <BreakdownCard period={period} definitions={definitions} shared={{ department: byDepartment.data, category: byCategory.data }} onDrill={setDrill} />
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <TopCard
                  title={t('reports.top.categories')}
                  testId="top-categories"
                  cut="category"
                  data={byCategory.data}
                  loading={byCategory.loading}
                  volumeMeasure="directResolution"
                  volumeLabel={t('reports.top.received')}
                  rateMeasures={['finishedOnTime', 'satisfaction']}
                  definitions={definitions}
                  period={period}
                  onDrill={setDrill}
                />
              </Col>
              <Col xs={24} xl={12}>
                <TopCard
                  title={t('reports.top.departments')}
                  testId="top-departments"
                  cut="department"
                  data={byDepartment.data}
                  loading={byDepartment.loading}
                  volumeMeasure="returnRate"
                  volumeLabel={t('reports.top.dispatched')}
                  rateMeasures={['finishedOnTime', 'satisfaction']}
                  definitions={definitions}
                  period={period}
                  onDrill={setDrill}
                />
              </Col>
            </Row>
          </>
        ) : null}
        <WrapUpReportCard period={period} refresh={refreshed} />
        <MonthlyReportCard initialMonth={monthOf(period.from)} />
      </Flex>
      <DrillDownDrawer target={drill} definition={definitions.find((d) => d.key === drill?.measure)} onClose={() => setDrill(null)} />
    </div>
  );
}
