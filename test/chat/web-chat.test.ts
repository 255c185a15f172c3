import { expect } from 'chai';
import { answerSpokenQuestion } from '../../server/src/modules/chat/index.ts';
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { startConversation } from './support.ts';

describe('chatbot on the web: memory, choices, 转人工, status, feedback, gaps', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let supervisorToken: string;

  before(async () => {
    platform = await startTestPlatform();
    supervisorToken = (await signIn(platform.api, await buildUser(platform.ctx.db, { role: 'supervisor' }))).accessToken;
  });
  after(async () => {
    await platform?.stop();
  });

  it('greets, answers, and stores the conversation', async () => {
    const citizen = await startConversation(platform);
    expect(citizen.greeting.text).to.include('转人工');
    const reply = await citizen.ask('住房公积金怎么提取');
    expect(reply.kind).to.equal('answer');
    expect(reply.text).to.include('提取住房公积金');
    const history = await platform.api.request('GET', `/api/chat/sessions/${citizen.sessionId}`, { headers: { 'x-chat-token': citizen.token } });
    expect(history.body.messages.map((m: any) => m.role)).to.deep.equal(['bot', 'user', 'bot']);
    expect(history.body.outcome).to.equal('answered');
    // Without the token the conversation is closed to others.
    expect((await platform.api.request('GET', `/api/chat/sessions/${citizen.sessionId}`, { headers: { 'x-chat-token': 'guess' } })).status).to.equal(401);
    expect((await platform.api.request('POST', `/api/chat/sessions/${citizen.sessionId}/messages`, { body: { text: 'hi' } })).status).to.equal(401);
  });

  it('remembers the topic: a follow-up without a subject is read with the previous question', async () => {
    const citizen = await startConversation(platform);
    expect((await citizen.ask('公积金贷款额度是多少')).text).to.include('贷款额度');
    const followUp = await citizen.ask('那需要什么材料');
    expect(followUp.kind).to.equal('answer');
    expect(followUp.text).to.include('购房合同'); // gongjijin-009, the loan's materials
    // A fresh conversation has no topic, so the same words are not answered as the loan's materials.
    const fresh = await startConversation(platform);
    expect((await fresh.ask('那需要什么材料')).text).to.not.include('购房合同');
    // A question that names its own subject is not bent towards the old topic.
    const own = await citizen.ask('户口迁移需要什么材料');
    expect(own.text).to.include('户口');
  });

  it('asks about the one entry that fits a described situation, and answers on a yes', async () => {
    const citizen = await startConversation(platform);
    const asked = await citizen.ask('晚上楼下工地施工太吵了');
    expect(asked.kind).to.equal('choices');
    expect(asked.choices!.map((c) => c.question)).to.deep.equal(['晚上施工噪音扰民怎么投诉？']);
    expect(asked.text).to.equal('您是想问“晚上施工噪音扰民怎么投诉？”吗？回复“1”或“是”查看答案；不是的话可以换个说法，或回复“转人工”。');
    const yes = await citizen.ask('是的');
    expect(yes.kind).to.equal('answer');
    expect(yes.text).to.include('夜间施工');
    // The curators see the question as a phrasing the entry lacks, picked by the citizen: one row, not two.
    const rows = await platform.ctx.db.selectFrom('kb_gaps').select(['reason']).where('session_id', '=', citizen.sessionId).execute();
    expect(rows).to.deep.equal([{ reason: 'offer_taken' }]);
    const gaps = await platform.api.get('/api/knowledge/gaps', supervisorToken);
    const picked = gaps.body.items.find((g: any) => g.examples.includes('晚上楼下工地施工太吵了'));
    expect(picked.reasons).to.include('offer_taken');
    expect(picked.bestEntry.code).to.equal('chengguan-001');
    // One click makes it a phrasing of the entry: a new draft version (the published one stays live), audited.
    const adopted = await platform.api.post(`/api/knowledge/entries/${picked.bestEntry.id}/adopt-phrasings`, undefined, supervisorToken);
    expect(adopted.status, JSON.stringify(adopted.body)).to.equal(200);
    expect(adopted.body.added).to.equal(1);
    expect(adopted.body.entry.state).to.equal('draft');
    expect(adopted.body.entry.versions[0].alternates).to.include('晚上楼下工地施工太吵了');
    expect(adopted.body.entry.versions[0].note).to.equal('市民问法 1 条（来自未答好的问题）');
    const audit = await platform.ctx.db.selectFrom('audit_log').select(['data']).where('action', '=', 'knowledge.phrasings_adopted').where('entity_id', '=', picked.bestEntry.id).executeTakeFirstOrThrow();
    expect(audit.data).to.include({ code: 'chengguan-001', added: 1, resolved: 1 });
    expect((await platform.ctx.db.selectFrom('kb_gaps').select(['resolved_at']).where('session_id', '=', citizen.sessionId).executeTakeFirstOrThrow()).resolved_at).to.not.equal(null);
    // Nothing left to add: no new version.
    const again = await platform.api.post(`/api/knowledge/entries/${picked.bestEntry.id}/adopt-phrasings`, undefined, supervisorToken);
    expect(again.body.added).to.equal(0);
    expect(again.body.entry.versions).to.have.length(adopted.body.entry.versions.length);
    // An agent is not a curator.
    const agentToken = (await signIn(platform.api, await buildUser(platform.ctx.db, { role: 'agent' }))).accessToken;
    expect((await platform.api.post(`/api/knowledge/entries/${picked.bestEntry.id}/adopt-phrasings`, undefined, agentToken)).status).to.equal(403);
    // Anything else is read as a new question, and the offer's gap stays as it was.
    const other = await startConversation(platform);
    await other.ask('晚上楼下工地施工太吵了');
    expect((await other.ask('电费怎么交')).text).to.include('电费');
    const otherRows = await platform.ctx.db.selectFrom('kb_gaps').select(['reason']).where('session_id', '=', other.sessionId).execute();
    expect(otherRows).to.deep.equal([{ reason: 'low_confidence' }]);

    // Published, the phrasing is the entry's own: the next citizen who puts it so is answered at once.
    const published = await platform.api.post(`/api/knowledge/entries/${picked.bestEntry.id}/publish`, {}, supervisorToken);
    expect(published.status, JSON.stringify(published.body)).to.equal(200);
    let next = { kind: '' };
    for (const deadline = Date.now() + 5_000; next.kind !== 'answer' && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      next = await (await startConversation(platform)).ask('晚上楼下工地施工太吵了');
    }
    expect(next.kind, 'answered once the live index has the new version').to.equal('answer');
  });

  it('asks which one when several answers fit, and takes "2" or "第二个" as the answer', async () => {
    const citizen = await startConversation(platform);
    const choices = await citizen.ask('身份证');
    expect(choices.kind).to.equal('choices');
    expect(choices.choices!.length).to.be.within(2, 3);
    expect(choices.text).to.match(/1\. .*身份证/);
    const second = choices.choices![1]!.question;
    const chosen = await citizen.ask('2');
    expect(chosen.kind).to.equal('answer');
    const entries = await platform.ctx.db
      .selectFrom('chat_messages')
      .innerJoin('kb_entry_versions as v', 'v.entry_id', 'chat_messages.entry_id')
      .select('v.question')
      .where('chat_messages.id', '=', chosen.id)
      .executeTakeFirstOrThrow();
    expect(entries.question).to.equal(second);

    const again = await citizen.ask('公基金怎么提取'); // homophone typo: middle confidence → choices
    expect(again.kind).to.equal('choices');
    const spoken = await citizen.ask('第一个');
    expect(spoken.kind).to.equal('answer');
    expect(spoken.text).to.include('公积金');
    // Something that is not a number on the list is read as a new question.
    await citizen.ask('身份证');
    expect((await citizen.ask('护照过期了怎么换')).text).to.include('护照');
  });

  it('转人工 at any time: the request left becomes a work order, and its status can be asked with the last four digits', async () => {
    const citizen = await startConversation(platform);
    await citizen.ask('身份证'); // in the middle of a choice
    const handoff = await citizen.ask('转人工');
    expect(handoff.kind).to.equal('request_prompt');
    expect(handoff.outcome).to.equal('handoff');
    const askPhone = await citizen.ask('小区门口烧烤摊油烟很大，地址幸福路8号');
    expect(askPhone.text).to.include('联系电话');
    const taken = await citizen.ask('13812345678');
    expect(taken.kind).to.equal('request_taken');
    const number = /编号 (\d{19})/.exec(taken.text)?.[1];
    expect(number, taken.text).to.be.a('string');
    const ticket = await platform.ctx.db.selectFrom('tickets').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    expect(ticket).to.include({ channel: 'chat', state: 'pending_dispatch', caller_phone_last_four: '5678' });
    expect(ticket.description).to.include('幸福路8号');
    const request = await platform.ctx.db.selectFrom('chat_requests').selectAll().where('session_id', '=', citizen.sessionId).executeTakeFirstOrThrow();
    expect(request).to.include({ status: 'ticketed', ticket_number: number });

    // Status: number and last four in one message, or in two steps; a wrong last four reveals nothing.
    const other = await startConversation(platform);
    expect((await other.ask(`查询工单 ${number} 5678`)).text).to.include('已受理，正在转交承办单位');
    expect((await other.ask(`${number} 0000`)).text).to.include('没有找到');
    expect((await other.ask('工单进度')).kind).to.equal('status_prompt');
    expect((await other.ask(number!)).text).to.include('后四位');
    expect((await other.ask('5678')).text).to.include(number!);
    // Guessing the last four is cut off after a few tries.
    for (let i = 0; i < 5; i++) await other.ask(`${number} ${String(1000 + i)}`);
    expect((await other.ask(`${number} 5678`)).text).to.include('次数过多');

    // Supervisors see the request and the conversation.
    const requests = await platform.api.get('/api/chat/requests', supervisorToken);
    expect(requests.body.items.map((r: any) => r.ticketNumber)).to.include(number);
    const conversation = await platform.api.get(`/api/chat/conversations/${citizen.sessionId}`, supervisorToken);
    expect(conversation.body.outcome).to.equal('request_left');
  });

  it('"取消" leaves the request flow, and a request without a phone is still filed', async () => {
    const citizen = await startConversation(platform);
    await citizen.ask('人工客服');
    expect((await citizen.ask('取消')).kind).to.equal('cancelled');
    expect((await citizen.ask('住房公积金怎么提取')).kind).to.equal('answer');
    await citizen.ask('转人工');
    await citizen.ask('路灯坏了');
    const filed = await citizen.ask('不留');
    expect(filed.kind).to.equal('request_taken');
  });

  it('takes "was this helpful?" feedback; unhelpful answers and unanswered questions reach the curators, grouped and counted', async () => {
    const citizen = await startConversation(platform);
    const answer = await citizen.ask('电费怎么交');
    expect((await citizen.feedback(answer.id, true)).body.helpful).to.equal(true);
    expect((await citizen.feedback(answer.id, false)).status).to.equal(200);
    const stored = await platform.ctx.db.selectFrom('chat_messages').select(['helpful']).where('id', '=', answer.id).executeTakeFirstOrThrow();
    expect(stored.helpful).to.equal(false);
    // Feedback is for answers only.
    expect((await citizen.feedback(citizen.greeting.id, true)).status).to.equal(404);

    for (const text of ['火星上能种土豆吗', '火星上能种土豆吗？', '火星上 能种土豆吗']) await (await startConversation(platform)).ask(text);
    await (await startConversation(platform)).ask('公基金怎么提取');
    const gaps = await platform.api.get('/api/knowledge/gaps', supervisorToken);
    expect(gaps.status).to.equal(200);
    const mars = gaps.body.items.find((g: any) => g.examples.some((e: string) => e.includes('火星上')));
    expect(mars.count).to.equal(3);
    expect(mars.reasons).to.deep.equal(['unanswered']);
    const unhelpful = gaps.body.items.find((g: any) => g.reasons.includes('unhelpful'));
    expect(unhelpful.bestEntry.code).to.equal('gongdian-002');
    const lowConfidence = gaps.body.items.find((g: any) => g.examples.includes('公基金怎么提取'));
    expect(lowConfidence.reasons).to.include('low_confidence');
    expect(lowConfidence.bestEntry.code).to.equal('gongjijin-001');

    const resolved = await platform.api.request('POST', '/api/knowledge/gaps/resolve', { token: supervisorToken, body: { key: mars.key } });
    expect(resolved.body.resolved).to.equal(3);
    const after = await platform.api.get('/api/knowledge/gaps', supervisorToken);
    expect(after.body.items.find((g: any) => g.key === mars.key)).to.equal(undefined);
    const agentToken = (await signIn(platform.api, await buildUser(platform.ctx.db, { role: 'agent' }))).accessToken;
    expect((await platform.api.get('/api/knowledge/gaps', agentToken)).status).to.equal(403);
  });

  it('answers the phone’s voice bot: answered, ambiguous with spoken choices, handoff', async () => {
    const callId = 'call-test-1';
    const answered = await answerSpokenQuestion(platform.ctx, { callId, text: '居住证怎么办理', language: 'zh-CN' });
    expect(answered.outcome).to.equal('answered');
    expect(answered.say).to.include('居住证');
    const ambiguous = await answerSpokenQuestion(platform.ctx, { callId, text: '护照', language: 'zh-CN' });
    expect(ambiguous.outcome).to.equal('ambiguous');
    expect(ambiguous.say).to.include('第1');
    const picked = await answerSpokenQuestion(platform.ctx, { callId, text: '第二个', language: 'zh-CN' });
    expect(picked.outcome).to.equal('answered');
    expect(picked.sessionId).to.equal(answered.sessionId);
    const silence = await answerSpokenQuestion(platform.ctx, { callId, text: '', language: 'zh-CN' });
    expect(silence.outcome).to.equal('ambiguous');
    expect((await answerSpokenQuestion(platform.ctx, { callId, text: '我要转人工', language: 'zh-CN' })).outcome).to.equal('handoff');
    // A described situation: the one entry that fits is asked about aloud, and a spoken yes answers it.
    const described = await answerSpokenQuestion(platform.ctx, { callId: 'call-test-3', text: '楼下烧烤店的油烟天天往我家飘', language: 'zh-CN' });
    expect(described.outcome).to.equal('ambiguous');
    expect(described.say).to.equal('您是想问店铺油烟扰民怎么办吗？是的话请说“是”。');
    const confirmed = await answerSpokenQuestion(platform.ctx, { callId: 'call-test-3', text: '是', language: 'zh-CN' });
    expect(confirmed.outcome).to.equal('answered');
    expect(confirmed.say).to.include('说明店铺名称和地址');
    const unknown = await answerSpokenQuestion(platform.ctx, { callId: 'call-test-2', text: '火星上能种土豆吗', language: 'zh-CN' });
    expect(unknown.outcome).to.equal('handoff');
    expect(unknown.say).to.include('转接人工');
  });
});
