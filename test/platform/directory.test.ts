import { expect } from 'chai';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('directory and department isolation', function () {
  let platform: TestPlatform;
  let water: { id: string };
  let waterSub: { id: string };
  let power: { id: string };
  let waterClerk: Awaited<ReturnType<typeof buildUser>>;
  let powerClerk: Awaited<ReturnType<typeof buildUser>>;
  let waterToken: string;

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    water = await buildDepartment(db, { name: '水务集团', kind: 'enterprise' });
    waterSub = await buildDepartment(db, { name: '水务集团东区营业所', kind: 'subunit', parentId: water.id });
    power = await buildDepartment(db, { name: '供电公司', kind: 'enterprise' });
    waterClerk = await buildUser(db, { role: 'department_staff', departmentId: water.id });
    powerClerk = await buildUser(db, { role: 'department_staff', departmentId: power.id });
    await buildUser(db, { role: 'agent' });
    waterToken = (await signIn(platform.api, waterClerk)).accessToken;
  });
  after(() => platform?.stop());

  it('department staff list only their own department and its sub-units', async () => {
    const res = await platform.api.get('/api/directory/departments', waterToken);
    expect(res.status).to.equal(200);
    expect(res.body.items.map((d: any) => d.id).sort()).to.deep.equal([water.id, waterSub.id].sort());
  });

  it('department staff see only their own department’s people, whatever filter they send', async () => {
    const all = await platform.api.get('/api/directory/users', waterToken);
    expect(all.body.items.map((u: any) => u.id)).to.deep.equal([waterClerk.id]);
    const probing = await platform.api.get(`/api/directory/users?departmentId=${power.id}`, waterToken);
    expect(probing.status).to.equal(200);
    expect(probing.body.items).to.deep.equal([]);
    const agents = await platform.api.get('/api/directory/users?role=agent', waterToken);
    expect(agents.body.items).to.deep.equal([]);
  });

  it('reading another department’s person or department by id answers 404, not 403, so ids cannot be probed', async () => {
    expect((await platform.api.get(`/api/directory/users/${powerClerk.id}`, waterToken)).status).to.equal(404);
    const dept = await platform.api.get(`/api/directory/departments/${power.id}`, waterToken);
    expect(dept.status).to.equal(404);
    expect(dept.body.error.message).to.equal('找不到部门');
    expect((await platform.api.get(`/api/directory/users/${waterClerk.id}`, waterToken)).status).to.equal(200);
  });

  it('department staff and agents cannot create or change users', async () => {
    const res = await platform.api.post('/api/directory/users', { username: 'sneaky', displayName: 'x', role: 'admin', password: 'long-enough-password' }, waterToken);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN');
    const patch = await platform.api.request('PATCH', `/api/directory/users/${waterClerk.id}`, { body: { role: 'admin' }, token: waterToken });
    expect(patch.status).to.equal(403);
    const row = await platform.ctx.db.selectFrom('users').select('role').where('id', '=', waterClerk.id).executeTakeFirstOrThrow();
    expect(row.role).to.equal('department_staff');
  });

  it('admins see everyone and create staff, with the change audited', async () => {
    const admin = await buildUser(platform.ctx.db, { role: 'admin' });
    const token = (await signIn(platform.api, admin)).accessToken;
    const everyone = await platform.api.get('/api/directory/users', token);
    expect(everyone.body.items.length).to.be.at.least(4);
    const created = await platform.api.post(
      '/api/directory/users',
      { username: 'New.Clerk', displayName: '新科员', role: 'department_staff', departmentId: power.id, password: 'a-long-password-1', skills: [] },
      token,
    );
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ username: 'new.clerk', role: 'department_staff', departmentName: '供电公司' });
    const audit = await platform.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.body.id).execute();
    expect(audit.map((a) => a.action)).to.deep.equal(['user.created']);
    expect(audit[0]!.actor_id).to.equal(admin.id);
    expect(JSON.stringify(audit[0]!.data)).not.to.include('a-long-password-1');
    const signedIn = await platform.api.post('/api/auth/login', { username: 'new.clerk', password: 'a-long-password-1' });
    expect(signedIn.status).to.equal(200);
  });

  it('department staff must have a department', async () => {
    const admin = await buildUser(platform.ctx.db, { role: 'admin' });
    const token = (await signIn(platform.api, admin)).accessToken;
    const res = await platform.api.post('/api/directory/users', { username: 'orphan', displayName: '无部门', role: 'department_staff', password: 'a-long-password-1' }, token);
    expect(res.status).to.equal(400);
    expect(res.body.error.field).to.equal('departmentId');
  });
});
