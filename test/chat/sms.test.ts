import { expect } from 'chai';
import twilio from 'twilio';
import { RATE_LIMITS } from '../../server/src/modules/chat/index.ts';
import { sendSignedWebhook } from '../../tools/carrier-sim/webhook.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('chatbot by SMS through the carrier simulator', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  const sms = (from: string, body: string) => platform.carrierSim!.sendSms({ from, body });

  before(async () => {
    platform = await startTestPlatform();
  });
  after(async () => {
    await platform?.stop();
  });

  it('answers a question in a TwiML <Message>, and remembers the conversation of one sender', async () => {
    const first = await sms('13900001111', '公积金贷款额度是多少');
    expect(first.status).to.equal(200);
    expect(first.replies).to.have.length(1);
    expect(first.replies[0]).to.include('贷款额度').and.include('转人工');
    const followUp = await sms('13900001111', '那需要什么材料');
    expect(followUp.replies[0]).to.include('购房合同');
    // Another sender has their own conversation.
    expect((await sms('13900002222', '那需要什么材料')).replies[0]).to.not.include('购房合同');
    const sessions = await platform.ctx.db.selectFrom('chat_sessions').select(['channel', 'phone_masked', 'message_count']).where('channel', '=', 'sms').execute();
    expect(sessions).to.have.length(2);
    expect(sessions.find((s) => s.message_count === 4)!.phone_masked).to.not.include('13900001111');
  });

  it('转人工 by SMS files a work order with the sender’s number, whose status the sender can then ask', async () => {
    const from = '13900003333';
    expect((await sms(from, '转人工')).replies[0]).to.include('诉求');
    const taken = await sms(from, '幸福小区3栋楼道灯坏了一个月了');
    const number = /编号 (\d{19})/.exec(taken.replies[0]!)?.[1];
    expect(number, taken.replies[0]).to.be.a('string');
    const ticket = await platform.ctx.db.selectFrom('tickets').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    expect(ticket).to.include({ channel: 'sms', caller_phone_last_four: '3333' });
    expect((await sms(from, `${number} 3333`)).replies[0]).to.include('已受理，正在转交承办单位');
  });

  it('refuses a forged signature with 403 and stores nothing', async () => {
    const params = { MessageSid: `SM${'a'.repeat(32)}`, From: '+8613900004444', To: platform.carrierSim!.hotlineNumber, Body: '住房公积金怎么提取' };
    const res = await fetch(`${platform.url}/twilio/sms/incoming`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature('not-the-token', `${platform.url}/twilio/sms/incoming`, params) },
      body: new URLSearchParams(params),
    });
    expect(res.status).to.equal(403);
    expect(await platform.ctx.db.selectFrom('chat_sms_inbound').select('message_sid').where('message_sid', '=', params.MessageSid).executeTakeFirst()).to.equal(undefined);
  });

  it('handles a MessageSid once: a carrier retry gets the same reply and changes nothing', async () => {
    const params = { AccountSid: platform.carrierSim!.accountSid, MessageSid: `SM${'b'.repeat(32)}`, From: '+8613900005555', To: platform.carrierSim!.hotlineNumber, Body: '电费怎么交' };
    const send = () => sendSignedWebhook({ url: `${platform.url}/twilio/sms/incoming`, authToken: platform.twilio!.authToken, params });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect(a.status).to.equal(200);
    expect(a.body).to.include('<Message>');
    expect(b.body).to.equal(a.body);
    expect(c.body).to.equal(a.body);
    const messages = await platform.ctx.db
      .selectFrom('chat_messages as m')
      .innerJoin('chat_sessions as s', 's.id', 'm.session_id')
      .select('m.text')
      .where('s.source_key', '=', platform.ctx.pii.hashPhone('13900005555'))
      .where('m.role', '=', 'user')
      .execute();
    expect(messages.map((m) => m.text)).to.deep.equal(['电费怎么交']);
    // Malformed parameters after a valid signature are a 400, not a crash.
    const bad = await sendSignedWebhook({ url: `${platform.url}/twilio/sms/incoming`, authToken: platform.twilio!.authToken, params: { From: 'x' } });
    expect(bad.status).to.equal(400);
  });

  it('escapes what it sends back, so markup in a message cannot break the TwiML', async () => {
    const res = await sms('13900006666', '<Response><Redirect>http://evil</Redirect></Response> & 公积金怎么提取');
    expect(res.status).to.equal(200);
    expect(res.replies).to.have.length(1);
  });

  it('a flood from one phone is told once to slow down, then ignored until the window passes', async () => {
    const from = '13900007777';
    const replies: string[][] = [];
    for (let i = 0; i < RATE_LIMITS.smsPerPhone + 2; i++) replies.push((await sms(from, `电费怎么交${i}`)).replies);
    expect(replies.slice(0, RATE_LIMITS.smsPerPhone).every((r) => r.length === 1 && r[0]!.includes('电费'))).to.equal(true);
    expect(replies[RATE_LIMITS.smsPerPhone]![0]).to.include('过于频繁');
    expect(replies[RATE_LIMITS.smsPerPhone + 1]).to.deep.equal([]);
    expect((await sms('13900008888', '电费怎么交')).replies).to.have.length(1);
  });
});
