/**
 * Suggested answers for what an agent is typing (a ticket description): the top three published entries
 * with their confidence, refreshed as the text changes. The work-order form can place this beside its
 * description field: `<KnowledgeSuggestions text={description} />`.
 */
import { useEffect, useState } from 'react';
import { Card, Empty, Flex, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import type { Suggestion } from './types.ts';

const DEBOUNCE_MS = 300;

export function KnowledgeSuggestions({ text, onUse }: { text: string; onUse?: (s: Suggestion) => void }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Suggestion[]>([]);

  useEffect(() => {
    if (text.trim().length < 2) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .request<{ items: Suggestion[] }>('/api/knowledge/suggest', { method: 'POST', body: { text }, signal: controller.signal })
        .then((r) => setItems(r.items))
        .catch(() => {
          // Suggestions are a help, not a requirement: a failure leaves the last ones.
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  return (
    <Card size="small" title={t('knowledge.suggestions')} data-testid="kb-suggestions">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('knowledge.noSuggestions')} />
      ) : (
        <Flex vertical gap={12}>
          {items.map((s) => (
            <div key={s.id} data-testid="kb-suggestion">
              <Flex justify="space-between" align="center" gap={8}>
                <Typography.Text strong>{s.question}</Typography.Text>
                <Progress type="circle" size={36} percent={Math.round(s.confidence * 100)} />
              </Flex>
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true }} style={{ margin: '4px 0 0' }}>
                {s.answer}
              </Typography.Paragraph>
              {onUse ? (
                <Typography.Link onClick={() => onUse(s)}>{t('knowledge.useAnswer')}</Typography.Link>
              ) : null}
            </div>
          ))}
        </Flex>
      )}
    </Card>
  );
}
