/**
 * Twilio mode's browser softphone: the Voice access token the server issues is a real Twilio AccessToken
 * (checked here with jsonwebtoken and the API key secret, as Twilio checks it), for this agent's identity,
 * allowed to receive the calls the platform rings into conferences.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('Twilio Voice access tokens', function () {
  this.timeout(60_000);
  const accountSid = `AC${hex(16)}`;
  const apiKeySid = `SK${hex(16)}`;
  const apiKeySecret = hex(16);
  const twimlAppSid = `AP${hex(16)}`;
  let platform: TestPlatform;

  before(async () => {
    // Twilio mode: nothing here reaches Twilio; issuing a token is local signing.
    platform = await startTestPlatform({
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: hex(16),
      TWILIO_API_KEY_SID: apiKeySid,
      TWILIO_API_KEY_SECRET: apiKeySecret,
      TWILIO_TWIML_APP_SID: twimlAppSid,
    });
  });
  after(async () => {
    await platform?.stop();
  });

  it('issues an agent a signed token for their own softphone identity, with incoming calls allowed', async () => {
    const agent = await buildUser(platform.ctx.db, { role: 'agent', skills: [{ skill: 'general', level: 3 }] });
    const { accessToken } = await signIn(platform.api, agent);
    const res = await platform.api.get('/api/telephony/token', accessToken);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ mode: 'twilio', identity: `agent_${agent.id}`, ttlSeconds: 3600, message: null });

    const claims = jwt.verify(res.body.token, apiKeySecret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims.iss).to.equal(apiKeySid);
    expect(claims.sub).to.equal(accountSid);
    expect(claims.exp! - claims.iat!).to.equal(3600);
    expect(claims.grants).to.deep.include({ identity: `agent_${agent.id}` });
    expect(claims.grants.voice).to.deep.equal({ incoming: { allow: true }, outgoing: { application_sid: twimlAppSid } });
    expect(() => jwt.verify(res.body.token, 'another secret')).to.throw(/invalid signature/);
  });

  it('refuses a token to staff who do not answer calls', async () => {
    const staff = await buildUser(platform.ctx.db, { role: 'department_staff' });
    const { accessToken } = await signIn(platform.api, staff);
    const res = await platform.api.get('/api/telephony/token', accessToken);
    expect(res.status).to.equal(403);
  });
});
