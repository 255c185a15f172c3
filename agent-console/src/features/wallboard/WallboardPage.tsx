/**
 * 话务监控 (supervisors): calls waiting and the longest wait, the 15-second service level, agents by state
 * and for how long, who has a caller on hold (and for how long) and who is muted, today's offered / answered /
 * abandoned. Live through socket.io: `wallboard.updated`
 * replaces the board, `queue.changed` refreshes the queue, an agent's state change refetches it; clocks
 * tick in the browser between pushes.
 */
import { useEffect, useMemo, useState } from 'react';
import { Badge, Card, Col, Empty, Flex, Row, Statistic, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useConnectionState, useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { useDeskLabel } from '../calls/desks.ts';
import { formatDuration } from '../calls/format.ts';
import { useDebounced } from '../calls/use-debounced.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { EChart } from '../shell/EChart.tsx';
import {
  agentsByStateOption,
  applyQueueChange,
  elapsedSince,
  holdAndMute,
  holdSecondsNow,
  longestWaitNow,
  percent,
  serviceLevelOption,
  STATE_COLOURS,
  todayOption,
  waitingByDeskOption,
  type QueueChanged,
  type Wallboard,
  type WallboardAgent,
} from './wallboard-model.ts';

function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export default function WallboardPage() {
  const { t, i18n } = useTranslation();
  const deskLabel = useDeskLabel();
  const query = useApiQuery<Wallboard>('/api/wallboard');
  const [board, setBoard] = useState<Wallboard | undefined>(undefined);
  const connection = useConnectionState();
  const now = useNow();

  useEffect(() => {
    if (query.data) setBoard(query.data);
  }, [query.data]);

  const refetch = useDebounced(() => {
    api.request<Wallboard>('/api/wallboard').then(setBoard, () => undefined);
  }, 600);
  useRealtimeEvent<[Wallboard]>('wallboard.updated', (next) => setBoard(next));
  useRealtimeEvent<[QueueChanged]>('queue.changed', (change) => setBoard((current) => (current ? applyQueueChange(current, change) : current)));
  useRealtimeEvent('agent.state_changed', refetch);
  // Back from a dropped connection: pushes were missed, so read the board afresh.
  useEffect(() => {
    if (connection === 'connected') refetch();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection]);

  const labels = useMemo(
    () => ({
      state: (s: string) => t(`calls.state.${s}`, { defaultValue: s }),
      desk: (d: string) => deskLabel(d),
      serviceLevel: t('calls.wallboard.serviceLevel'),
      noData: t('calls.wallboard.noData'),
      calls: t('calls.wallboard.calls'),
      offered: t('calls.wallboard.offered'),
      answered: t('calls.wallboard.answered'),
      abandoned: t('calls.wallboard.abandoned'),
    }),
    [t, deskLabel],
  );
  const options = useMemo(
    () =>
      board
        ? {
            serviceLevel: serviceLevelOption(board, labels),
            agents: agentsByStateOption(board, labels),
            desks: waitingByDeskOption(board, labels),
            today: todayOption(board, labels),
          }
        : null,
    // Charts change only with the board and the language, not with the one-second clock.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [board, i18n.language],
  );

  const columns: TableColumnsType<WallboardAgent> = [
    { title: t('calls.wallboard.agent'), dataIndex: 'displayName' },
    {
      title: t('calls.wallboard.state'),
      dataIndex: 'state',
      width: 130,
      render: (s: string, row) => (
        <Tag color={STATE_COLOURS[s]} data-testid={`wallboard-agent-state-${row.userId}`} data-state={s}>
          {t(`calls.state.${s}`, { defaultValue: s })}
        </Tag>
      ),
    },
    {
      title: t('calls.wallboard.call'),
      key: 'call',
      width: 150,
      render: (_, row) => (
        <Flex gap={4} wrap>
          {row.onHold ? (
            <Tag color="orange" data-testid={`wallboard-agent-hold-${row.userId}`} data-seconds={row.holdSeconds} style={{ fontVariantNumeric: 'tabular-nums' }}>
              {t('calls.wallboard.onHold', { time: formatDuration(board ? holdSecondsNow(row, board, now) : row.holdSeconds) })}
            </Tag>
          ) : null}
          {row.muted ? (
            <Tag color="blue" data-testid={`wallboard-agent-muted-${row.userId}`}>
              {t('calls.wallboard.muted')}
            </Tag>
          ) : null}
        </Flex>
      ),
    },
    { title: t('calls.wallboard.reason'), dataIndex: 'reason', width: 120, render: (r: string | null) => (r ? t(`calls.breakReasons.${r}`, { defaultValue: r }) : '') },
    {
      title: t('calls.wallboard.since'),
      dataIndex: 'sinceSeconds',
      width: 110,
      render: (s: number) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatDuration(s + (board ? elapsedSince(board, now) : 0))}</span>,
    },
  ];

  const holds = board ? holdAndMute(board, now) : null;

  const pct = (ratio: number | null) => {
    const value = percent(ratio);
    return value === null ? t('calls.wallboard.noData') : `${value}%`;
  };
  const seconds = (value: number | null) => (value === null ? t('calls.wallboard.noData') : formatDuration(value));

  return (
    <div data-testid="wallboard-page">
      <PageTitle
        title={t('calls.wallboard.title')}
        description={t('calls.wallboard.description')}
        extra={
          board ? (
            <Flex align="center" gap={8}>
              <Badge status={connection === 'connected' ? 'processing' : 'default'} text={t('calls.wallboard.live')} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="wallboard-updated-at" data-at={board.at}>
                {t('calls.wallboard.updatedAt', { time: formatDateTime(board.at, i18n.language) })}
              </Typography.Text>
            </Flex>
          ) : null
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      {board && options ? (
        <Flex vertical gap={16}>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('calls.wallboard.waiting')} value={board.waiting} styles={{ content: { color: board.waiting > 0 ? '#dc2626' : undefined } }} />
                <span data-testid="wallboard-waiting" data-value={board.waiting} hidden />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('calls.wallboard.longestWait')} value={formatDuration(longestWaitNow(board, now))} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('calls.wallboard.answerRate')} value={pct(board.today.answerRate)} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('calls.wallboard.abandonRate')} {pct(board.today.abandonRate)}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('calls.wallboard.averageWait')} value={seconds(board.today.averageWaitSeconds)} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('calls.wallboard.averageTalk')} {seconds(board.today.averageTalkSeconds)}
                </Typography.Text>
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={8}>
              <Card title={t('calls.wallboard.serviceLevel')} size="small">
                <EChart option={options.serviceLevel} testId="wallboard-service-level-chart" />
                <Flex justify="center">
                  <Typography.Text type="secondary" data-testid="wallboard-service-level" data-value={board.today.serviceLevel15s ?? ''}>
                    {t('calls.wallboard.within15', { count: board.today.answeredWithin15s })}
                  </Typography.Text>
                </Flex>
              </Card>
            </Col>
            <Col xs={24} lg={8}>
              <Card title={t('calls.wallboard.agentsByState')} size="small">
                <EChart option={options.agents} testId="wallboard-agents-chart" />
              </Card>
            </Col>
            <Col xs={24} lg={8}>
              <Card title={t('calls.wallboard.offered')} size="small">
                <EChart option={options.today} testId="wallboard-today-chart" />
                <Flex justify="space-around" data-testid="wallboard-today" data-offered={board.today.offered} data-answered={board.today.answered} data-abandoned={board.today.abandoned}>
                  <Statistic title={t('calls.wallboard.offered')} value={board.today.offered} styles={{ content: { fontSize: 18 } }} />
                  <Statistic title={t('calls.wallboard.answered')} value={board.today.answered} styles={{ content: { fontSize: 18, color: '#16a34a' } }} />
                  <Statistic title={t('calls.wallboard.abandoned')} value={board.today.abandoned} styles={{ content: { fontSize: 18, color: '#dc2626' } }} />
                </Flex>
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={8}>
              <Card title={t('calls.wallboard.waitingByDesk')} size="small">
                <EChart option={options.desks} testId="wallboard-desks-chart" />
              </Card>
            </Col>
            <Col xs={24} lg={16}>
              <Card
                title={t('calls.wallboard.agents')}
                size="small"
                extra={
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="wallboard-hold-mute" data-on-hold={holds?.onHold ?? 0} data-muted={holds?.muted ?? 0}>
                    {t('calls.wallboard.holdSummary', { count: holds?.onHold ?? 0 })}
                    {holds && holds.onHold > 0 ? t('calls.wallboard.longestHold', { time: formatDuration(holds.longestHoldSeconds) }) : ''}
                    {' · '}
                    {t('calls.wallboard.mutedSummary', { count: holds?.muted ?? 0 })}
                  </Typography.Text>
                }
              >
                {board.agents.length === 0 ? (
                  <Empty description={t('calls.wallboard.noAgents')} />
                ) : (
                  <Table rowKey="userId" size="small" pagination={false} columns={columns} dataSource={board.agents} data-testid="wallboard-agents" scroll={{ y: 320 }} />
                )}
              </Card>
            </Col>
          </Row>
        </Flex>
      ) : null}
    </div>
  );
}
