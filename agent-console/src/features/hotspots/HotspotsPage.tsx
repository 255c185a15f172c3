/**
 * 热点预警: bursts of similar requests (one category in one district) the detection job found, open ones
 * first. Live: a new alert appears (with a notice) the moment the job pushes it; acknowledgement and closing
 * refresh the list too. A row opens the alert with its windows and the tickets behind it.
 */
import { useState } from 'react';
import { App, Badge, Button, Card, Segmented, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';
import { HotspotDrawer } from './HotspotDrawer.tsx';
import { placeOf } from './place.ts';
import type { HotspotAlert, HotspotRules } from './types.ts';

type Filter = 'open' | 'closed' | 'all';

export default function HotspotsPage() {
  const { t } = useTranslation();
  const { notification } = App.useApp();
  const language = currentLanguage();
  const [filter, setFilter] = useState<Filter>('open');
  const [openId, setOpenId] = useState<string | null>(null);
  const query = useApiQuery<{ alerts: HotspotAlert[] }>('/api/hotspots/alerts', { state: filter, limit: 100 });
  const rules = useApiQuery<{ rules: HotspotRules }>('/api/hotspots/rules');
  const { reload } = query;

  useRealtimeEvent<[HotspotAlert]>('hotspot.detected', (alert) => {
    notification.warning({
      key: `hotspot-${alert.id}`,
      title: t('hotspots.title'),
      description: t('hotspots.pushed', { place: placeOf(alert), hours: alert.windowHours, count: alert.ticketCount }),
      onClick: () => setOpenId(alert.id),
    });
    reload();
  });
  useRealtimeEvent('hotspot.closed', () => reload());
  useRealtimeEvent('hotspot.acknowledged', () => reload());

  const columns: TableColumnsType<HotspotAlert> = [
    {
      title: t('hotspots.field.place'),
      key: 'place',
      render: (_, row) => (
        <Typography.Link onClick={() => setOpenId(row.id)} data-testid="hotspot-open">
          {placeOf(row)}
        </Typography.Link>
      ),
    },
    {
      title: t('hotspots.field.count'),
      key: 'count',
      width: 200,
      render: (_, row) => (
        <span>
          <Tag color={row.state === 'open' ? 'red' : 'default'}>{t('hotspots.windowHours', { hours: row.windowHours })}</Tag>
          {t('hotspots.countOf', { count: row.ticketCount, expected: row.expected })}
        </span>
      ),
    },
    { title: t('hotspots.field.score'), dataIndex: 'score', width: 90, align: 'right' },
    { title: t('hotspots.field.peak'), dataIndex: 'peakCount', width: 80, align: 'right' },
    { title: t('hotspots.field.opened'), dataIndex: 'openedAt', width: 180, render: (v: string) => formatDateTime(v, language) },
    {
      title: t('hotspots.field.acknowledged'),
      key: 'ack',
      width: 140,
      render: (_, row) =>
        row.acknowledged ? <Badge status="success" text={row.acknowledged.byName ?? t('hotspots.acknowledge.done')} /> : <Badge status="error" text={t('hotspots.notAcknowledged')} />,
    },
    {
      title: t('hotspots.field.closed'),
      key: 'state',
      width: 180,
      render: (_, row) => (row.closedAt ? formatDateTime(row.closedAt, language) : <Tag color="red">{t('hotspots.state.open')}</Tag>),
    },
    {
      title: '',
      key: 'open',
      width: 80,
      render: (_, row) => (
        <Button size="small" onClick={() => setOpenId(row.id)}>
          {t('hotspots.open')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="hotspots-page">
      <PageTitle
        title={t('hotspots.title')}
        description={t('hotspots.description')}
        extra={<RefreshButton onClick={reload} loading={query.loading} />}
      />
      {rules.data ? (
        <Typography.Paragraph type="secondary" data-testid="hotspot-rule">
          {t('hotspots.rule', rules.data.rules)}
        </Typography.Paragraph>
      ) : null}
      {query.error ? <LoadError error={query.error} onRetry={reload} /> : null}
      <Card>
        <Segmented<Filter>
          style={{ marginBottom: 16 }}
          value={filter}
          onChange={setFilter}
          options={(['open', 'closed', 'all'] as const).map((value) => ({ value, label: t(`hotspots.filter.${value}`) }))}
          data-testid="hotspot-filter"
        />
        <Table<HotspotAlert>
          rowKey="id"
          size="middle"
          loading={query.loading && !query.data}
          columns={columns}
          dataSource={query.data?.alerts ?? []}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('hotspots.empty') }}
          onRow={(row) => ({ 'data-testid': 'hotspot-row', 'data-alert': row.id, 'data-state': row.state }) as React.HTMLAttributes<HTMLElement>}
        />
      </Card>
      <HotspotDrawer id={openId} onClose={() => setOpenId(null)} onChanged={reload} />
    </div>
  );
}
