import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from './world.ts';

/** Attempts to break department isolation and confidential masking, and proof that phone reveals are audited. */
describe('work orders: department isolation and confidential callers', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;
  let open: any;
  let secret: any;
  const secretCaller = { name: '欧阳保密', phone: '13957576789' };

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
    const d = world.departments;
    const register = async (body: Record<string, unknown>) => {
      const res = await platform.api.post('/api/tickets', complaint(body), world.tokens.agent);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    };
    open = await register({ disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    secret = await register({
      title: '举报某餐馆使用过期食材',
      type: 'report',
      confidential: true,
      caller: secretCaller,
      disposition: 'dispatch',
      dispatch: { leadDepartmentId: d.lead.id, assistDepartmentIds: [d.assist.id] },
    });
  });
  after(async () => platform?.stop());

  const get = (path: string, token: string) => platform.api.get(path, token);

  it('another department cannot read, list, act on or even detect a ticket that is not theirs', async () => {
    const { tokens, departments: d } = world;
    expect((await get(`/api/tickets/${open.id}`, tokens.otherClerk)).status).to.equal(404);
    expect((await get(`/api/tickets/${open.id}/merge-candidates`, tokens.otherClerk)).status).to.equal(404);
    expect((await platform.api.post(`/api/tickets/${open.id}/reveal-phone`, {}, tokens.otherClerk)).status).to.equal(404);
    expect((await platform.api.post(`/api/assignments/${open.assignments[0].id}/sign`, {}, tokens.otherClerk)).status).to.equal(404);
    expect((await platform.api.post(`/api/assignments/${open.assignments[0].id}/return`, { reason: 'x' }, tokens.otherClerk)).status).to.equal(404);
    // Filters narrow, never widen.
    const listed = await get(`/api/tickets?departmentId=${d.lead.id}`, tokens.otherClerk);
    expect(listed.status).to.equal(200);
    expect(listed.body.items).to.deep.equal([]);
    expect((await get(`/api/tickets?q=${encodeURIComponent(open.number)}`, tokens.otherClerk)).body.items).to.deep.equal([]);
    expect((await get(`/api/assignments?departmentId=${d.lead.id}`, tokens.otherClerk)).body.items).to.deep.equal([]);
    expect((await get(`/api/supervision/board?departmentId=${d.lead.id}`, tokens.otherClerk)).body.items).to.deep.equal([]);
    // Looking people up by phone is the hotline's business only.
    expect((await get('/api/tickets?callerPhone=13800138000', tokens.otherClerk)).status).to.equal(403);
    // The assisting department sees the ticket it assists on, and acts only on its own assignment.
    expect((await get(`/api/tickets/${secret.id}`, tokens.assistClerk)).status).to.equal(200);
    const leadOfSecret = secret.assignments.find((a: any) => a.role === 'lead');
    expect((await platform.api.post(`/api/assignments/${leadOfSecret.id}/sign`, {}, tokens.assistClerk)).status).to.equal(404);
    // The lead department sees both its tickets, and nothing else.
    const mine = (await get('/api/tickets', tokens.leadClerk)).body.items.map((t: any) => t.id);
    expect(mine.sort()).to.deep.equal([open.id, secret.id].sort());
  });

  it('a confidential caller never reaches a department, in any answer', async () => {
    const { tokens } = world;
    const leaks = (json: unknown) => {
      const text = JSON.stringify(json);
      return [secretCaller.name, secretCaller.phone, '139****6789'].filter((s) => text.includes(s));
    };
    for (const token of [tokens.leadClerk, tokens.assistClerk]) {
      const detail = (await get(`/api/tickets/${secret.id}`, token)).body;
      expect(detail.caller).to.equal(null);
      expect(detail.abilities.revealPhone).to.equal(false);
      expect(leaks(detail)).to.deep.equal([]);
      expect(leaks((await get('/api/tickets', token)).body)).to.deep.equal([]);
      expect(leaks((await get('/api/assignments', token)).body)).to.deep.equal([]);
      expect((await platform.api.post(`/api/tickets/${secret.id}/reveal-phone`, {}, token)).status).to.equal(403);
    }
    // Nor after the department acts on it (answers are the ticket as the department sees it).
    const lead = secret.assignments.find((a: any) => a.role === 'lead');
    const signed = await platform.api.post(`/api/assignments/${lead.id}/sign`, {}, tokens.leadClerk);
    expect(signed.status).to.equal(200);
    expect(leaks(signed.body)).to.deep.equal([]);
    // The hotline sees the masked number, never the clear one, until it asks.
    const hotline = (await get(`/api/tickets/${secret.id}`, tokens.agent)).body;
    expect(hotline.caller).to.deep.include({ name: secretCaller.name, phoneMasked: '139****6789' });
    expect(JSON.stringify(hotline)).not.to.contain(secretCaller.phone);
    // Stored encrypted, never clear.
    const row = await platform.ctx.db.selectFrom('tickets').selectAll().where('id', '=', secret.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.to.contain(secretCaller.phone);
  });

  it('every reveal of a phone number is audited; auditors and departments on confidential tickets cannot reveal', async () => {
    const { tokens, people } = world;
    const first = await platform.api.post(`/api/tickets/${secret.id}/reveal-phone`, {}, tokens.agent);
    expect(first.status).to.equal(200);
    expect(first.body.phone).to.equal(secretCaller.phone);
    await platform.api.post(`/api/tickets/${secret.id}/reveal-phone`, {}, tokens.supervisor);
    // A department handling a non-confidential ticket may call the citizen back: also audited.
    const byDepartment = await platform.api.post(`/api/tickets/${open.id}/reveal-phone`, {}, tokens.leadClerk);
    expect(byDepartment.status).to.equal(200);
    expect((await platform.api.post(`/api/tickets/${secret.id}/reveal-phone`, {}, tokens.auditor)).status).to.equal(403);
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['actor_id', 'entity_id', 'data']).where('action', '=', 'phone.revealed').orderBy('id').execute();
    expect(audit.map((r) => [r.actor_id, r.entity_id])).to.deep.equal([
      [people.agent.id, secret.id],
      [people.supervisor.id, secret.id],
      [people.leadClerk.id, open.id],
    ]);
    expect(JSON.stringify(audit)).not.to.contain(secretCaller.phone);
  });

  it('auditors read everything and change nothing', async () => {
    const { tokens } = world;
    expect((await get(`/api/tickets/${secret.id}`, tokens.auditor)).status).to.equal(200);
    const detail = (await get(`/api/tickets/${open.id}`, tokens.auditor)).body;
    expect(Object.entries(detail.abilities).filter(([, v]) => v)).to.deep.equal([]);
    expect((await platform.api.post('/api/tickets', complaint(), tokens.auditor)).status).to.equal(403);
    expect((await platform.api.post(`/api/tickets/${open.id}/urge`, {}, tokens.auditor)).status).to.equal(403);
    expect((await platform.api.post(`/api/assignments/${open.assignments[0].id}/sign`, {}, tokens.auditor)).status).to.equal(403);
    expect((await platform.api.request('PUT', '/api/admin/deadlines', { token: tokens.auditor, body: { rules: [] } })).status).to.equal(400);
    // Agents cannot review; department staff cannot register.
    expect((await platform.api.post(`/api/tickets/${open.id}/urge`, {}, tokens.agent)).status).to.equal(403);
    expect((await platform.api.post('/api/tickets', complaint(), tokens.leadClerk)).status).to.equal(403);
  });

  it('the session advertises the module abilities by role', async () => {
    const me = await get('/api/auth/me', world.tokens.leadClerk);
    expect(me.status).to.equal(200);
    expect(me.body.user.abilities).to.include({ 'assignments.work': true, 'tickets.register': false, 'tickets.read': true });
    const { ticketAbilities } = await import('../../server/src/modules/tickets/index.ts');
    expect(ticketAbilities({ id: 'x', role: 'supervisor', departmentId: null })).to.include({ 'tickets.review': true, 'tickets.supervise': true, 'assignments.work': false });
    expect(ticketAbilities({ id: 'x', role: 'auditor', departmentId: null })).to.include({ 'tickets.read': true, 'tickets.register': false, 'tickets.review': false });
  });
});
