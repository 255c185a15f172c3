/**
 * 转人工 on the web with a person: a citizen waits, an agent takes the conversation in the console (pushed
 * over socket.io), they talk, the agent ends it; and the fall-backs to a work-order request when nobody is
 * free, nobody comes in time, or the citizen stops waiting.
 */
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { expireLiveWait, LIVE_EVENTS } from '../../server/src/modules/chat/index.ts';
import { availableAgent, startCallsPlatform, waitFor, type Agent } from '../calls/support.ts';
import { buildUser, signIn } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';
import { startConversation, type Citizen } from './support.ts';

describe('web chat: hand-off to a live agent', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  const sockets: Socket[] = [];

  before(async () => {
    platform = await startCallsPlatform();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await platform?.stop();
  });

  /** Every event of `names` an agent's console receives, in order. */
  async function consoleOf(agent: Agent, names: string[]) {
    const socket = connect(platform.url, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const events: { name: string; payload: any }[] = [];
    for (const name of names) socket.on(name, (payload: unknown) => events.push({ name, payload }));
    await new Promise<void>((resolve) => socket.on('session.ready', () => resolve()));
    return events;
  }

  const headersOf = (c: Citizen) => ({ 'x-forwarded-for': c.ip, 'x-chat-token': c.token });
  const live = (c: Citizen, action: '' | '/leave' = '') => platform.api.request('POST', `/api/chat/sessions/${c.sessionId}/live${action}`, { headers: headersOf(c) });
  const poll = (c: Citizen, after?: string) =>
    platform.api.request('GET', `/api/chat/sessions/${c.sessionId}${after ? `?after=${after}` : ''}`, { headers: headersOf(c) });
  const offline = (agent: Agent) => platform.api.request('PUT', '/api/agents/me/state', { token: agent.token, body: { state: 'offline' } });

  it('a citizen waits, an agent takes the chat, they talk both ways, and the agent ends it', async () => {
    const agent = await availableAgent(platform);
    const other = await availableAgent(platform);
    const events = await consoleOf(agent, Object.values(LIVE_EVENTS));
    const otherEvents = await consoleOf(other, Object.values(LIVE_EVENTS));

    const citizen = await startConversation(platform);
    await citizen.ask('住房公积金怎么提取');
    const handoff = await citizen.say('转人工');
    expect(handoff.body.liveAgent).to.deep.equal({ available: true });
    const waiting = await live(citizen);
    expect(waiting.status, JSON.stringify(waiting.body)).to.equal(200);
    expect(waiting.body.live).to.include({ state: 'waiting', agentName: null });
    expect(waiting.body.messages[0].text).to.include('正在为您接入人工客服');
    await waitFor('the waiting chat to reach the console', async () => events.find((e) => e.name === LIVE_EVENTS.waiting && e.payload.sessionId === citizen.sessionId));

    // While waiting, what the citizen writes is kept and the bot stays quiet.
    const meanwhile = await citizen.say('我的公积金账户被冻结了');
    expect(meanwhile.status).to.equal(200);
    expect(meanwhile.body.messages).to.deep.equal([]);
    const queue = await platform.api.get('/api/chat/live', agent.token);
    const item = queue.body.items.find((i: any) => i.sessionId === citizen.sessionId);
    expect(item).to.include({ state: 'waiting', firstQuestion: '住房公积金怎么提取', waitingText: '我的公积金账户被冻结了' });

    // Exactly one agent takes it.
    const [a, b] = await Promise.all([platform.api.post(`/api/chat/live/${citizen.sessionId}/accept`, undefined, agent.token), platform.api.post(`/api/chat/live/${citizen.sessionId}/accept`, undefined, other.token)]);
    const winner = a.status === 200 ? { res: a, agent } : { res: b, agent: other };
    const loser = a.status === 200 ? b : a;
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
    expect(loser.body.error.message).to.equal('该会话已由其他坐席接入');
    // The agent sees the whole history.
    expect(winner.res.body.messages.map((m: any) => m.text)).to.include.members(['住房公积金怎么提取', '转人工', '我的公积金账户被冻结了']);
    const taker = winner.agent;
    const bystander = taker === agent ? other : agent;
    expect((await platform.api.get(`/api/chat/live/${citizen.sessionId}`, bystander.token)).status).to.equal(403);

    // The citizen's page reads the agent joining.
    const lastSeen = waiting.body.messages.at(-1).id;
    const joined = await poll(citizen, lastSeen);
    expect(joined.body.live).to.include({ state: 'connected' });
    expect(joined.body.messages.at(-1).text).to.include('已接入');

    // Citizen → agent over the socket (to the agent who took it); agent → citizen on the page's next read.
    const takerEvents = taker === agent ? events : otherEvents;
    const bystanderEvents = taker === agent ? otherEvents : events;
    await citizen.say('账户冻结是因为什么？');
    const pushed = await waitFor('the citizen message on the agent socket', async () => takerEvents.find((e) => e.name === LIVE_EVENTS.message));
    expect(pushed.payload).to.deep.include({ sessionId: citizen.sessionId });
    expect(pushed.payload.message).to.include({ role: 'user', text: '账户冻结是因为什么？' });
    expect(bystanderEvents.filter((e) => e.name === LIVE_EVENTS.message)).to.deep.equal([]);
    const reply = await platform.api.post(`/api/chat/live/${citizen.sessionId}/messages`, { text: '您好，冻结多因账户信息待核实，请携带身份证到公积金中心办理。' }, taker.token);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    expect(reply.body).to.include({ role: 'agent' });
    const read = await poll(citizen, joined.body.messages.at(-1).id);
    expect(read.body.messages.map((m: any) => `${m.role}:${m.text}`)).to.deep.equal(['user:账户冻结是因为什么？', 'agent:您好，冻结多因账户信息待核实，请携带身份证到公积金中心办理。']);
    // Others cannot speak in it; an empty reply is refused with a clear message.
    expect((await platform.api.post(`/api/chat/live/${citizen.sessionId}/messages`, { text: '插话' }, bystander.token)).status).to.equal(403);
    const empty = await platform.api.post(`/api/chat/live/${citizen.sessionId}/messages`, { text: '   ' }, taker.token);
    expect(empty.status).to.equal(400);
    expect(JSON.stringify(empty.body)).to.include('消息不能为空');

    const ended = await platform.api.post(`/api/chat/live/${citizen.sessionId}/end`, undefined, taker.token);
    expect(ended.status).to.equal(200);
    const after = await poll(citizen, read.body.messages.at(-1).id);
    expect(after.body.live).to.include({ state: 'ended' });
    expect(after.body.messages.at(-1).text).to.include('已结束本次对话');
    // Back with the bot.
    const back = await citizen.say('居住证怎么办理');
    expect(back.body.messages.length, 'the bot answers again').to.be.greaterThan(0);
    expect(back.body.messages.every((m: any) => m.role === 'bot')).to.equal(true);
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', citizen.sessionId).execute();
    expect(audit.map((r) => r.action)).to.have.members(['chat.live_accepted', 'chat.live_ended']);
    await offline(agent);
    await offline(other);
  });

  it('with no agent free, 转人工 leads to the request that becomes a work order', async () => {
    const citizen = await startConversation(platform);
    const handoff = await citizen.say('转人工');
    expect(handoff.body.liveAgent).to.deep.equal({ available: false });
    const none = await live(citizen);
    expect(none.body.live).to.equal(null);
    expect(none.body.messages[0].text).to.include('目前没有空闲的人工客服');
    await citizen.ask('小区路灯坏了，幸福路8号');
    const taken = await citizen.ask('13812340001');
    expect(taken.kind).to.equal('request_taken');
    expect(taken.text).to.match(/编号 \d{19}/);
  });

  it('when nobody comes in time, or the citizen stops waiting, what they wrote becomes the request', async () => {
    const agent = await availableAgent(platform);
    const events = await consoleOf(agent, [LIVE_EVENTS.ended]);

    const timedOut = await startConversation(platform);
    await timedOut.say('转人工');
    const waiting = await live(timedOut);
    expect(waiting.body.live.state).to.equal('waiting');
    await timedOut.say('楼下餐馆油烟扰民，地址幸福路9号');
    // The expiry job's work, run now (the job itself runs LIVE_WAIT_SECONDS later); a stale wait is ignored.
    expect(await expireLiveWait(platform.ctx, { sessionId: timedOut.sessionId, requestedAt: '2000-01-01T00:00:00.000Z' })).to.equal(false);
    expect(await expireLiveWait(platform.ctx, { sessionId: timedOut.sessionId, requestedAt: waiting.body.live.requestedAt })).to.equal(true);
    const fellBack = await poll(timedOut);
    expect(fellBack.body.live).to.include({ state: 'ended' });
    expect(fellBack.body.messages.at(-1).text).to.include('等候时留下的内容已记下');
    await waitFor('the console to drop the chat', async () => events.find((e) => e.payload.sessionId === timedOut.sessionId && e.payload.by === 'timeout'));
    const taken = await timedOut.ask('13812340002');
    const number = /编号 (\d{19})/.exec(taken.text)?.[1];
    expect(number, taken.text).to.be.a('string');
    const ticket = await platform.ctx.db.selectFrom('tickets').select(['description', 'caller_phone_last_four']).where('number', '=', number!).executeTakeFirstOrThrow();
    expect(ticket.description).to.include('幸福路9号');
    expect(ticket.caller_phone_last_four).to.equal('0002');
    // Too late to take it.
    expect((await platform.api.post(`/api/chat/live/${timedOut.sessionId}/accept`, undefined, agent.token)).status).to.equal(409);

    const leaving = await startConversation(platform);
    await leaving.say('转人工');
    await live(leaving);
    const left = await live(leaving, '/leave');
    expect(left.body.live).to.include({ state: 'ended' });
    expect(left.body.messages[0].text).to.include('请描述您的诉求');
    expect((await platform.api.get('/api/chat/live', agent.token)).body.items.map((i: any) => i.sessionId)).to.not.include(leaving.sessionId);
    await offline(agent);
  });

  it('only agents and supervisors see live chats; a citizen needs the conversation token', async () => {
    const staff = await buildUser(platform.ctx.db, { role: 'department_staff' });
    const token = (await signIn(platform.api, staff)).accessToken;
    expect((await platform.api.get('/api/chat/live', token)).status).to.equal(403);
    const citizen = await startConversation(platform);
    const forged = await platform.api.request('POST', `/api/chat/sessions/${citizen.sessionId}/live`, { headers: { 'x-chat-token': 'guess' } });
    expect(forged.status).to.equal(401);
    const badAfter = await platform.api.request('GET', `/api/chat/sessions/${citizen.sessionId}?after=abc`, { headers: headersOf(citizen) });
    expect(badAfter.status).to.equal(400);
  });
});
