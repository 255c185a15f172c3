import { expect } from 'chai';
import {
  agentsByStateOption,
  applyQueueChange,
  elapsedSince,
  holdAndMute,
  holdSecondsNow,
  longestWaitNow,
  percent,
  serviceLevelOption,
  waitingByDeskOption,
  type Wallboard,
  type WallboardAgent,
} from './wallboard-model.ts';

function board(overrides: Partial<Wallboard> = {}): Wallboard {
  return {
    at: '2025-03-14T02:00:00.000Z',
    waiting: 2,
    longestWaitSeconds: 30,
    waitingByDesk: { general: 1, business: 1 },
    agentsByState: { available: 3, ringing: 0, on_call: 2, wrap_up: 1, break: 1 },
    agents: [],
    today: { offered: 10, answered: 8, abandoned: 2, answeredWithin15s: 7, serviceLevel15s: 0.7, answerRate: 0.8, abandonRate: 0.2, averageWaitSeconds: 9.5, averageTalkSeconds: 120 },
    ...overrides,
  };
}

describe('wallboard model', () => {
  const at = Date.parse('2025-03-14T02:00:00.000Z');

  it('counts the longest wait on between pushes, only while someone waits', () => {
    expect(elapsedSince(board(), at + 5_400)).to.equal(5);
    expect(elapsedSince(board(), at - 3_000), 'a browser clock behind the server never counts backwards').to.equal(0);
    expect(longestWaitNow(board(), at + 5_000)).to.equal(35);
    expect(longestWaitNow(board({ waiting: 0, longestWaitSeconds: 0 }), at + 5_000)).to.equal(0);
  });

  it('folds a newer queue change into the board and ignores an older one', () => {
    const newer = applyQueueChange(board(), { waiting: 5, longestWaitSeconds: 3, waitingByDesk: { general: 5 }, at: '2025-03-14T02:00:01.000Z' });
    expect(newer.waiting).to.equal(5);
    expect(newer.today.offered, 'today’s figures are not part of a queue change').to.equal(10);
    const older = applyQueueChange(board(), { waiting: 9, longestWaitSeconds: 3, waitingByDesk: {}, at: '2025-03-14T01:59:59.000Z' });
    expect(older.waiting).to.equal(2);
  });

  it('builds chart options from the figures', () => {
    expect(percent(0.7)).to.equal(70);
    expect(percent(0.83333)).to.equal(83.3);
    expect(percent(null)).to.equal(null);
    const gauge = serviceLevelOption(board(), { serviceLevel: 'SL', noData: '—' });
    expect(gauge.series[0]!.data[0]!.value).to.equal(70);
    expect(serviceLevelOption(board({ today: { ...board().today, serviceLevel15s: null } }), { serviceLevel: 'SL', noData: '—' }).series[0]!.detail.formatter).to.equal('—');
    const pie = agentsByStateOption(board(), { state: (s) => `state:${s}` });
    expect(pie.series[0]!.data.map((d) => [d.name, d.value])).to.deep.equal([
      ['state:available', 3],
      ['state:ringing', 0],
      ['state:on_call', 2],
      ['state:wrap_up', 1],
      ['state:break', 1],
    ]);
    // No agents signed in: no slices at all, rather than five equal slices of zero.
    expect(agentsByStateOption(board({ agentsByState: {} }), { state: (s) => s }).series[0]!.stillShowZeroSum).to.equal(false);
    const bars = waitingByDeskOption(board(), { desk: (d) => d.toUpperCase(), calls: 'calls' });
    expect(bars.xAxis.data).to.deep.equal(['BUSINESS', 'GENERAL']);
    expect(bars.series[0]!.data).to.deep.equal([1, 1]);
  });

  it('counts holds on between pushes and sums up who is on hold and who is muted', () => {
    const agent = (id: string, v: Partial<WallboardAgent>): WallboardAgent => ({ userId: id, displayName: id, state: 'on_call', reason: null, sinceSeconds: 0, callId: `call-${id}`, onHold: false, holdSeconds: 0, muted: false, ...v });
    const b = board({ agents: [agent('a', { onHold: true, holdSeconds: 40 }), agent('b', { onHold: true, holdSeconds: 5, muted: true }), agent('c', { muted: true }), agent('d', { state: 'available', callId: null })] });
    expect(holdSecondsNow(b.agents[0]!, b, at + 3_000)).to.equal(43);
    expect(holdSecondsNow(b.agents[2]!, b, at + 3_000), 'not held: no clock').to.equal(0);
    expect(holdAndMute(b, at + 3_000)).to.deep.equal({ onHold: 2, longestHoldSeconds: 43, muted: 2 });
    expect(holdAndMute(board(), at)).to.deep.equal({ onHold: 0, longestHoldSeconds: 0, muted: 0 });
  });
});
