import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from '../tickets/world.ts';

/** Open311 GeoReport v2 over HTTP on the real database: services, filing with an API key, following, errors. */
describe('Open311 GeoReport v2', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;
  let apiKey: string;
  let keyId: string;

  const form = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${platform.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params) });
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
  });
  after(async () => platform?.stop());

  it('admins create, list and revoke API keys; only a hash is stored; others may not', async () => {
    expect((await platform.api.post('/api/admin/open311-keys', { name: '城市App' }, world.tokens.supervisor)).status).to.equal(403);
    const created = await platform.api.post('/api/admin/open311-keys', { name: '城市App' }, world.tokens.admin);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    apiKey = created.body.key;
    keyId = created.body.id;
    expect(apiKey).to.match(/^o311_[A-Za-z0-9_-]{43}$/);
    const stored = await platform.ctx.db.selectFrom('open311_api_keys').selectAll().where('id', '=', keyId).executeTakeFirstOrThrow();
    expect(stored.key_hash.toString('hex')).not.to.contain(Buffer.from(apiKey).toString('hex'));
    expect(stored.key_hash.length).to.equal(32);
    const listed = await platform.api.get('/api/admin/open311-keys', world.tokens.admin);
    expect(listed.body.items.map((k: any) => k.name)).to.deep.equal(['城市App']);
    expect(JSON.stringify(listed.body)).not.to.contain(apiKey);
    const me = await platform.api.get('/api/auth/me', world.tokens.admin);
    expect(me.body.abilities?.['open311.keys'] ?? me.body.user?.abilities?.['open311.keys']).to.equal(true);
  });

  it('lists the catalogue leaves as services, in Chinese or English', async () => {
    const { status, body } = await json(await fetch(`${platform.url}/open311/v2/services.json`));
    expect(status).to.equal(200);
    const light = body.find((s: any) => s.service_code === 'city.street_light');
    expect(light).to.deep.include({ service_name: '路灯与市政设施', metadata: false, type: 'realtime', group: '城市管理' });
    expect(body.some((s: any) => s.service_code === 'city'), 'groups are not services').to.equal(false);
    const en = await json(await fetch(`${platform.url}/open311/v2/services.json?lang=en`));
    expect(en.body.find((s: any) => s.service_code === 'city.street_light').service_name).to.equal('Street lights and public works');
    const definition = await json(await fetch(`${platform.url}/open311/v2/services/city.street_light.json`));
    expect(definition.body).to.deep.equal({ service_code: 'city.street_light', attributes: [] });
  });

  it('files a request (form-encoded) as an open311 ticket waiting for dispatch, and follows it to closed with the reply', async () => {
    const posted = await json(
      await form({ api_key: apiKey, service_code: 'city.street_light', lat: '30.2741', long: '120.1551', address_string: '东城区幸福路88号', description: '幸福路88号门口路灯连续三晚不亮', first_name: '明', last_name: '王', phone: '13612345678', email: 'wang@example.org' }),
    );
    expect(posted.status, JSON.stringify(posted.body)).to.equal(201);
    expect(posted.body).to.have.length(1);
    const id = posted.body[0].service_request_id;
    expect(id).to.match(/^12345\d+$/);
    expect(posted.body[0].service_notice).to.contain(id);
    const row = await platform.ctx.db.selectFrom('tickets').selectAll().where('number', '=', id).executeTakeFirstOrThrow();
    expect(row).to.include({ channel: 'open311', state: 'pending_dispatch', caller_name: '王明', caller_phone_masked: '136****5678', latitude: 30.2741, longitude: 120.1551 });
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['actor_username', 'action']).where('entity_id', '=', row.id).execute();
    expect(audit).to.deep.include({ actor_username: 'system:open311:城市App', action: 'ticket.registered' });

    let one = await json(await fetch(`${platform.url}/open311/v2/requests/${id}.json`));
    expect(one.status).to.equal(200);
    expect(one.body[0]).to.include({ service_request_id: id, status: 'open', service_code: 'city.street_light', address: '东城区幸福路88号', lat: 30.2741, long: 120.1551 });
    expect(one.body[0].status_notes).to.equal('已受理，正在转交承办单位');
    for (const field of ['requested_datetime', 'updated_datetime', 'agency_responsible']) expect(one.body[0][field]).to.be.a('string');
    const text = JSON.stringify(one.body);
    for (const secret of ['王明', '13612345678', '136****5678', 'wang@example.org']) expect(text).not.to.contain(secret);

    // The hotline dispatches; the department replies; the review passes.
    const detail = (await platform.api.get(`/api/tickets/${row.id}`, world.tokens.agent)).body;
    const dispatched = await platform.api.post(`/api/tickets/${row.id}/dispatch`, { leadDepartmentId: world.departments.lead.id, expectedVersion: detail.version }, world.tokens.agent);
    expect(dispatched.status, JSON.stringify(dispatched.body)).to.equal(200);
    const lead = dispatched.body.assignments[0];
    one = await json(await fetch(`${platform.url}/open311/v2/requests/${id}.json?lang=en`));
    expect(one.body[0]).to.include({ status: 'open', agency_responsible: world.departments.lead.name, status_notes: 'Passed to the department responsible' });
    expect(one.body[0].expected_datetime).to.be.a('string');
    await platform.api.post(`/api/assignments/${lead.id}/sign`, {}, world.tokens.leadClerk);
    const reply = '路灯线路已抢修，已恢复照明。';
    await platform.api.post(`/api/assignments/${lead.id}/reply`, { reply }, world.tokens.leadClerk);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests/${id}.json`))).body[0].status_notes).not.to.contain(reply);
    const passed = await platform.api.post(`/api/tickets/${row.id}/pass-review`, { survey: false }, world.tokens.supervisor);
    expect(passed.status, JSON.stringify(passed.body)).to.equal(200);
    one = await json(await fetch(`${platform.url}/open311/v2/requests/${id}.json`));
    expect(one.body[0]).to.include({ status: 'closed', status_notes: reply });

    // The list: filters by id, service, status; tickets not filed through Open311 are not published.
    const phoneTicket = await platform.api.post('/api/tickets', complaint(), world.tokens.agent);
    const all = await json(await fetch(`${platform.url}/open311/v2/requests.json`));
    expect(all.body.map((r: any) => r.service_request_id)).to.deep.equal([id]);
    expect(all.body.map((r: any) => r.service_request_id)).not.to.include(phoneTicket.body.number);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests.json?status=open`))).body).to.deep.equal([]);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests.json?status=closed&service_code=city.street_light`))).body).to.have.length(1);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests.json?service_request_id=${id},999`))).body).to.have.length(1);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests/${phoneTicket.body.number}.json`))).status).to.equal(404);
  });

  it('accepts JSON bodies too, and answers errors as [{code, description}] with the same HTTP status', async () => {
    const byJson = await json(
      await fetch(`${platform.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: apiKey, service_code: 'environment.noise', address_string: '东城区幸福里小区', description: '夜间施工噪音' }),
      }),
    );
    expect(byJson.status, JSON.stringify(byJson.body)).to.equal(201);

    const cases: [Record<string, string>, number, RegExp][] = [
      [{ service_code: 'city.street_light', address_string: 'x路' }, 403, /api_key/],
      [{ api_key: 'o311_not-a-key', service_code: 'city.street_light', address_string: 'x路' }, 403, /api_key/],
      [{ api_key: apiKey, address_string: 'x路' }, 400, /service_code/],
      [{ api_key: apiKey, service_code: 'no.such', address_string: 'x路' }, 404, /no\.such/],
      [{ api_key: apiKey, service_code: 'city.street_light' }, 400, /lat/],
      [{ api_key: apiKey, service_code: 'city.street_light', lat: '95', long: '120' }, 400, /lat/],
    ];
    for (const [params, code, pattern] of cases) {
      const res = await json(await form(params));
      expect(res.status, JSON.stringify(params)).to.equal(code);
      expect(res.body).to.be.an('array').with.length(1);
      expect(res.body[0].code).to.equal(code);
      expect(res.body[0].description).to.match(pattern);
    }
    expect((await json(await fetch(`${platform.url}/open311/v2/requests/1234599.json`))).body).to.deep.equal([
      { code: 404, description: '没有这个服务请求：1234599' },
    ]);
    expect((await json(await fetch(`${platform.url}/open311/v2/requests.json?start_date=yesterday`))).status).to.equal(400);

    // A revoked key stops working.
    expect((await platform.api.request('DELETE', `/api/admin/open311-keys/${keyId}`, { token: world.tokens.admin })).status).to.equal(204);
    expect((await form({ api_key: apiKey, service_code: 'city.street_light', address_string: 'x路' })).status).to.equal(403);
  });
});
