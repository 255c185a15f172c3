/**
 * 效能投诉: a complaint about a department's own conduct goes to the supervision office, never to that
 * department, through the real ticket API; the office's finding becomes a deduction in the assessment.
 */
import { expect } from 'chai';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { complaint } from '../tickets/world.ts';

describe('assessment: 效能投诉 goes to the supervision office', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let accused: { id: string; name: string };
  let other: { id: string; name: string };
  let office: { id: string; name: string };
  const tokens: Record<string, string> = {};
  const api = (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
    platform.api.request(method, path, { token, body, ...(headers ? { headers } : {}) });
  const register = (extra: Record<string, unknown>, headers?: Record<string, string>) => api('POST', '/api/tickets', tokens.agent!, complaint(extra), headers);

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    accused = await buildDepartment(db, { name: '市某某局' });
    other = await buildDepartment(db, { name: '市另一局' });
    office = await buildDepartment(db, { name: '市效能监督办公室' });
    for (const [name, user] of Object.entries({
      agent: await buildUser(db, { role: 'agent' }),
      admin: await buildUser(db, { role: 'admin' }),
      supervisor: await buildUser(db, { role: 'supervisor' }),
      accusedStaff: await buildUser(db, { role: 'department_staff', departmentId: accused.id }),
    })) tokens[name] = (await signIn(platform.api, user)).accessToken;
  });
  after(async () => platform?.stop());

  it('with no supervision office named, a flagged complaint cannot be dispatched at all', async () => {
    const res = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: other.id } });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.contain('尚未设置效能监督部门');
  });

  it('only admins name the supervision office', async () => {
    expect((await api('PUT', '/api/assessment/supervision-office', tokens.supervisor!, { departmentId: office.id })).status).to.equal(403);
    expect((await api('PUT', '/api/assessment/supervision-office', tokens.admin!, { departmentId: office.id })).status).to.equal(204);
    const got = await api('GET', '/api/assessment/supervision-office', tokens.agent!);
    expect(got.body.office).to.include({ id: office.id, name: office.name });
  });

  it('dispatching it to the department complained about is refused, with a clear message in zh-CN and en', async () => {
    const zh = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: accused.id } });
    expect(zh.status).to.equal(400);
    expect(zh.body.error.message).to.contain('效能投诉不能派给被投诉的部门').and.to.contain(accused.name);
    const en = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: accused.id } }, { 'accept-language': 'en' });
    expect(en.body.error.message).to.contain('cannot go to the department it is about');
    // Nothing was registered by the refused attempts: the rule runs in the registration transaction.
    const count = await platform.ctx.db.selectFrom('conduct_complaints').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).to.equal(0);
  });

  it('nor may it go to that department as an assisting unit, or be led by anyone but the office', async () => {
    const assist = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: office.id, assistDepartmentIds: [accused.id] } });
    expect(assist.status).to.equal(400);
    expect(assist.body.error.message).to.contain('效能投诉不能派给被投诉的部门');
    const elsewhere = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: other.id } });
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.body.error.message).to.contain(`须由效能监督部门（${office.name}）主办`);
  });

  let ticketId: string;
  it('dispatched to the supervision office it goes through; the accused department never sees it', async () => {
    const res = await register({ conductComplaintAgainst: accused.id, disposition: 'dispatch', dispatch: { leadDepartmentId: office.id } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    ticketId = res.body.id;
    const assignments = await platform.ctx.db.selectFrom('ticket_assignments').select(['department_id', 'role']).where('ticket_id', '=', ticketId).execute();
    expect(assignments).to.deep.equal([{ department_id: office.id, role: 'lead' }]);
    expect((await api('GET', `/api/tickets/${ticketId}`, tokens.accusedStaff!)).status).to.equal(404);
  });

  it('a complaint recognised later is flagged before dispatch; the later dispatch obeys the rule', async () => {
    const queued = await register({ disposition: 'pending_dispatch' });
    expect(queued.status).to.equal(201);
    const flag = await api('POST', `/api/assessment/conduct-complaints/${queued.body.id}`, tokens.agent!, { departmentId: accused.id });
    expect(flag.status, JSON.stringify(flag.body)).to.equal(204);
    const dispatch = await api('POST', `/api/tickets/${queued.body.id}/dispatch`, tokens.agent!, { leadDepartmentId: accused.id });
    expect(dispatch.status).to.equal(400);
    expect(dispatch.body.error.message).to.contain('效能投诉不能派给被投诉的部门');
  });

  it('only complaints can be flagged, and not while the accused department holds the ticket', async () => {
    const consult = await register({ type: 'consult', conductComplaintAgainst: accused.id });
    expect(consult.status).to.equal(400);
    const held = await register({ disposition: 'dispatch', dispatch: { leadDepartmentId: accused.id } });
    expect(held.status).to.equal(201);
    const flag = await api('POST', `/api/assessment/conduct-complaints/${held.body.id}`, tokens.agent!, { departmentId: accused.id });
    expect(flag.status).to.equal(409);
    expect(flag.body.error.message).to.contain('正由被投诉部门');
  });

  it('a substantiated finding is a deduction in the current period of the accused department', async () => {
    const staffTry = await api('POST', `/api/assessment/conduct-complaints/${ticketId}/finding`, tokens.accusedStaff!, { finding: 'substantiated', note: '属实', evidence: [] });
    expect(staffTry.status).to.equal(403);
    const res = await api('POST', `/api/assessment/conduct-complaints/${ticketId}/finding`, tokens.supervisor!, { finding: 'substantiated', note: '经核查，推诿属实', evidence: ['核查报告.pdf'] });
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: platform.ctx.config.timezone, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const score = await api('GET', `/api/assessment/periods/${month}/departments/${accused.id}`, tokens.accusedStaff!);
    expect(score.status, JSON.stringify(score.body)).to.equal(200);
    const conduct = score.body.score.lines.find((l: any) => l.kind === 'conductComplaints');
    expect(conduct).to.include({ count: 1, points: -2 });
    expect(conduct.complaints[0]).to.include({ ticketId, note: '经核查，推诿属实' });
    const again = await api('POST', `/api/assessment/conduct-complaints/${ticketId}/finding`, tokens.supervisor!, { finding: 'unsubstantiated', note: '改判', evidence: [] });
    expect(again.status).to.equal(409);
  });
});
