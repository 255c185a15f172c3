/**
 * 一次一评: after the agent hangs up, the caller stays on the line for a one-key rating of that call — whether
 * the agent ends the call from the console or hangs up the softphone. With the rating switched off in the
 * policy, the caller is hung up on as before.
 */
import { expect } from 'chai';
import { availableAgent, callBySid, waitFor } from '../calls/support.ts';
import type { TestPlatform } from '../support/platform.ts';
import type { World } from '../tickets/world.ts';
import { fastPolicy, setPolicy, startSurveyPlatform } from '../surveys/support.ts';

const RATING_PROMPT = '请对本次服务进行评价';

describe('scenario: 一次一评 post-call rating', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    ({ platform, world } = await startSurveyPlatform());
  });
  after(async () => platform?.stop());

  // Agents of earlier tests stay available: the call goes to whoever has waited longest.
  const agents: Array<{ id: string; token: string }> = [];
  async function newAgent() {
    agents.push(await availableAgent(platform));
  }
  const answeredBy = (agentId: string | null) => agents.find((a) => a.id === agentId)!;

  /** A caller who stays silent at the greeting menu and presses `key` when asked to rate. */
  function placeCall(from: string, key: string) {
    return platform.carrierSim!.placeCall({ from, hangupAfter: 400, onGather: (g) => (g.prompt.includes(RATING_PROMPT) ? key : null) });
  }

  async function talking(callSid: string) {
    return waitFor('the call to be answered', async () => {
      const row = await callBySid(platform, callSid);
      return row?.status === 'talking' && row.caller_location === 'conference' ? row : undefined;
    });
  }

  async function ratingOf(callId: string) {
    return platform.ctx.db.selectFrom('call_ratings').selectAll().where('call_id', '=', callId).executeTakeFirst();
  }

  it('rates the call after the agent ends it from the console', async () => {
    await newAgent();
    const call = placeCall('13700137001', '2');
    const record = await talking(call.callSid);
    const agent = answeredBy(record.agent_id);
    const hangup = await platform.api.post(`/api/calls/${record.id}/hangup`, undefined, agent.token);
    expect(hangup.status, JSON.stringify(hangup.body)).to.equal(200);
    const summary = await call.done;
    const heard = summary.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text);
    expect(heard.some((h) => h.includes(RATING_PROMPT))).to.equal(true);
    expect(heard.at(-1)).to.contain('感谢您的评价');
    const rating = await waitFor('the rating', async () => {
      const r = await ratingOf(record.id);
      return r?.status === 'rated' ? r : undefined;
    });
    expect(rating).to.include({ rating: 'basically_satisfied', agent_id: agent.id });
    expect(rating.rated_at).to.be.instanceOf(Date);
    const ended = await waitFor('the call record to end', async () => {
      const row = await callBySid(platform, call.callSid);
      return row?.status === 'ended' ? row : undefined;
    });
    expect(ended.outcome).to.equal('answered');
  });

  it('rates the call after the agent hangs up the softphone', async () => {
    await newAgent();
    const call = placeCall('13700137002', '3');
    const record = await talking(call.callSid);
    const agent = answeredBy(record.agent_id);
    const offer = await platform.ctx.db.selectFrom('call_offers').select('leg_sid').where('call_id', '=', record.id).where('status', '=', 'accepted').executeTakeFirstOrThrow();
    expect(platform.carrierSim!.hangupCall(offer.leg_sid!)).to.equal(true);
    await call.done;
    const rating = await waitFor('the rating', async () => {
      const r = await ratingOf(record.id);
      return r?.status === 'rated' ? r : undefined;
    });
    expect(rating).to.include({ rating: 'unsatisfied', agent_id: agent.id });
    // Figures: 一次一评 per agent.
    const figures = await platform.api.get('/api/surveys/figures', world.tokens.supervisor);
    const mine = figures.body.callRatings.find((r: any) => r.id === agent.id);
    const rows = await platform.ctx.db.selectFrom('call_ratings').select(['status', 'rating']).where('agent_id', '=', agent.id).execute();
    const rated = rows.filter((r) => r.status === 'rated');
    const good = rated.filter((r) => r.rating !== 'unsatisfied').length;
    expect(mine).to.include({ offered: rows.length, rated: rated.length, unsatisfied: rated.length - good });
    expect(mine.satisfactionRate).to.equal(Math.round((good / rated.length) * 10_000) / 10_000);
  });

  it('hangs up as before when the policy turns the rating off', async () => {
    await setPolicy(platform, world, { ...fastPolicy, postCallRating: false });
    try {
      await newAgent();
      const call = placeCall('13700137003', '1');
      const record = await talking(call.callSid);
      const agent = answeredBy(record.agent_id);
      expect((await platform.api.post(`/api/calls/${record.id}/hangup`, undefined, agent.token)).status).to.equal(200);
      const summary = await call.done;
      expect(summary.steps.some((s) => s.kind === 'heard' && (s as { text: string }).text.includes(RATING_PROMPT))).to.equal(false);
      expect(await ratingOf(record.id)).to.equal(undefined);
    } finally {
      await setPolicy(platform, world, fastPolicy);
    }
  });
});
