import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { buildUser, defaultPassword, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('sign-in, tokens and sessions', function () {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform({ LOGIN_SLOW_AFTER: '3', LOGIN_MAX_FAILURES: '5', LOGIN_LOCK_MINUTES: '15' });
  });
  after(() => platform?.stop());

  it('signs in with the right password and returns a short-lived token, a refresh token and the user with abilities', async () => {
    const user = await buildUser(platform.ctx.db, { role: 'auditor', displayName: '审计员甲' });
    const res = await platform.api.post('/api/auth/login', { username: user.username, password: user.password });
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ username: user.username, displayName: '审计员甲', role: 'auditor' });
    expect(res.body.user.abilities).to.include({ 'audit.read': true, 'directory.manage': false });
    const claims = jwt.decode(res.body.accessToken) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).to.be.at.most(900);
    expect(claims.sub).to.equal(user.id);
    expect(res.body.refreshToken).to.be.a('string').with.length.greaterThan(30);
    // The refresh token is stored only as a hash.
    const stored = await platform.ctx.db.selectFrom('refresh_tokens').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash.toString('base64url'))).not.to.include(res.body.refreshToken);
    const me = await platform.api.get('/api/auth/me', res.body.accessToken);
    expect(me.status).to.equal(200);
    expect(me.body.user.id).to.equal(user.id);
  });

  it('usernames are case-insensitive', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const res = await platform.api.post('/api/auth/login', { username: user.username.toUpperCase(), password: user.password });
    expect(res.status).to.equal(200);
  });

  it('refuses a wrong password in Chinese by default and in English on request, without saying which part was wrong', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const zh = await platform.api.post('/api/auth/login', { username: user.username, password: 'wrong-password' });
    expect(zh.status).to.equal(401);
    expect(zh.body.error).to.deep.equal({ code: 'UNAUTHENTICATED', message: '用户名或密码错误' });
    const en = await platform.api.request('POST', '/api/auth/login', {
      body: { username: 'nobody-here', password: 'wrong-password' },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.status).to.equal(401);
    expect(en.body.error.message).to.equal('Wrong username or password');
  });

  it('names the missing field when the body is incomplete, and rejects malformed JSON cleanly', async () => {
    const res = await platform.api.post('/api/auth/login', { username: 'someone' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION');
    expect(res.body.error.field).to.equal('password');
    expect(res.body.error.message).to.include('password');
    const broken = await platform.api.request('POST', '/api/auth/login', { body: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).to.equal(400);
    expect(broken.body.error.message).to.equal('请求体不是合法的 JSON');
    expect(JSON.stringify(broken.body)).not.to.match(/at .*\.ts:\d+/);
  });

  it('slows repeated failures, then locks the account for a while, even for the right password', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const timings: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      const res = await platform.api.post('/api/auth/login', { username: user.username, password: `wrong-${i}` });
      timings.push(performance.now() - started);
      expect(res.status).to.equal(401);
    }
    // The 4th failure came after 3 and waited at least the first back-off step (250 ms).
    expect(timings[3]).to.be.greaterThan(240);
    const fifth = await platform.api.post('/api/auth/login', { username: user.username, password: 'wrong-5' });
    expect(fifth.status).to.equal(429);
    expect(fifth.body.error.code).to.equal('RATE_LIMITED');
    expect(fifth.body.error.message).to.match(/锁定.*15 分钟/);
    expect(Number(fifth.headers.get('retry-after'))).to.be.within(800, 900);
    const right = await platform.api.post('/api/auth/login', { username: user.username, password: user.password });
    expect(right.status).to.equal(429);
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', user.id).execute();
    expect(audit.map((a) => a.action)).to.include.members(['auth.sign_in_failed', 'auth.locked_out']);
  });

  it('rotates the refresh token on every use', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const first = await signIn(platform.api, user);
    const second = await platform.api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).to.equal(200);
    expect(second.body.refreshToken).not.to.equal(first.refreshToken);
    const third = await platform.api.post('/api/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(third.status).to.equal(200);
    expect((await platform.api.get('/api/auth/me', third.body.accessToken)).status).to.equal(200);
  });

  it('revokes the whole chain when a used refresh token comes back', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const first = await signIn(platform.api, user);
    const second = await platform.api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).to.equal(200);
    // An attacker replays the first token.
    const replay = await platform.api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).to.equal(401);
    expect(replay.body.error.message).to.include('重复使用');
    // The legitimate holder's newer refresh token and access token are dead too.
    const legit = await platform.api.post('/api/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(legit.status).to.equal(401);
    expect((await platform.api.get('/api/auth/me', second.body.accessToken)).status).to.equal(401);
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'auth.refresh_reused').execute();
    expect(audit).to.have.length.greaterThan(0);
  });

  it('two concurrent uses of one refresh token: at most one succeeds', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const first = await signIn(platform.api, user);
    const results = await Promise.all([1, 2].map(() => platform.api.post('/api/auth/refresh', { refreshToken: first.refreshToken })));
    expect(results.filter((r) => r.status === 200)).to.have.length.at.most(1);
    expect(results.filter((r) => r.status === 401)).to.have.length.at.least(1);
  });

  it('refuses expired and tampered access tokens, and garbage', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const session = await signIn(platform.api, user);
    const claims = jwt.decode(session.accessToken) as jwt.JwtPayload;
    const expired = jwt.sign({ sid: claims.sid, role: claims.role, exp: Math.floor(Date.now() / 1000) - 10 }, platform.ctx.jwtSecret, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'hotline-12345',
      audience: 'hotline-12345/api',
    });
    const expiredRes = await platform.api.get('/api/auth/me', expired);
    expect(expiredRes.status).to.equal(401);
    expect(expiredRes.body.error.message).to.equal('登录已过期，请重新登录');

    // Same claims, promoted to admin, signed with another key.
    const forged = jwt.sign({ sid: claims.sid, role: 'admin' }, 'x'.repeat(48), { algorithm: 'HS256', subject: user.id, issuer: 'hotline-12345', audience: 'hotline-12345/api', expiresIn: 300 });
    expect((await platform.api.get('/api/auth/me', forged)).status).to.equal(401);
    const [h, p] = session.accessToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.role = 'admin';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${session.accessToken.split('.')[2]}`;
    expect((await platform.api.get('/api/auth/me', tampered)).status).to.equal(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await platform.api.get('/api/auth/me', none)).status).to.equal(401);
    expect((await platform.api.get('/api/auth/me', 'garbage')).status).to.equal(401);
    expect((await platform.api.get('/api/auth/me')).status).to.equal(401);
  });

  it('sign-out revokes the refresh token and the access tokens of that sign-in', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const session = await signIn(platform.api, user);
    const other = await signIn(platform.api, user);
    const out = await platform.api.post('/api/auth/logout', undefined, session.accessToken);
    expect(out.status).to.equal(204);
    expect((await platform.api.get('/api/auth/me', session.accessToken)).status).to.equal(401);
    expect((await platform.api.post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).to.equal(401);
    // Another sign-in of the same user is unaffected.
    expect((await platform.api.get('/api/auth/me', other.accessToken)).status).to.equal(200);
  });

  it('a disabled account cannot sign in, and its open sessions stop working', async () => {
    const admin = await buildUser(platform.ctx.db, { role: 'admin' });
    const user = await buildUser(platform.ctx.db, {});
    const adminSession = await signIn(platform.api, admin);
    const session = await signIn(platform.api, user);
    const res = await platform.api.request('PATCH', `/api/directory/users/${user.id}`, { body: { active: false }, token: adminSession.accessToken });
    expect(res.status).to.equal(200);
    expect((await platform.api.get('/api/auth/me', session.accessToken)).status).to.equal(401);
    const again = await platform.api.post('/api/auth/login', { username: user.username, password: defaultPassword });
    expect(again.status).to.equal(401);
    expect(again.body.error.message).to.equal('该账号已停用');
  });
});
