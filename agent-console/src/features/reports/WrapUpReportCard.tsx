/**
 * 话后小结统计: the period's answered calls by the wrap-up code agents chose (未选择 when the wrap-up ran out, 未小结
 * while not coded yet), with each code's share and average talk time; per desk or per agent on request (a column
 * each, and the bars stacked by them); downloaded as CSV. The total is the answered calls of 接通率.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { App, Button, Card, Col, Drawer, Empty, Flex, Row, Segmented, Skeleton, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { useDeskLabel } from '../calls/desks.ts';
import { EChart } from '../shell/EChart.tsx';
import { LoadError } from '../shell/LoadError.tsx';
import { downloadFile } from './download.ts';
import { formatValue, lastDay, wrapUpOption, type Period, type WrapUpCodeFigure, type WrapUpCut, type WrapUpGroup, type WrapUpReport } from './reports-model.ts';

type CutChoice = 'total' | WrapUpCut;

type WrapUpCall = { id: string; ref: string | null; at: string; desk: string | null; agentId: string | null; agentName: string | null; talkSeconds: number | null; code: string };
/** What a click on a count opens: one code's calls, optionally of one desk or agent. */
type CallsTarget = { code: string; codeLabel: string; filter?: { cut: WrapUpCut; key: string; label: string } };

const PAGE_SIZE = 20;

/** The answered calls behind one count (`GET /api/reports/wrap-up-codes/items`), paged. */
function WrapUpCalls({ period, target }: { period: Period; target: CallsTarget }) {
  const { t, i18n } = useTranslation();
  const deskLabel = useDeskLabel();
  const [page, setPage] = useState(1);
  const query = useApiQuery<{ total: number; items: WrapUpCall[] }>('/api/reports/wrap-up-codes/items', {
    from: period.from,
    to: period.to,
    code: target.code,
    ...(target.filter ? { [target.filter.cut]: target.filter.key } : {}),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const columns: TableColumnsType<WrapUpCall> = [
    { title: t('reports.drill.ref'), dataIndex: 'ref', render: (ref: string | null, row) => <Typography.Text copyable={ref ? { text: ref } : false}>{ref ?? row.id.slice(0, 8)}</Typography.Text> },
    { title: t('reports.drill.at'), dataIndex: 'at', width: 180, render: (at: string) => formatDateTime(at, i18n.language) },
    { title: t('reports.cut.desk'), dataIndex: 'desk', width: 90, render: (d: string | null) => (d ? deskLabel(d) : t('common.none')) },
    { title: t('reports.cut.agent'), dataIndex: 'agentName', width: 110, render: (n: string | null) => n ?? t('common.none') },
    { title: t('reports.wrapUp.averageTalk'), dataIndex: 'talkSeconds', width: 100, align: 'right', render: (v: number | null) => (v === null ? t('common.none') : t('reports.figures.seconds', { value: v })) },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        <Tag>{t('reports.drill.context', { from: period.from, to: lastDay(period) })}</Tag>
        <Tag color="purple">{target.codeLabel}</Tag>
        {target.filter ? <Tag color="blue">{t('reports.drill.filter', { cut: t(`reports.cut.${target.filter.cut}`), name: target.filter.label })}</Tag> : null}
      </Flex>
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Table<WrapUpCall>
        rowKey="id"
        size="small"
        data-testid="wrap-up-calls"
        loading={query.loading}
        columns={columns}
        dataSource={query.data?.items ?? []}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: query.data?.total ?? 0, showSizeChanger: false, showTotal: (count) => t('reports.drill.total', { count }), onChange: setPage }}
      />
    </Flex>
  );
}

/** `refresh` counts the page's refresh clicks: each one reloads the card too. */
export function WrapUpReportCard({ period, refresh = 0 }: { period: Period; refresh?: number }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [cut, setCut] = useState<CutChoice>('total');
  const [downloading, setDownloading] = useState(false);
  const [drill, setDrill] = useState<CallsTarget | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const query = useMemo(() => ({ from: period.from, to: period.to, ...(cut === 'total' ? {} : { cut }) }), [period.from, period.to, cut]);
  const report = useApiQuery<WrapUpReport>('/api/reports/wrap-up-codes', query);
  const data = report.data;
  const { reload } = report;
  useEffect(() => {
    if (refresh > 0) reload();
  }, [refresh, reload]);

  const codeLabel = (c: WrapUpCodeFigure) => c.label[lang];
  const groupLabel = (g: WrapUpGroup) => g.label ?? g.key ?? t('reports.breakdown.none');
  const option = useMemo(
    () => (data ? wrapUpOption(data, { code: (c) => c.label[lang], group: (g) => g.label ?? g.key ?? '—', calls: t('reports.wrapUp.calls'), others: t('reports.wrapUp.others') }) : null),
    [data, lang, t],
  );

  const download = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const params = new URLSearchParams({ ...query, format: 'csv' });
    setDownloading(true);
    try {
      const name = await downloadFile(`/api/reports/wrap-up-codes?${params.toString()}`, `wrap-up-codes-${period.from}_${period.to}.csv`, () => undefined, controller.signal);
      message.success(t('reports.monthly.done', { name }));
    } catch (error) {
      if (!controller.signal.aborted) message.error(t('reports.monthly.failed', { message: errorMessage(error, t) }));
    } finally {
      if (abort.current === controller) setDownloading(false);
    }
  };

  const groups = data?.groups ?? [];
  const columns: TableColumnsType<WrapUpCodeFigure> = [
    {
      title: t('reports.wrapUp.code'),
      key: 'code',
      fixed: 'left',
      width: 180,
      render: (_, c) => (
        <Flex gap={4} align="center" wrap>
          <span>{codeLabel(c)}</span>
          {!c.active && !c.system ? <Tag>{t('reports.wrapUp.retired')}</Tag> : null}
        </Flex>
      ),
    },
    {
      title: t('reports.wrapUp.calls'),
      dataIndex: 'calls',
      width: 90,
      align: 'right',
      render: (n: number, c) =>
        n > 0 ? (
          <Typography.Link onClick={() => setDrill({ code: c.code, codeLabel: codeLabel(c) })} data-testid={`wrap-up-calls-${c.code}`}>
            {n}
          </Typography.Link>
        ) : (
          n
        ),
    },
    { title: t('reports.wrapUp.share'), dataIndex: 'share', width: 90, align: 'right', render: (v: number | null) => formatValue(v, 'ratio') ?? t('common.none') },
    {
      title: t('reports.wrapUp.averageTalk'),
      dataIndex: 'averageTalkSeconds',
      width: 120,
      align: 'right',
      render: (v: number | null) => (v === null ? t('common.none') : t('reports.figures.seconds', { value: formatValue(v, 'seconds') })),
    },
    ...groups.map((g) => ({
      title: groupLabel(g),
      key: `group-${g.key ?? 'none'}`,
      width: 100,
      align: 'right' as const,
      render: (_: unknown, c: WrapUpCodeFigure) => {
        const n = g.calls[c.code] ?? 0;
        if (n === 0 || g.key === null || !data?.cut) return n;
        const filter = { cut: data.cut, key: g.key, label: groupLabel(g) };
        return <Typography.Link onClick={() => setDrill({ code: c.code, codeLabel: codeLabel(c), filter })}>{n}</Typography.Link>;
      },
    })),
  ];

  return (
    <Card
      title={t('reports.wrapUp.title')}
      data-testid="wrap-up-report"
      extra={
        <Flex gap={8} wrap align="center">
          <Segmented<CutChoice>
            value={cut}
            onChange={setCut}
            data-testid="wrap-up-cut"
            options={[
              { value: 'total', label: t('reports.wrapUp.cut.total') },
              { value: 'desk', label: t('reports.wrapUp.cut.desk') },
              { value: 'agent', label: t('reports.wrapUp.cut.agent') },
            ]}
          />
          <Button icon={<DownloadOutlined />} loading={downloading} disabled={!data} onClick={() => void download()} data-testid="wrap-up-download-csv">
            {t('reports.monthly.csv')}
          </Button>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t('reports.wrapUp.description')}</Typography.Paragraph>
      {report.error ? <LoadError error={report.error} onRetry={report.reload} /> : null}
      {!data ? (
        report.loading ? <Skeleton active /> : null
      ) : data.total === 0 ? (
        <Empty description={t('reports.breakdown.empty')} data-testid="wrap-up-empty" />
      ) : (
        <Row gutter={16}>
          <Col xs={24} xl={10}>
            {option ? <EChart option={option} height={Math.max(160, data.codes.filter((c) => c.calls > 0).length * 30 + (data.cut ? 48 : 24))} testId="wrap-up-chart" /> : null}
          </Col>
          <Col xs={24} xl={14}>
            <Table<WrapUpCodeFigure>
              rowKey="code"
              size="small"
              columns={columns}
              dataSource={data.codes}
              pagination={false}
              loading={report.loading}
              scroll={{ x: 480 + groups.length * 100 }}
              data-testid="wrap-up-table"
              data-cut={data.cut ?? 'total'}
              summary={() => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>{t('reports.wrapUp.total')}</Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">
                    <span data-testid="wrap-up-total" data-value={data.total}>
                      {data.total}
                    </span>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    {formatValue(1, 'ratio')}
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    {data.averageTalkSeconds === null ? t('common.none') : t('reports.figures.seconds', { value: formatValue(data.averageTalkSeconds, 'seconds') })}
                  </Table.Summary.Cell>
                  {groups.map((g, i) => (
                    <Table.Summary.Cell key={g.key ?? 'none'} index={4 + i} align="right">
                      {g.total}
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              )}
            />
          </Col>
        </Row>
      )}
      <Drawer
        open={drill !== null}
        onClose={() => setDrill(null)}
        size={720}
        title={t('reports.wrapUp.callsTitle', { code: drill?.codeLabel ?? '' })}
        destroyOnHidden
        data-testid="wrap-up-drawer"
      >
        {drill ? <WrapUpCalls key={JSON.stringify(drill)} period={period} target={drill} /> : null}
      </Drawer>
    </Card>
  );
}
