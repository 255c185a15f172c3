import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from '../tickets/world.ts';
import { lookUpPublicStatus, STATUS_LIMITS } from '../../server/src/modules/public-status/index.ts';

/** The citizen status page: number + last four digits → public progress, nothing personal, no oracle, rate-limited. */
describe('public status page (工单查询)', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;
  let ticket: any;
  let ipCounter = 0;
  /** Each test speaks from its own address (the platform trusts X-Forwarded-For from loopback), so per-IP windows do not mix. */
  const freshIp = () => `198.51.100.${++ipCounter}`;
  const lookup = (body: unknown, ip: string, language?: string) =>
    platform.api.request('POST', '/api/public/ticket-status', { body, headers: { 'x-forwarded-for': ip, ...(language ? { 'accept-language': language } : {}) } });
  const personal = ['欧阳保密', '13957576789', '139****6789', '内部备注：请勿外传'];

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
    const res = await platform.api.post(
      '/api/tickets',
      complaint({
        caller: { name: '欧阳保密', phone: '13957576789' },
        confidential: true,
        disposition: 'dispatch',
        dispatch: { leadDepartmentId: world.departments.lead.id, assistDepartmentIds: [world.departments.assist.id], note: '内部备注：请勿外传' },
      }),
      world.tokens.agent,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    ticket = res.body;
  });
  after(async () => platform?.stop());

  it('shows the public progress for the right number and last four, and nothing personal or internal', async () => {
    const res = await lookup({ number: ticket.number, lastFour: '6789' }, freshIp());
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(res.body).to.include({ number: ticket.number, stage: 'dispatched', finished: false, reply: null, mergedInto: null });
    expect(res.body.stageText).to.equal('已转交承办单位，等待签收');
    expect(res.body.departments.map((d: any) => [d.name, d.role, d.roleText])).to.deep.equal([
      [world.departments.lead.name, 'lead', '主办'],
      [world.departments.assist.name, 'assist', '协办'],
    ]);
    expect(res.body.departments[0].dueAt).to.be.a('string');
    const text = JSON.stringify(res.body);
    for (const secret of personal) expect(text).not.to.contain(secret);
    expect(Object.keys(res.body).sort()).to.deep.equal(
      ['number', 'stage', 'stageText', 'finished', 'registeredAt', 'updatedAt', 'closedAt', 'mergedInto', 'departments', 'reply', 'repliedAt'].sort(),
    );
  });

  it('answers every miss the same way, after the same minimum time: wrong digits, unknown number, a ticket without a phone', async () => {
    const noPhone = await platform.api.post('/api/tickets', complaint({ caller: {}, title: '路灯不亮' }), world.tokens.agent);
    expect(noPhone.status).to.equal(201);
    const misses = [
      { number: ticket.number, lastFour: '6788' },
      { number: '1234519990101000001', lastFour: '6789' },
      { number: noPhone.body.number, lastFour: '0000' },
    ];
    const answers = [];
    for (const body of misses) {
      const started = performance.now();
      const res = await lookup(body, freshIp());
      answers.push({ status: res.status, body: res.body, ms: performance.now() - started });
    }
    for (const a of answers) {
      expect(a.status).to.equal(404);
      expect(a.body).to.deep.equal(answers[0]!.body);
      expect(a.ms).to.be.at.least(STATUS_LIMITS.missFloorMs - 5);
    }
    expect(answers[0]!.body.error.message).to.contain('工单编号和来电号码后四位');
    // Malformed input is a plain 400 (it tells nothing about any ticket).
    expect((await lookup({ number: ticket.number, lastFour: '67' }, freshIp())).status).to.equal(400);
  });

  it('follows the ticket: the reply appears only once it passed review, in English on request', async () => {
    const lead = ticket.assignments.find((a: any) => a.role === 'lead');
    const assist = ticket.assignments.find((a: any) => a.role === 'assist');
    expect((await platform.api.post(`/api/assignments/${lead.id}/sign`, {}, world.tokens.leadClerk)).status).to.equal(200);
    expect((await platform.api.post(`/api/assignments/${assist.id}/sign`, {}, world.tokens.assistClerk)).status).to.equal(200);
    let status = (await lookup({ number: ticket.number, lastFour: '6789' }, freshIp(), 'en')).body;
    expect(status.stage).to.equal('handling');
    expect(status.stageText).to.equal('Being handled by the department');
    expect(status.departments[0].roleText).to.equal('Lead');
    expect(status.departments[0].signedAt).to.be.a('string');

    const reply = '经核查，电梯已于本周四修复并通过检测。';
    expect((await platform.api.post(`/api/assignments/${lead.id}/reply`, { reply }, world.tokens.leadClerk)).status).to.equal(200);
    status = (await lookup({ number: ticket.number, lastFour: '6789' }, freshIp())).body;
    expect(status.stage).to.equal('replied');
    expect(status.reply, 'a reply under review is not public yet').to.equal(null);
    expect(JSON.stringify(status)).not.to.contain(reply);

    const passed = await platform.api.post(`/api/tickets/${ticket.id}/pass-review`, {}, world.tokens.supervisor);
    expect(passed.status, JSON.stringify(passed.body)).to.equal(200);
    status = (await lookup({ number: ticket.number, lastFour: '6789' }, freshIp())).body;
    expect(status).to.include({ stage: 'finished', finished: true, reply });
    expect(status.repliedAt).to.be.a('string');
    // The function the chatbot can call gives the same answer without the HTTP limits.
    const direct = await lookUpPublicStatus(platform.ctx, { number: ticket.number, lastFour: '6789' });
    expect(direct).to.deep.equal(status);
    expect(await lookUpPublicStatus(platform.ctx, { number: ticket.number, lastFour: '1234' })).to.equal(null);
  });

  it('limits lookups per IP with 429, a Retry-After and a clear message', async () => {
    const ip = freshIp();
    for (let i = 0; i < STATUS_LIMITS.perIp; i++) {
      const res = await lookup({ number: ticket.number, lastFour: '6789' }, ip);
      expect(res.status).to.equal(200);
    }
    const limited = await lookup({ number: ticket.number, lastFour: '6789' }, ip);
    expect(limited.status).to.equal(429);
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, STATUS_LIMITS.ipWindowSeconds);
    expect(limited.body.error.code).to.equal('RATE_LIMITED');
    expect(limited.body.error.message).to.match(/查询过于频繁，请 \d+ 秒后再试/);
    // Another address is not affected.
    expect((await lookup({ number: ticket.number, lastFour: '6789' }, freshIp())).status).to.equal(200);
  });

  it('stops guessing one number from many addresses: after the failures allowed, even the right digits wait', async () => {
    const target = await platform.api.post('/api/tickets', complaint({ caller: { phone: '13700001111' }, title: '噪音扰民' }), world.tokens.agent);
    for (let i = 0; i < STATUS_LIMITS.failuresPerNumber; i++) {
      expect((await lookup({ number: target.body.number, lastFour: String(2000 + i) }, freshIp())).status).to.equal(404);
    }
    const locked = await lookup({ number: target.body.number, lastFour: '1111' }, freshIp());
    expect(locked.status).to.equal(429);
    // Other tickets are unaffected.
    expect((await lookup({ number: ticket.number, lastFour: '6789' }, freshIp())).status).to.equal(200);
  });

  it('serves the citizen page at /status with a nonce-only script policy', async () => {
    const res = await fetch(`${platform.url}/status`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).to.be.a('string');
    const html = await res.text();
    expect(html).to.contain(`<script nonce="${nonce}">`);
    expect(html).not.to.contain('{{nonce}}');
    expect(html).to.contain('/api/public/ticket-status');
    expect(html).to.contain('12345 工单查询');
    expect(html).to.contain('12345 ticket status');
  });
});
