/**
 * 办件月报表: pick a month and a department (or the whole hotline), preview the rows, download xlsx or CSV.
 * While the server builds the file a spinner shows how long it has been working; once bytes arrive a
 * progress bar shows how much has come (a percentage when the server sends the length).
 */
import { useEffect, useRef, useState } from 'react';
import { App, Button, Card, DatePicker, Flex, Progress, Select, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { downloadFile, type DownloadProgress } from './download.ts';
import { formatBytes, formatValue, type MonthlyRow } from './reports-model.ts';

type Department = { id: string; name: string };

/** Show the spinner only when the server takes more than a moment. */
const SHOW_AFTER_MS = 300;

export function MonthlyReportCard({ initialMonth }: { initialMonth: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [month, setMonth] = useState(initialMonth);
  const [department, setDepartment] = useState<string>('all');
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const abort = useRef<AbortController | null>(null);

  useEffect(() => setMonth(initialMonth), [initialMonth]);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [startedAt]);

  const departments = useApiQuery<{ items: Department[] }>('/api/directory/departments');
  const departmentQuery: Record<string, string> = department === 'all' ? {} : { department };
  const preview = useApiQuery<{ month: string; department: string | null; rows: MonthlyRow[] }>('/api/reports/monthly', { month, format: 'json', ...departmentQuery });
  // The hook keeps the last answer while the next one loads, so right after a new month or department is picked
  // it still holds the previous selection's rows. Show only an answer for what is picked now (the server echoes
  // the selection); until it arrives the table is empty and loading, never the old rows under the new choice.
  const answered = preview.data !== undefined && preview.data.month === month && (preview.data.department ?? 'all') === department;
  const previewRows = answered ? preview.data!.rows : [];

  const download = async (format: 'xlsx' | 'csv') => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const params = new URLSearchParams({ month, format, ...departmentQuery });
    setStartedAt(Date.now());
    setNow(Date.now());
    try {
      const name = await downloadFile(`/api/reports/monthly?${params.toString()}`, `monthly-report-${month}.${format}`, setProgress, controller.signal);
      message.success(t('reports.monthly.done', { name }));
    } catch (error) {
      if (!controller.signal.aborted) message.error(t('reports.monthly.failed', { message: errorMessage(error, t) }));
    } finally {
      if (abort.current === controller) {
        setProgress(null);
        setStartedAt(null);
      }
    }
  };

  const busy = progress !== null;
  const elapsed = startedAt === null ? 0 : now - startedAt;
  const rate = (value: number | null) => formatValue(value, 'ratio') ?? t('common.none');
  const columns: TableColumnsType<MonthlyRow> = [
    { title: t('reports.monthly.columns.department'), dataIndex: 'department' },
    { title: t('reports.monthly.columns.received'), dataIndex: 'received', align: 'right' },
    { title: t('reports.monthly.columns.signedOnTimeRate'), dataIndex: 'signedOnTimeRate', align: 'right', render: rate },
    { title: t('reports.monthly.columns.finishedOnTimeRate'), dataIndex: 'finishedOnTimeRate', align: 'right', render: rate },
    { title: t('reports.monthly.columns.returnRate'), dataIndex: 'returnRate', align: 'right', render: rate },
    { title: t('reports.monthly.columns.reopenRate'), dataIndex: 'reopenRate', align: 'right', render: rate },
    { title: t('reports.monthly.columns.surveyRate'), dataIndex: 'surveyRate', align: 'right', render: rate },
    { title: t('reports.monthly.columns.satisfaction'), dataIndex: 'satisfaction', align: 'right', render: rate },
  ];

  return (
    <Card title={t('reports.monthly.title')} data-testid="monthly-report">
      <Typography.Paragraph type="secondary">{t('reports.monthly.description')}</Typography.Paragraph>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
        <span>{t('reports.monthly.month')}</span>
        <DatePicker
          picker="month"
          allowClear={false}
          value={dayjs(`${month}-01`)}
          onChange={(value) => value && setMonth(value.format('YYYY-MM'))}
          data-testid="monthly-month"
        />
        <span>{t('reports.monthly.department')}</span>
        <Select
          style={{ minWidth: 220 }}
          value={department}
          onChange={setDepartment}
          showSearch={{ optionFilterProp: 'label' }}
          loading={departments.loading}
          data-testid="monthly-department"
          options={[{ value: 'all', label: t('reports.monthly.wholeHotline') }, ...(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
        />
        <Button type="primary" icon={<DownloadOutlined />} disabled={busy} onClick={() => void download('xlsx')} data-testid="monthly-download-xlsx">
          {t('reports.monthly.xlsx')}
        </Button>
        <Button icon={<DownloadOutlined />} disabled={busy} onClick={() => void download('csv')} data-testid="monthly-download-csv">
          {t('reports.monthly.csv')}
        </Button>
      </Flex>
      {busy && elapsed >= SHOW_AFTER_MS ? (
        <Flex gap={12} align="center" style={{ marginBottom: 12 }} data-testid="monthly-progress">
          {progress.phase === 'preparing' ? (
            <>
              <Spin size="small" />
              <Typography.Text>
                {t('reports.monthly.preparing')} {t('reports.monthly.elapsed', { seconds: Math.floor(elapsed / 1000) })}
              </Typography.Text>
            </>
          ) : (
            <>
              <Progress style={{ width: 240 }} size="small" percent={progress.total ? Math.round((progress.received / progress.total) * 100) : 99} status="active" showInfo={progress.total !== null} />
              <Typography.Text>{t('reports.monthly.receiving', { size: formatBytes(progress.received) })}</Typography.Text>
            </>
          )}
        </Flex>
      ) : null}
      {preview.error ? <LoadError error={preview.error} onRetry={preview.reload} /> : null}
      <Table<MonthlyRow>
        rowKey={(r) => r.departmentId ?? 'total'}
        size="small"
        data-testid="monthly-preview"
        data-month={month}
        data-department={department}
        data-loaded={answered && !preview.loading ? 'true' : 'false'}
        loading={preview.loading || (!answered && !preview.error)}
        columns={columns}
        dataSource={previewRows}
        pagination={false}
        scroll={{ x: 760 }}
      />
    </Card>
  );
}
