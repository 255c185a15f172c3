/** 知识库检索: agents search the published entries; matched words are highlighted. Suggestions for a ticket text beside it. */
import { useState } from 'react';
import { Card, Col, Empty, Flex, Input, List, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { PageTitle } from '../shell/PageTitle.tsx';
import { Highlighted } from './Highlighted.tsx';
import { KnowledgeSuggestions } from './KnowledgeSuggestions.tsx';
import type { SearchHit } from './types.ts';

export default function KnowledgeSearchPage() {
  const { t } = useTranslation();
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [draft, setDraft] = useState('');

  const search = async (q: string) => {
    if (!q.trim()) return setHits(null);
    setLoading(true);
    setError(null);
    try {
      const result = await api.request<{ items: SearchHit[] }>('/api/knowledge/search', { query: { q, limit: 10 } });
      setHits(result.items);
    } catch (e) {
      setError(errorMessage(e, t));
    } finally {
      setLoading(false);
    }
  };

  return (
    <div data-testid="knowledge-search-page">
      <PageTitle title={t('knowledge.searchTitle')} description={t('knowledge.searchDescription')} />
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Card>
            <Input.Search
              data-testid="kb-search-input"
              placeholder={t('knowledge.searchPlaceholder')}
              enterButton={t('common.search')}
              loading={loading}
              allowClear
              onSearch={(q) => void search(q)}
            />
            {error ? <Typography.Text type="danger">{error}</Typography.Text> : null}
            {hits === null ? null : hits.length === 0 ? (
              <Empty description={t('knowledge.noResults')} style={{ marginTop: 24 }} />
            ) : (
              <List
                style={{ marginTop: 16 }}
                dataSource={hits}
                renderItem={(hit) => (
                  <List.Item key={hit.id} data-testid="kb-search-hit">
                    <Flex vertical gap={4} style={{ width: '100%' }}>
                      <Flex justify="space-between" gap={8}>
                        <Typography.Text strong>
                          <Highlighted segments={hit.question} />
                        </Typography.Text>
                        <Flex gap={4}>
                          {hit.departmentCode ? <Tag>{hit.departmentCode}</Tag> : null}
                          <Tag color={hit.confidence >= 0.5 ? 'green' : 'default'}>{t('knowledge.confidence', { value: Math.round(hit.confidence * 100) })}</Tag>
                        </Flex>
                      </Flex>
                      <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 4, expandable: true }}>
                        <Highlighted segments={hit.answer} />
                      </Typography.Paragraph>
                    </Flex>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('knowledge.ticketText')} style={{ marginBottom: 16 }}>
            <Input.TextArea rows={4} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={t('knowledge.ticketTextPlaceholder')} />
          </Card>
          <KnowledgeSuggestions text={draft} />
        </Col>
      </Row>
    </div>
  );
}
