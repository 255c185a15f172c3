/**
 * 审计日志 for admins and auditors: the append-only trail, newest first, filtered by action and actor,
 * paged with the server's `nextBefore` cursor ("load more" appends the next older page).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AutoComplete, Button, Card, Flex, Form, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';

/** One row of `GET /api/audit`. `actor` is null for what the platform did by itself (jobs, seeding). */
export type AuditItem = {
  id: string;
  at: string;
  actor: { id: string; username: string; displayName: string } | null;
  action: string;
  entity: string;
  entityId: string | null;
  ip: string | null;
  data: unknown;
};

export type AuditPage = { items: AuditItem[]; nextBefore: string | null };

type Filters = { action: string; actorId: string };

const PAGE_SIZE = 50;

export default function AuditLogPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({ action: '', actorId: '' });
  const [items, setItems] = useState<AuditItem[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(async (applied: Filters, before: string | null) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoading(true);
    setError(null);
    try {
      const page = await api.request<AuditPage>('/api/audit', {
        query: { limit: PAGE_SIZE, before, action: applied.action.trim(), actorId: applied.actorId.trim() },
        signal: controller.signal,
      });
      setItems((previous) => (before ? [...previous, ...page.items] : page.items));
      setNextBefore(page.nextBefore ?? null);
    } catch (failure) {
      if (!controller.signal.aborted) setError(failure);
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    void load(filters, null);
    return () => inFlight.current?.abort();
  }, [filters, load]);

  // Suggest the actions already seen, so an auditor need not remember exact action names.
  const actionOptions = useMemo(
    () => [...new Set(items.map((item) => item.action))].sort().map((action) => ({ value: action })),
    [items],
  );

  const language = currentLanguage();
  const columns: TableColumnsType<AuditItem> = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 190,
      render: (at: string) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDateTime(at, language)}</span>,
    },
    {
      title: t('audit.actor'),
      dataIndex: 'actor',
      width: 180,
      render: (actor: AuditItem['actor']) =>
        actor ? (
          <Flex vertical>
            <span>{actor.displayName}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {actor.username}
            </Typography.Text>
          </Flex>
        ) : (
          <Tag>{t('audit.system')}</Tag>
        ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 200,
      render: (action: string) => (
        <Tag color="geekblue" style={{ fontFamily: 'monospace' }}>
          {action}
        </Tag>
      ),
    },
    { title: t('audit.entity'), dataIndex: 'entity', width: 140 },
    {
      title: t('audit.entityId'),
      dataIndex: 'entityId',
      ellipsis: true,
      render: (entityId: string | null) =>
        entityId ? <Typography.Text copyable={{ text: entityId }}>{entityId}</Typography.Text> : t('common.none'),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 150, render: (ip: string | null) => ip ?? t('common.none') },
  ];

  return (
    <div data-testid="audit-page">
      <PageTitle
        title={t('audit.title')}
        description={t('audit.description')}
        extra={
          <RefreshButton onClick={() => void load(filters, null)} loading={loading} />
        }
      />
      {error ? <LoadError error={error} onRetry={() => void load(filters, null)} /> : null}
      <Card>
        <Form<Filters>
          form={form}
          layout="inline"
          initialValues={filters}
          onFinish={(values) => setFilters({ action: values.action ?? '', actorId: values.actorId ?? '' })}
          style={{ marginBottom: 16, rowGap: 12 }}
          data-testid="audit-filters"
        >
          <Form.Item name="action" label={t('audit.action')}>
            <AutoComplete
              options={actionOptions}
              allowClear
              style={{ width: 220 }}
              placeholder={t('audit.actionPlaceholder')}
              data-testid="audit-filter-action"
              showSearch={{ filterOption: (input, option) => (option?.value ?? '').toString().includes(input) }}
            />
          </Form.Item>
          <Form.Item name="actorId" label={t('audit.actorId')}>
            <Input allowClear style={{ width: 220 }} placeholder={t('audit.actorPlaceholder')} data-testid="audit-filter-actor" />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  form.setFieldsValue({ action: '', actorId: '' });
                  setFilters({ action: '', actorId: '' });
                }}
              >
                {t('common.reset')}
              </Button>
            </Flex>
          </Form.Item>
        </Form>

        <Table<AuditItem>
          rowKey="id"
          size="middle"
          loading={loading && items.length === 0}
          columns={columns}
          dataSource={items}
          pagination={false}
          scroll={{ x: 980 }}
          locale={{ emptyText: t('audit.empty') }}
          expandable={{
            rowExpandable: (item) => hasDetails(item.data),
            expandedRowRender: (item) => (
              <pre data-testid="audit-data" style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {JSON.stringify(item.data, null, 2)}
              </pre>
            ),
          }}
          data-testid="audit-table"
        />

        <Flex justify="center" align="center" gap={12} style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('common.loaded', { count: items.length })}</Typography.Text>
          {nextBefore ? (
            <Button onClick={() => void load(filters, nextBefore)} loading={loading} data-testid="audit-load-more">
              {t('common.loadMore')}
            </Button>
          ) : (
            items.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
          )}
        </Flex>
      </Card>
    </div>
  );
}

function hasDetails(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  if (typeof data === 'object') return Object.keys(data).length > 0;
  return true;
}
