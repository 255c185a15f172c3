import { expect } from 'chai';
import { sql } from 'kysely';
import type { UserActor } from '../../server/src/platform/actor.ts';
import { checkAssignmentDeadline, dispatchTicket, registerTicket } from '../../server/src/modules/tickets/index.ts';
import { approveExtension, requestExtension, signAssignment } from '../../server/src/modules/tickets/tickets.service.ts';
import { RegisterTicketBody } from '../../server/src/modules/tickets/tickets.schema.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, waitForMessages, type World } from './world.ts';

/** Instants in the hotline's zone (Asia/Shanghai, UTC+8, no daylight saving). */
const at = (local: string) => new Date(`${local}+08:00`);

describe('work orders: deadlines on the real working-day calendar, and their reminders', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;
  let agent: UserActor;
  let supervisor: UserActor;
  let leadClerk: UserActor;

  const actorOf = (u: { id: string; username: string; displayName: string; role: any; departmentId: string | null }): UserActor => ({
    kind: 'user', id: u.id, username: u.username, displayName: u.displayName, role: u.role, departmentId: u.departmentId,
    sessionId: '00000000-0000-0000-0000-000000000000', ip: null, userAgent: null, language: 'zh-CN',
  });

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
    agent = actorOf(world.people.agent);
    supervisor = actorOf(world.people.supervisor);
    leadClerk = actorOf(world.people.leadClerk);
  });
  after(async () => platform?.stop());

  /** Registers and dispatches to the lead department at a pinned instant; returns the lead assignment row. */
  async function dispatchAt(when: Date, extra: Record<string, unknown> = {}) {
    const input = RegisterTicketBody.parse(complaint(extra));
    const ticketId = await registerTicket(platform.ctx, agent, input, { now: when });
    await dispatchTicket(platform.ctx, agent, ticketId, { leadDepartmentId: world.departments.lead.id, assistDepartmentIds: [], complex: false }, { now: when });
    return platform.ctx.db.selectFrom('ticket_assignments').selectAll().where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();
  }

  async function jobsOf(assignmentId: string) {
    const { rows } = await sql<{ key: string; run_at: Date; payload: any }>`
      select key, run_at, payload from graphile_worker._private_jobs where key like ${`tickets.deadline:${assignmentId}:%`} order by key`.execute(platform.ctx.db);
    return rows;
  }

  it('dispatched on the eve of the National Day week: the holiday does not count, the make-up Saturday does', async () => {
    const a = await dispatchAt(at('2025-09-30T10:00:00'));
    expect(a.sign_by.toISOString()).to.equal(at('2025-09-30T12:00:00').toISOString());
    // 2 working days to return: Oct 1–8 are off → Oct 9, Oct 10.
    expect(a.return_by.toISOString()).to.equal(at('2025-10-10T17:30:00').toISOString());
    // 5 working days: Oct 9, 10, Sat 11 (调休 workday), 13, 14.
    expect(a.handle_by.toISOString()).to.equal(at('2025-10-14T17:30:00').toISOString());
    const signedAt = at('2025-09-30T11:00:00');
    await signAssignment(platform.ctx, leadClerk, a.id, {}, { now: signedAt });
    const signed = await platform.ctx.db.selectFrom('ticket_assignments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(signed.handle_by.toISOString()).to.equal(at('2025-10-14T17:30:00').toISOString());
    // Yellow at 80% of the office time between signing and the deadline.
    expect(signed.warn_at.toISOString()).to.equal(at('2025-10-13T16:30:00').toISOString());
    const jobs = await jobsOf(a.id);
    expect(jobs.map((j) => [j.key.split(':').at(-1), j.run_at.toISOString()])).to.deep.equal([
      ['overdue', signed.handle_by.toISOString()],
      ['warning', signed.warn_at.toISOString()],
    ]);
  });

  it('a one-day consult signed on Friday is due on the 调休 Saturday', async () => {
    const a = await dispatchAt(at('2025-10-10T15:00:00'), { type: 'consult' });
    await signAssignment(platform.ctx, leadClerk, a.id, {}, { now: at('2025-10-10T15:00:00') });
    const signed = await platform.ctx.db.selectFrom('ticket_assignments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(signed.handle_by.toISOString()).to.equal(at('2025-10-11T17:30:00').toISOString());
  });

  it('a local override (typhoon day off on that Saturday) moves the same deadline to Monday', async () => {
    const put = await platform.api.request('PUT', '/api/admin/calendar-overrides/2025-10-11', { body: { kind: 'holiday', note: '台风停工' }, token: world.tokens.admin });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const refused = await platform.api.request('PUT', '/api/admin/calendar-overrides/2025-10-12', { body: { kind: 'workday' }, token: world.tokens.supervisor });
    expect(refused.status, 'only admins edit the calendar').to.equal(403);
    try {
      const a = await dispatchAt(at('2025-10-10T15:00:00'), { type: 'consult' });
      await signAssignment(platform.ctx, leadClerk, a.id, {}, { now: at('2025-10-10T15:00:00') });
      const signed = await platform.ctx.db.selectFrom('ticket_assignments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
      expect(signed.handle_by.toISOString()).to.equal(at('2025-10-13T17:30:00').toISOString());
      const list = (await platform.api.get('/api/admin/calendar-overrides', world.tokens.admin)).body.items;
      expect(list).to.deep.equal([{ date: '2025-10-11', kind: 'holiday', note: '台风停工' }]);
    } finally {
      expect((await platform.api.request('DELETE', '/api/admin/calendar-overrides/2025-10-11', { token: world.tokens.admin })).status).to.equal(204);
    }
  });

  it('an admin-edited deadline rule applies to the next dispatch', async () => {
    const res = await platform.api.request('PUT', '/api/admin/deadlines', {
      token: world.tokens.admin,
      body: { rules: [{ type: 'suggestion', urgency: 'normal', windows: { sign: { amount: 4, unit: 'working_hours' }, handle: { amount: 3, unit: 'working_days' }, return: { amount: 2, unit: 'working_days' } } }] },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.rules.find((r: any) => r.type === 'suggestion' && r.urgency === 'normal')).to.deep.include({ custom: true });
    const a = await dispatchAt(at('2025-11-03T09:00:00'), { type: 'suggestion' });
    // 4 office hours from 09:00: 09:00–12:00, then 13:30–14:30.
    expect(a.sign_by.toISOString()).to.equal(at('2025-11-03T14:30:00').toISOString());
    expect(a.handle_by.toISOString()).to.equal(at('2025-11-06T17:30:00').toISOString());
  });

  it('an approved extension moves the deadline and replaces its reminders instead of adding more', async () => {
    const now = new Date();
    const a = await dispatchAt(now);
    await signAssignment(platform.ctx, leadClerk, a.id, {}, { now });
    const before = await jobsOf(a.id);
    expect(before).to.have.length(2);
    const signed = await platform.ctx.db.selectFrom('ticket_assignments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    // A week later: at least 5 more working days whatever weekday the test runs on.
    const until = new Date(signed.handle_by.getTime() + 7 * 86_400_000);
    await requestExtension(platform.ctx, leadClerk, a.id, { until: until.toISOString(), reason: '等待检测报告' }, { now });
    await approveExtension(platform.ctx, supervisor, a.ticket_id, {}, { now });
    const after = await jobsOf(a.id);
    expect(after).to.have.length(2);
    const overdue = after.find((j) => j.key.endsWith(':overdue'))!;
    expect(overdue.run_at.toISOString()).to.equal(until.toISOString());
    expect(overdue.payload.dueAt).to.equal(until.toISOString());
    expect(after.find((j) => j.key.endsWith(':warning'))!.run_at > before.find((j) => j.key.endsWith(':warning'))!.run_at).to.equal(true);
  });

  it('the warning and overdue checks notify the department in the console and by SMS, once', async () => {
    // Dispatched three hours ago as a critical matter (2 clock hours): already past both times.
    const dispatchedAt = new Date(Date.now() - 3 * 3_600_000);
    const a = await dispatchAt(dispatchedAt, { urgency: 'critical', title: '燃气管道疑似泄漏' });
    const warning = await checkAssignmentDeadline(platform.ctx, { assignmentId: a.id, kind: 'warning', dueAt: a.warn_at.toISOString() }).catch(() => 'raced');
    const overdue = await checkAssignmentDeadline(platform.ctx, { assignmentId: a.id, kind: 'overdue', dueAt: a.handle_by.toISOString() }).catch(() => 'raced');
    // The worker may have run the same due jobs first; either way each notice exists exactly once.
    expect(['sent', 'skipped']).to.include(warning);
    expect(['sent', 'skipped']).to.include(overdue);
    const until = Date.now() + 10_000;
    let notices: { kind: string; department_id: string | null; role: string | null }[] = [];
    while (Date.now() < until) {
      notices = await platform.ctx.db.selectFrom('ticket_notifications').select(['kind', 'department_id', 'role']).where('assignment_id', '=', a.id).execute();
      if (notices.length >= 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(notices.filter((n) => n.department_id === world.departments.lead.id).map((n) => n.kind).sort()).to.deep.equal(['deadline.overdue', 'deadline.warning']);
    expect(notices.filter((n) => n.role === 'supervisor')).to.have.length(2);
    // Running the check again changes nothing.
    expect(await checkAssignmentDeadline(platform.ctx, { assignmentId: a.id, kind: 'overdue', dueAt: a.handle_by.toISOString() })).to.equal('skipped');
    const sms = await waitForMessages(platform, (m) => m.to.endsWith('87011200') && m.body.includes('燃气管道'), 2);
    expect(sms.map((m) => m.body).join('\n')).to.contain('临期预警').and.to.contain('超期督办');

    // The department sees the notices; the ticket carries the flags; the board lists it first (critical).
    const mine = (await platform.api.get('/api/notifications', world.tokens.leadClerk)).body.items;
    expect(mine.some((n: any) => n.assignmentId === a.id && n.kind === 'deadline.overdue')).to.equal(true);
    const ticket = (await platform.api.get(`/api/tickets/${a.ticket_id}`, world.tokens.supervisor)).body;
    expect(ticket.supervised).to.equal(true);
    expect(ticket.urgeCount).to.be.at.least(1);
    expect(ticket.assignments[0].deadline).to.equal('overdue');
    const board = (await platform.api.get('/api/supervision/board', world.tokens.supervisor)).body.items;
    expect(board[0].id).to.equal(a.id);
    expect(board[0].deadline).to.equal('overdue');
    const inbox = (await platform.api.get('/api/assignments?deadline=overdue', world.tokens.leadClerk)).body.items;
    expect(inbox.map((i: any) => i.id)).to.include(a.id);
  });

  it('a check for a deadline that has since moved does nothing', async () => {
    const a = await dispatchAt(new Date(Date.now() - 3 * 3_600_000), { urgency: 'critical' });
    const stale = new Date(a.handle_by.getTime() - 60_000).toISOString();
    expect(await checkAssignmentDeadline(platform.ctx, { assignmentId: a.id, kind: 'overdue', dueAt: stale })).to.equal('skipped');
  });
});
