/**
 * One department's score, line by line: for each measure item its numerator / denominator, the rule and the
 * points, with a link to the tickets behind it; supervisor scores with their note and evidence; 效能投诉
 * deductions; bonuses and the cap.
 */
import { useState } from 'react';
import { Descriptions, Drawer, Empty, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { splitLink } from './periods.ts';
import type { DepartmentScore, MeasureLine, ScoreLine } from './types.ts';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);

export function ScoreBreakdown({ score }: { score: DepartmentScore }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [drill, setDrill] = useState<MeasureLine | null>(null);

  const columns: TableColumnsType<ScoreLine> = [
    { title: t('assessment.field.item'), key: 'item', render: (_, line) => line.label[language] },
    {
      title: t('assessment.field.figure'),
      key: 'figure',
      render: (_, line) =>
        line.kind === 'measure' ? (
          <span data-testid="assessment-figure">
            {line.numerator} / {line.denominator} <Typography.Text type="secondary">({percent(line.rate)})</Typography.Text>
          </span>
        ) : line.kind === 'conductComplaints' ? (
          line.complaints.map((c) => <Tag key={c.ticketId}>{c.number}</Tag>)
        ) : null,
    },
    {
      title: t('assessment.field.rule'),
      key: 'rule',
      render: (_, line) => {
        if (line.kind === 'measure') return line.noData ? t('assessment.noData') : line.ruleText[language];
        if (line.kind === 'conductComplaints') return t('assessment.conductCount', { count: line.count, each: line.pointsEach, max: line.maxDeduction });
        if (!line.scored) return t('assessment.unscored');
        return (
          <span>
            {line.note} {line.evidence.map((e) => <Tag key={e}>{e}</Tag>)}
            <Typography.Text type="secondary"> {t('assessment.scoredBy', { name: line.scoredBy ?? '' })}</Typography.Text>
          </span>
        );
      },
    },
    {
      title: t('assessment.field.points'),
      key: 'points',
      align: 'right',
      width: 120,
      render: (_, line) => (
        <span data-testid="assessment-points">
          <Typography.Text strong type={line.points < 0 ? 'danger' : undefined}>{line.points}</Typography.Text>
          {line.kind === 'conductComplaints' ? null : <Typography.Text type="secondary"> / {line.weight}</Typography.Text>}
        </span>
      ),
    },
    {
      title: '',
      key: 'drill',
      width: 100,
      render: (_, line) => (line.kind === 'measure' && !line.noData ? <Typography.Link onClick={() => setDrill(line)}>{t('assessment.drill')}</Typography.Link> : null),
    },
  ];

  return (
    <div data-testid="assessment-breakdown">
      <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('assessment.field.department')}>{score.departmentName}</Descriptions.Item>
        <Descriptions.Item label={t('assessment.field.total')}>
          <Typography.Text strong data-testid="assessment-total">
            {score.assessed ? score.total : t('assessment.notAssessed')}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('assessment.field.rank')}>{score.rank ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('assessment.field.base')}>{score.base}</Descriptions.Item>
      </Descriptions>
      <Table<ScoreLine> rowKey="key" size="small" columns={columns} dataSource={score.lines} pagination={false} scroll={{ x: 800 }} />
      <Descriptions size="small" column={1} style={{ marginTop: 12 }} title={`${t('assessment.field.bonus')}: ${score.bonus.points}`}>
        <Descriptions.Item label={t('assessment.field.bonus')}>{t('assessment.bonusCap', { raw: score.bonus.raw, cap: score.bonus.cap })}</Descriptions.Item>
        {score.bonus.awards.map((a) => (
          <Descriptions.Item key={a.id} label={`${a.awardedOn} ${t(`assessment.bonusKind.${a.kind}`)} +${a.points}`}>
            {a.note} {a.evidence.map((e) => <Tag key={e}>{e}</Tag>)}
          </Descriptions.Item>
        ))}
      </Descriptions>
      <DrillDrawer line={drill} onClose={() => setDrill(null)} />
    </div>
  );
}

type Item = { id: string; ref: string | null; inNumerator: boolean; at: string };

/** The tickets behind a measure line, from the reports drill-down the line links to. */
function DrillDrawer({ line, onClose }: { line: MeasureLine | null; onClose: () => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const link = line ? splitLink(line.drillDown) : null;
  const query = useApiQuery<{ items: Item[]; total: number }>(link?.path ?? null, { ...(link?.query ?? {}), limit: 500 });
  const columns: TableColumnsType<Item> = [
    { title: t('assessment.drillRef'), dataIndex: 'ref' },
    { title: t('assessment.drillIn'), dataIndex: 'inNumerator', render: (v: boolean) => (v ? <Tag color="green">{t('assessment.yes')}</Tag> : <Tag color="red">{t('assessment.no')}</Tag>) },
    { title: t('assessment.drillAt'), dataIndex: 'at', render: (v: string) => formatDateTime(v, language) },
  ];
  return (
    <Drawer open={line !== null} onClose={onClose} width={720} title={line ? t('assessment.drillTitle', { item: line.label[language] }) : ''}>
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {line ? (
        <Table<Item> rowKey="id" size="small" loading={query.loading} columns={columns} dataSource={query.data?.items ?? []} pagination={false} locale={{ emptyText: <Empty /> }} />
      ) : null}
    </Drawer>
  );
}
