/**
 * Helpers for the survey tests: a platform in simulator mode with short timings, the work-order world, a
 * survey policy that can call at any hour (unless a test pins the clock), and a ticket brought to review.
 */
import { expect } from 'chai';
import { defaultSurveyPolicy, type SurveyPolicy } from '../../server/src/modules/surveys/index.ts';
import { startCallsPlatform, waitFor } from '../calls/support.ts';
import type { TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from '../tickets/world.ts';

export { waitFor };

/** Calls at any hour on any day, without delay or spacing: the journeys run in seconds. */
export const fastPolicy: SurveyPolicy = {
  ...defaultSurveyPolicy,
  delayWorkingDays: 0,
  callingHours: { from: '00:00', to: '24:00' },
  callingDays: 'every',
  attemptSpacingMinutes: 0,
};

export async function startSurveyPlatform(): Promise<{ platform: TestPlatform; world: World }> {
  const platform = await startCallsPlatform();
  const world = await buildWorld(platform);
  await setPolicy(platform, world, fastPolicy);
  return { platform, world };
}

export async function setPolicy(platform: TestPlatform, world: World, policy: SurveyPolicy): Promise<void> {
  const res = await platform.api.request('PUT', '/api/surveys/policy', { token: world.tokens.admin, body: policy });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

/** Registers and dispatches a ticket to the lead department, which signs and replies; the hotline passes it. */
export async function reviewedTicket(platform: TestPlatform, world: World, overrides: Record<string, unknown> = {}) {
  const { tokens, departments } = world;
  const created = await platform.api.post('/api/tickets', complaint({ disposition: 'dispatch', dispatch: { leadDepartmentId: departments.lead.id }, ...overrides }), tokens.agent);
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const lead = created.body.assignments[0];
  await replyAndPass(platform, world, created.body.id, lead.id, true);
  return { id: created.body.id as string, number: created.body.number as string, assignmentId: lead.id as string };
}

/** The lead department replies (signing first when asked) and the hotline passes the reply: 待回访. */
export async function replyAndPass(platform: TestPlatform, world: World, ticketId: string, assignmentId: string, sign: boolean) {
  const { tokens } = world;
  if (sign) expect((await platform.api.post(`/api/assignments/${assignmentId}/sign`, {}, tokens.leadClerk)).status).to.equal(200);
  const replied = await platform.api.post(`/api/assignments/${assignmentId}/reply`, { reply: '已现场核查并处理完毕。' }, tokens.leadClerk);
  expect(replied.status, JSON.stringify(replied.body)).to.equal(200);
  const passed = await platform.api.post(`/api/tickets/${ticketId}/pass-review`, {}, tokens.supervisor);
  expect(passed.status, JSON.stringify(passed.body)).to.equal(200);
  expect(passed.body.state).to.equal('pending_survey');
}

export async function ticketRow(platform: TestPlatform, id: string) {
  return platform.ctx.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function surveysOf(platform: TestPlatform, ticketId: string) {
  return platform.ctx.db.selectFrom('surveys').selectAll().where('ticket_id', '=', ticketId).orderBy('round').execute();
}

export async function attemptsOf(platform: TestPlatform, surveyId: string) {
  return platform.ctx.db.selectFrom('survey_attempts').selectAll().where('survey_id', '=', surveyId).orderBy('attempt_no').execute();
}

/** Outbound calls the simulator placed to a number (E.164). */
export function callsTo(platform: TestPlatform, e164: string) {
  return platform.carrierSim!.calls().filter((c) => c.to === e164 && c.direction === 'outbound-api');
}
