/**
 * The wallboard's data (`GET /api/wallboard`, socket `wallboard.updated`) and what the page derives from it:
 * live clocks between pushes and the ECharts options. Pure, so it is tested without a browser.
 */

export type WallboardAgent = {
  userId: string;
  displayName: string;
  state: string;
  reason: string | null;
  sinceSeconds: number;
  /** The agent's live call (null when not talking), whether its caller is on hold and for how long, and mute. */
  callId: string | null;
  onHold: boolean;
  holdSeconds: number;
  muted: boolean;
};

export type Wallboard = {
  at: string;
  waiting: number;
  longestWaitSeconds: number;
  waitingByDesk: Record<string, number>;
  agentsByState: Record<string, number>;
  agents: WallboardAgent[];
  today: {
    offered: number;
    answered: number;
    abandoned: number;
    answeredWithin15s: number;
    serviceLevel15s: number | null;
    answerRate: number | null;
    abandonRate: number | null;
    averageWaitSeconds: number | null;
    averageTalkSeconds: number | null;
  };
};

/** `queue.changed`: the queue part, pushed to agents and supervisors alike. */
export type QueueChanged = { waiting: number; longestWaitSeconds: number; waitingByDesk: Record<string, number>; at: string };

/** States in the order the board shows them, with their colours. */
export const AGENT_STATES = ['available', 'ringing', 'on_call', 'wrap_up', 'break'] as const;
export const STATE_COLOURS: Record<string, string> = { available: '#16a34a', ringing: '#f59e0b', on_call: '#dc2626', wrap_up: '#7c3aed', break: '#ca8a04', offline: '#9ca3af' };

/** Seconds since the board was computed on the server, counted on this browser's clock (never negative). */
export function elapsedSince(board: Pick<Wallboard, 'at'>, now: number): number {
  const at = Date.parse(board.at);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now - at) / 1000));
}

/** The longest wait now: it grows between pushes while anyone is waiting. */
export function longestWaitNow(board: Pick<Wallboard, 'at' | 'waiting' | 'longestWaitSeconds'>, now: number): number {
  return board.waiting > 0 ? board.longestWaitSeconds + elapsedSince(board, now) : 0;
}

/** How long this agent's caller has been on hold now (0 when not held): it grows between pushes. */
export function holdSecondsNow(agent: Pick<WallboardAgent, 'onHold' | 'holdSeconds'>, board: Pick<Wallboard, 'at'>, now: number): number {
  return agent.onHold ? agent.holdSeconds + elapsedSince(board, now) : 0;
}

/** Agents with a caller on hold, the longest of those holds now, and agents muted: the supervisor's hold/mute line. */
export function holdAndMute(board: Pick<Wallboard, 'at' | 'agents'>, now: number): { onHold: number; longestHoldSeconds: number; muted: number } {
  const held = board.agents.filter((a) => a.onHold);
  return {
    onHold: held.length,
    longestHoldSeconds: held.reduce((max, a) => Math.max(max, holdSecondsNow(a, board, now)), 0),
    muted: board.agents.filter((a) => a.muted).length,
  };
}

/** A `queue.changed` folded into the board: the queue figures are newer, the rest stays. */
export function applyQueueChange(board: Wallboard, change: QueueChanged): Wallboard {
  if (Date.parse(change.at) < Date.parse(board.at)) return board;
  return { ...board, waiting: change.waiting, longestWaitSeconds: change.longestWaitSeconds, waitingByDesk: change.waitingByDesk, at: change.at };
}

/** A ratio (0..1) as a whole percentage, or null when nothing was offered yet. */
export function percent(ratio: number | null): number | null {
  return ratio === null ? null : Math.round(ratio * 1000) / 10;
}

type Labels = { state: (state: string) => string; desk: (desk: string) => string; serviceLevel: string; noData: string; calls: string };

/** Gauge of the 15-second service level, coloured against the usual 80% target. */
export function serviceLevelOption(board: Wallboard, labels: Pick<Labels, 'serviceLevel' | 'noData'>) {
  const value = percent(board.today.serviceLevel15s);
  return {
    animationDurationUpdate: 400,
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        progress: { show: true, width: 14 },
        axisLine: { lineStyle: { width: 14, color: [[0.6, '#dc2626'], [0.8, '#f59e0b'], [1, '#16a34a']] } },
        axisTick: { show: false },
        splitLine: { length: 8 },
        axisLabel: { distance: 18, fontSize: 10 },
        pointer: { width: 4 },
        detail: { valueAnimation: true, formatter: value === null ? labels.noData : '{value}%', fontSize: 22, offsetCenter: [0, '70%'] },
        title: { offsetCenter: [0, '95%'], fontSize: 12 },
        data: [{ value: value ?? 0, name: labels.serviceLevel }],
      },
    ],
  };
}

/** Doughnut of agents by state (offline agents are not on the board). */
export function agentsByStateOption(board: Wallboard, labels: Pick<Labels, 'state'>) {
  const data = AGENT_STATES.map((state) => {
    const value = board.agentsByState[state] ?? 0;
    // Empty states stay in the legend but get no slice label (a fan of zeros says nothing).
    return { name: labels.state(state), value, itemStyle: { color: STATE_COLOURS[state] }, label: { show: value > 0 }, labelLine: { show: value > 0 } };
  });
  return {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
    // With nobody signed in every value is 0, and ECharts would otherwise draw equal slices of nothing.
    series: [{ type: 'pie', radius: ['45%', '70%'], center: ['50%', '44%'], avoidLabelOverlap: true, stillShowZeroSum: false, label: { formatter: '{c}', fontSize: 12 }, data }],
  };
}

/** Bars of calls waiting per desk; an empty queue still shows the axis. */
export function waitingByDeskOption(board: Wallboard, labels: Pick<Labels, 'desk' | 'calls'>) {
  const desks = Object.keys(board.waitingByDesk).sort();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 36, right: 12, top: 16, bottom: 28 },
    xAxis: { type: 'category', data: desks.map(labels.desk) },
    yAxis: { type: 'value', minInterval: 1, name: labels.calls, nameTextStyle: { fontSize: 10 } },
    series: [{ type: 'bar', barMaxWidth: 36, data: desks.map((d) => board.waitingByDesk[d] ?? 0), itemStyle: { color: '#1d4ed8' } }],
  };
}

/** Today's offered / answered / abandoned as three bars. */
export function todayOption(board: Wallboard, labels: { offered: string; answered: string; abandoned: string }) {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 36, right: 12, top: 16, bottom: 28 },
    xAxis: { type: 'category', data: [labels.offered, labels.answered, labels.abandoned] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        barMaxWidth: 40,
        label: { show: true, position: 'top' },
        data: [
          { value: board.today.offered, itemStyle: { color: '#1d4ed8' } },
          { value: board.today.answered, itemStyle: { color: '#16a34a' } },
          { value: board.today.abandoned, itemStyle: { color: '#dc2626' } },
        ],
      },
    ],
  };
}
