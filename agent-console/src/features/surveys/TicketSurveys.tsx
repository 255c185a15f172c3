/**
 * 回访记录 on the ticket page: every survey of the ticket (one per pass of review), its outcome, the
 * supervisor's decision, and each attempt with its time, channel and result. Refreshes on survey events.
 */
import { Card, Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { OUTCOME_COLOURS, type Survey } from './types.ts';

export function TicketSurveys({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const query = useApiQuery<{ items: Survey[] }>(`/api/tickets/${ticketId}/surveys`);
  const reload = (payload?: { ticketId?: string }) => {
    if (!payload || payload.ticketId === ticketId) query.reload();
  };
  useRealtimeEvent('survey.answered', reload);
  useRealtimeEvent('survey.unsatisfied', reload);
  useRealtimeEvent('survey.decided', reload);
  const items = query.data?.items ?? [];
  return (
    <Card title={t('surveys.results.title')} size="small" data-testid="ticket-surveys" loading={query.loading && !query.data}>
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {items.length === 0 && !query.error ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.results.none')} /> : null}
      <Flex vertical gap={12}>
        {items.map((s) => (
          <div key={s.id} data-testid={`survey-round-${s.round}`}>
            <Flex gap={8} align="center" wrap>
              <Typography.Text strong>{t('surveys.results.round', { round: s.round })}</Typography.Text>
              <Tag>{t(`surveys.state.${s.state}`, { defaultValue: s.state })}</Tag>
              {s.outcome ? <Tag color={OUTCOME_COLOURS[s.outcome]}>{t(`surveys.outcome.${s.outcome}`)}</Tag> : null}
              {s.answeredChannel ? <Tag>{t(`surveys.channel.${s.answeredChannel}`)}</Tag> : null}
            </Flex>
            {s.skipReason ? <Typography.Text type="secondary">{t(`surveys.results.skip.${s.skipReason}`)}</Typography.Text> : null}
            {s.nextAttemptAt ? <div><Typography.Text type="secondary">{t('surveys.results.nextAttempt', { at: formatDateTime(s.nextAttemptAt, language) })}</Typography.Text></div> : null}
            {s.comment ? <Typography.Paragraph style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }}>{s.comment}</Typography.Paragraph> : null}
            {s.decision ? (
              <div>
                <Typography.Text>
                  {t('surveys.results.decision', { decision: t(s.decision === 'reopened' ? 'surveys.results.decisionReopened' : 'surveys.results.decisionClosed') })}
                  {s.decisionNote ? `：${s.decisionNote}` : ''}
                </Typography.Text>
              </div>
            ) : null}
            {s.attempts.length ? (
              <Timeline
                style={{ marginTop: 8 }}
                items={s.attempts.map((a) => ({
                  children: (
                    <Typography.Text>
                      {formatDateTime(a.startedAt, language)} · {t(`surveys.channel.${a.channel}`)} · {t(`surveys.attemptStatus.${a.status}`, { defaultValue: a.status })}
                      {a.result ? ` · ${t(`surveys.outcome.${a.result}`, { defaultValue: a.result })}` : ''}
                    </Typography.Text>
                  ),
                }))}
              />
            ) : null}
          </div>
        ))}
      </Flex>
    </Card>
  );
}
