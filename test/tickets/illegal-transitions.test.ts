import { expect } from 'chai';
import { actionSlug, isAllowedFrom, ticketActions, transitions, type TicketAction, type TicketState } from '../../server/src/modules/tickets/lifecycle.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from './world.ts';

/**
 * Walks the transition table: from every ticket state, every action the table does not allow is refused with
 * 409 and a message naming what is allowed now — including actions whose ticket state is right but whose
 * assignment is in the wrong state (signing twice, replying before signing).
 */
describe('work orders: every illegal transition is refused with 409', function () {
  this.timeout(120_000);
  let platform: TestPlatform;
  let world: World;
  const fixtures = new Map<TicketState, { id: string; leadAssignmentId: string | null; leadState: string | null; assignments: any[] }>();

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
    const { tokens, departments: d } = world;
    const post = async (path: string, body: unknown, token: string) => {
      const res = await platform.api.post(path, body, token);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const register = (extra: Record<string, unknown> = {}) => post('/api/tickets', complaint(extra), tokens.agent);
    const dispatched = () => register({ disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    const inProgress = async () => {
      const t = await dispatched();
      return post(`/api/assignments/${t.assignments[0].id}/sign`, {}, tokens.leadClerk);
    };
    const replied = async () => {
      const t = await inProgress();
      return post(`/api/assignments/${t.assignments[0].id}/reply`, { reply: '已处理完毕。' }, tokens.leadClerk);
    };
    const surveyed = async () => post(`/api/tickets/${(await replied()).id}/pass-review`, {}, tokens.supervisor);
    const master = await register();
    const byState: Record<TicketState, () => Promise<any>> = {
      registering: () => register({ disposition: 'draft' }),
      pending_dispatch: () => register(),
      dispatched,
      in_progress: inProgress,
      return_review: async () => {
        const t = await dispatched();
        return post(`/api/assignments/${t.assignments[0].id}/return`, { reason: '不属本单位职责' }, tokens.leadClerk);
      },
      extension_review: async () => {
        const t = await inProgress();
        const until = new Date(new Date(t.assignments[0].handleBy).getTime() + 86_400_000).toISOString();
        return post(`/api/assignments/${t.assignments[0].id}/request-extension`, { until, reason: '需要更多时间' }, tokens.leadClerk);
      },
      reply_review: replied,
      pending_survey: surveyed,
      closed: async () => post(`/api/tickets/${(await surveyed()).id}/close`, {}, tokens.supervisor),
      merged: async () => post(`/api/tickets/${(await register()).id}/merge`, { masterTicketId: master.id }, tokens.agent),
    };
    for (const [state, make] of Object.entries(byState) as [TicketState, () => Promise<any>][]) {
      const t = await make();
      expect(t.state).to.equal(state);
      const lead = t.assignments.find((a: any) => a.role === 'lead') ?? null;
      fixtures.set(state, { id: t.id, leadAssignmentId: lead?.id ?? null, leadState: lead?.state ?? null, assignments: t.assignments });
    }
  });
  after(async () => platform?.stop());

  /** A body that passes validation for each action, so only the lifecycle can refuse it. */
  function bodyFor(action: TicketAction): Record<string, unknown> {
    const d = world.departments;
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const bodies: Record<TicketAction, Record<string, unknown>> = {
      submit: {}, resolveOnCall: { resolution: '已解答' }, transfer: { transferredTo: '120' }, inform: { resolution: '已告知' },
      dispatch: { leadDepartmentId: d.other.id }, merge: { masterTicketId: fixtures.get('pending_dispatch')!.id },
      approveReturn: { newLeadDepartmentId: d.other.id }, rejectReturn: { note: '驳回' }, approveExtension: {}, refuseExtension: { note: '不同意' },
      passReview: {}, rejectReview: { note: '驳回' }, recordSurvey: { result: 'satisfied' }, close: {}, reopen: { note: '重办' },
      urge: {}, supervise: {}, sign: {}, return: { reason: '不属本单位' }, requestExtension: { until, reason: '需要时间' },
      subDispatch: { subUnitDepartmentId: d.subUnit.id }, reply: { reply: '已办理' },
    };
    return bodies[action];
  }

  it('covers every action of the table', () => {
    expect(ticketActions.length).to.equal(Object.keys(transitions).length);
    expect(ticketActions).to.include.members(['dispatch', 'sign', 'return', 'passReview', 'merge', 'reopen']);
  });

  it('refuses, from every state, each action the table does not allow there', async () => {
    let refused = 0;
    for (const [state, fixture] of fixtures) {
      for (const action of ticketActions) {
        const t = transitions[action];
        const facts = fixture.assignments.map((a: any) => ({ id: a.id, state: a.state, role: a.role, departmentId: a.department.id }));
        const lead = facts.find((a: any) => a.role === 'lead');
        if (t.scope === 'assignment') {
          // Assignment actions need an assignment to act on; states without one have nothing to address.
          if (!lead || isAllowedFrom(action, state, facts, lead)) continue;
          const res = await platform.api.post(`/api/assignments/${lead.id}/${actionSlug(action)}`, bodyFor(action), world.tokens.leadClerk);
          expect(res.status, `${action} from ${state}/${lead.state}: ${JSON.stringify(res.body)}`).to.equal(409);
          expectHelpfulMessage(res.body, state);
        } else {
          if (isAllowedFrom(action, state, facts)) continue;
          const res = await platform.api.post(`/api/tickets/${fixture.id}/${actionSlug(action)}`, bodyFor(action), world.tokens.admin);
          expect(res.status, `${action} from ${state}: ${JSON.stringify(res.body)}`).to.equal(409);
          expectHelpfulMessage(res.body, state);
        }
        refused++;
      }
    }
    expect(refused, 'most of the 10 × 22 pairs are illegal').to.be.greaterThan(150);
    // Nothing moved: every fixture is where it was.
    for (const [state, fixture] of fixtures) {
      const now = await platform.api.get(`/api/tickets/${fixture.id}`, world.tokens.admin);
      expect(now.body.state).to.equal(state);
    }
  });

  it('says what is allowed now, in Chinese by default and in English on request', async () => {
    const fixture = fixtures.get('pending_dispatch')!;
    const zh = await platform.api.post(`/api/tickets/${fixture.id}/pass-review`, {}, world.tokens.admin);
    expect(zh.status).to.equal(409);
    expect(zh.body.error.message).to.contain('待派单').and.to.contain('现在可以执行').and.to.contain('派单');
    expect(zh.body.error.details.allowedActions).to.include.members(['dispatch', 'merge', 'resolveOnCall']);
    const en = await platform.api.request('POST', `/api/tickets/${fixture.id}/pass-review`, { body: {}, token: world.tokens.admin, headers: { 'accept-language': 'en' } });
    expect(en.body.error.message).to.contain('Allowed now').and.to.contain('Dispatch');
  });

  function expectHelpfulMessage(body: any, state: TicketState) {
    expect(body.error.code).to.equal('CONFLICT');
    expect(body.error.details.state).to.equal(state);
    expect(body.error.details.allowedActions).to.be.an('array');
    for (const allowed of body.error.details.allowedActions) expect((transitions as any)[allowed].from).to.include(state);
  }
});
