/** 未答好的问题: what the bot could not answer (or answered unhelpfully), grouped and counted, for curators. */
import { useState } from 'react';
import { App, Button, Card, Flex, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import type { GapGroup } from './types.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

export default function KnowledgeGapsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [days, setDays] = useState(30);
  const query = useApiQuery<{ items: GapGroup[] }>('/api/knowledge/gaps', { days, limit: 100 });

  const resolve = async (key: string) => {
    try {
      await api.request('/api/knowledge/gaps/resolve', { method: 'POST', body: { key } });
      query.reload();
    } catch (e) {
      message.error(errorMessage(e, t));
    }
  };

  // The questions citizens picked an entry for become its phrasings: a new draft version, reviewed as any edit.
  const adopt = async (entryId: string) => {
    try {
      const { added } = await api.request<{ added: number }>(`/api/knowledge/entries/${entryId}/adopt-phrasings`, { method: 'POST' });
      message.success(t('gaps.adopted', { count: added }));
      query.reload();
    } catch (e) {
      message.error(errorMessage(e, t));
    }
  };

  const columns: TableColumnsType<GapGroup> = [
    { title: t('gaps.count'), dataIndex: 'count', width: 80, sorter: (a, b) => a.count - b.count, defaultSortOrder: 'descend' },
    {
      title: t('gaps.examples'),
      dataIndex: 'examples',
      render: (examples: string[]) => (
        <Flex vertical>
          {examples.map((e) => (
            <Typography.Text key={e}>{e}</Typography.Text>
          ))}
        </Flex>
      ),
    },
    {
      title: t('gaps.closest'),
      dataIndex: 'bestEntry',
      width: 260,
      render: (entry: GapGroup['bestEntry']) => (entry ? <Typography.Text type="secondary">{entry.code} · {entry.question}</Typography.Text> : t('gaps.noCandidate')),
    },
    {
      title: t('gaps.reasons'),
      dataIndex: 'reasons',
      width: 170,
      render: (reasons: string[], g) => (
        <Flex gap={4} wrap>
          {reasons.map((r) => (
            <Tag key={r} color={r === 'unanswered' ? 'red' : r === 'unhelpful' ? 'orange' : r === 'offer_taken' ? 'green' : 'gold'}>{t(`gaps.reason.${r}`, { defaultValue: r })}</Tag>
          ))}
          {g.channels.map((c) => (
            <Tag key={c}>{t(`chat.channel.${c}`, { defaultValue: c })}</Tag>
          ))}
        </Flex>
      ),
    },
    { title: t('gaps.lastAt'), dataIndex: 'lastAt', width: 170, render: (at: string) => new Date(at).toLocaleString() },
    {
      title: '',
      key: 'resolve',
      width: 120,
      render: (_: unknown, g) => (
        <Flex vertical gap={4}>
          {g.bestEntry && g.reasons.includes('offer_taken') ? (
            <Button size="small" type="primary" onClick={() => void adopt(g.bestEntry!.id)} data-testid="gap-adopt">
              {t('gaps.adopt')}
            </Button>
          ) : null}
          <Button size="small" onClick={() => void resolve(g.key)} data-testid="gap-resolve">
            {t('gaps.resolve')}
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <div data-testid="knowledge-gaps-page">
      <PageTitle
        title={t('gaps.title')}
        description={t('gaps.description')}
        extra={
          <Flex gap={8}>
            <Select value={days} onChange={setDays} options={[7, 30, 90].map((d) => ({ value: d, label: t('gaps.days', { days: d }) }))} style={{ width: 120 }} />
            <RefreshButton onClick={query.reload} loading={query.loading} />
          </Flex>
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Table rowKey="key" columns={columns} dataSource={query.data?.items ?? []} loading={query.loading} size="middle" pagination={{ pageSize: 20 }} />
      </Card>
    </div>
  );
}
