import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, waitForMessages, type World } from './world.ts';

describe('work orders: the lifecycle through the HTTP API', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
  });
  after(async () => platform?.stop());

  const post = (path: string, body: unknown, token: string) => platform.api.post(path, body, token);
  const get = (path: string, token: string) => platform.api.get(path, token);

  async function register(body: Record<string, unknown> = {}) {
    const res = await post('/api/tickets', complaint(body), world.tokens.agent);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }

  it('register → dispatch (lead + assist) → sign → extension → reply → reject → reply → pass → survey → closed', async () => {
    const { departments: d, tokens } = world;
    const created = await register();
    expect(created.number).to.match(/^12345\d{8}\d{6}$/);
    expect(created.state).to.equal('pending_dispatch');
    expect(created.caller).to.deep.include({ name: '张先生', phoneMasked: '138****8000' });
    expect(JSON.stringify(created)).not.to.contain('13800138000');
    expect(created.abilities.dispatch).to.equal(true);

    let t = (await post(`/api/tickets/${created.id}/dispatch`, { leadDepartmentId: d.lead.id, assistDepartmentIds: [d.assist.id], expectedVersion: created.version }, tokens.agent)).body;
    expect(t.state).to.equal('dispatched');
    expect(t.assignments.map((a: any) => [a.department.id, a.role, a.state])).to.deep.equal([
      [d.lead.id, 'lead', 'dispatched'],
      [d.assist.id, 'assist', 'dispatched'],
    ]);
    const lead = t.assignments[0];
    const assist = t.assignments[1];
    expect(new Date(lead.handleBy) > new Date(lead.signBy)).to.equal(true);

    // The assisting department signing does not move the ticket; the lead's does.
    t = (await post(`/api/assignments/${assist.id}/sign`, {}, tokens.assistClerk)).body;
    expect(t.state).to.equal('dispatched');
    t = (await post(`/api/assignments/${lead.id}/sign`, { note: '已收到' }, tokens.leadClerk)).body;
    expect(t.state).to.equal('in_progress');
    const signed = t.assignments.find((a: any) => a.id === lead.id);
    expect(signed.state).to.equal('signed');
    expect(signed.abilities).to.include({ reply: true, requestExtension: true, subDispatch: true, sign: false });

    const until = new Date(new Date(signed.handleBy).getTime() + 3 * 86_400_000).toISOString();
    t = (await post(`/api/assignments/${lead.id}/request-extension`, { until, reason: '需协调电梯维保单位，配件采购周期长' }, tokens.leadClerk)).body;
    expect(t.state).to.equal('extension_review');
    t = (await post(`/api/tickets/${t.id}/approve-extension`, { note: '同意' }, tokens.supervisor)).body;
    expect(t.state).to.equal('in_progress');
    const extended = t.assignments.find((a: any) => a.id === lead.id);
    expect(extended.handleBy).to.equal(new Date(until).toISOString());
    expect(extended.extensionCount).to.equal(1);

    t = (await post(`/api/assignments/${lead.id}/reply`, { reply: '已约谈物业，电梯将于本周五前修复。' }, tokens.leadClerk)).body;
    expect(t.state).to.equal('reply_review');
    t = (await post(`/api/tickets/${t.id}/reject-review`, { note: '未说明维修结果，请核实后再复' }, tokens.supervisor)).body;
    expect(t.state).to.equal('in_progress');
    expect(t.reopenCount).to.equal(1);
    expect(t.assignments.find((a: any) => a.id === lead.id).state).to.equal('signed');

    t = (await post(`/api/assignments/${lead.id}/reply`, { reply: '电梯已于周四修复并通过检测，已回访业主。' }, tokens.leadClerk)).body;
    t = (await post(`/api/tickets/${t.id}/pass-review`, {}, tokens.supervisor)).body;
    expect(t.state, 'complaints always go to survey').to.equal('pending_survey');
    t = (await post(`/api/tickets/${t.id}/record-survey`, { result: 'satisfied' }, tokens.agent)).body;
    expect(t.state).to.equal('closed');
    expect(t.closure).to.equal('handled');
    expect(t.surveyResult).to.equal('satisfied');
    expect(t.assignments.map((a: any) => a.state)).to.deep.equal(['done', 'withdrawn']);

    // The whole trail, in order, with who and from/to.
    const trail = t.events.map((e: any) => [e.action, e.fromState, e.toState]);
    expect(trail).to.deep.equal([
      ['register', null, 'registering'],
      ['submit', 'registering', 'pending_dispatch'],
      ['dispatch', 'pending_dispatch', 'dispatched'],
      ['sign', 'dispatched', 'dispatched'],
      ['sign', 'dispatched', 'in_progress'],
      ['requestExtension', 'in_progress', 'extension_review'],
      ['approveExtension', 'extension_review', 'in_progress'],
      ['reply', 'in_progress', 'reply_review'],
      ['rejectReview', 'reply_review', 'in_progress'],
      ['reply', 'in_progress', 'reply_review'],
      ['passReview', 'reply_review', 'pending_survey'],
      ['recordSurvey', 'pending_survey', 'closed'],
    ]);
    const rejectEvent = t.events.find((e: any) => e.action === 'rejectReview');
    expect(rejectEvent.actor.id).to.equal(world.people.supervisor.id);
    expect(rejectEvent.note).to.contain('未说明维修结果');
    expect(t.events.every((e: any) => e.actor.name && e.at)).to.equal(true);

    // Each step also wrote its audit row.
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', t.id).orderBy('id').execute();
    expect(audit.map((r) => r.action)).to.include.members(['ticket.registered', 'ticket.dispatched', 'assignment.signed', 'assignment.extension_approved', 'ticket.review_rejected', 'ticket.review_passed', 'ticket.surveyed']);

    // The caller got the number at registration and 办结告知 at the end.
    const texts = await waitForMessages(platform, (m) => m.to.endsWith('13800138000'), 2);
    expect(texts[0]!.body).to.contain(t.number);
    expect(texts.some((m) => m.body.includes('已办结'))).to.equal(true);
  });

  it('a department returns the order and the hotline re-dispatches it (改派)', async () => {
    const { departments: d, tokens } = world;
    const created = await register({ disposition: 'dispatch', dispatch: { leadDepartmentId: d.other.id } });
    expect(created.state).to.equal('dispatched');
    const first = created.assignments[0];
    let t = (await post(`/api/assignments/${first.id}/return`, { reason: '电梯维修监管不属于教育局职责' }, tokens.otherClerk)).body;
    expect(t.state).to.equal('return_review');
    const refused = await post(`/api/tickets/${t.id}/approve-return`, {}, tokens.supervisor);
    expect(refused.status, 'a returned lead needs a new lead').to.equal(400);
    t = (await post(`/api/tickets/${t.id}/approve-return`, { newLeadDepartmentId: d.lead.id, note: '改派住建局' }, tokens.supervisor)).body;
    expect(t.state).to.equal('dispatched');
    expect(t.assignments.map((a: any) => [a.department.id, a.role, a.state])).to.deep.equal([
      [d.other.id, 'lead', 'returned'],
      [d.lead.id, 'lead', 'dispatched'],
    ]);
    // The department that returned it can still read its history but no longer act.
    const seen = await get(`/api/tickets/${t.id}`, tokens.otherClerk);
    expect(seen.status).to.equal(200);
    expect(seen.body.assignments[0].abilities.sign).to.equal(false);
    // A return refused goes back to where it was.
    const again = t.assignments[1];
    t = (await post(`/api/assignments/${again.id}/return`, { reason: '请转街道' }, tokens.leadClerk)).body;
    t = (await post(`/api/tickets/${t.id}/reject-return`, { note: '物业监管属住建职责，请办理' }, tokens.supervisor)).body;
    expect(t.state).to.equal('dispatched');
    expect(t.assignments[1].state).to.equal('dispatched');
  });

  it('a department passes work down to its sub-unit; the parent waits and resumes when the child reply passes', async () => {
    const { departments: d, tokens } = world;
    const created = await register({ disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    const a = created.assignments[0];
    await post(`/api/assignments/${a.id}/sign`, {}, tokens.leadClerk);
    const notUnit = await post(`/api/assignments/${a.id}/sub-dispatch`, { subUnitDepartmentId: d.assist.id }, tokens.leadClerk);
    expect(notUnit.status).to.equal(400);
    let parent = (await post(`/api/assignments/${a.id}/sub-dispatch`, { subUnitDepartmentId: d.subUnit.id, note: '请物业科现场核查' }, tokens.leadClerk)).body;
    expect(parent.assignments[0].state).to.equal('waiting_child');
    expect(parent.children).to.have.length(1);
    expect(parent.assignments[0].abilities.reply, 'the parent waits').to.equal(false);
    const childId = parent.children[0].id;

    // The sub-unit sees the child (not the parent) and works it.
    expect((await get(`/api/tickets/${parent.id}`, tokens.subUnitClerk)).status).to.equal(404);
    let child = (await get(`/api/tickets/${childId}`, tokens.subUnitClerk)).body;
    expect(child.state).to.equal('dispatched');
    expect(child.parentTicketId).to.equal(parent.id);
    expect(new Date(child.assignments[0].handleBy) <= new Date(parent.assignments[0].handleBy)).to.equal(true);
    const ca = child.assignments[0];
    await post(`/api/assignments/${ca.id}/sign`, {}, tokens.subUnitClerk);
    child = (await post(`/api/assignments/${ca.id}/reply`, { reply: '现场核查：电梯控制板损坏，已督促物业更换。' }, tokens.subUnitClerk)).body;
    expect(child.state).to.equal('reply_review');
    // The department that passed it down reviews it; another department cannot.
    expect((await post(`/api/tickets/${childId}/pass-review`, {}, tokens.otherClerk)).status).to.equal(404);
    child = (await post(`/api/tickets/${childId}/pass-review`, {}, tokens.leadClerk)).body;
    expect(child.state).to.equal('closed');

    parent = (await get(`/api/tickets/${parent.id}`, tokens.leadClerk)).body;
    expect(parent.assignments[0].state).to.equal('signed');
    const resumed = parent.events.find((e: any) => e.action === 'childReplied');
    expect(resumed.note).to.contain('控制板');
    parent = (await post(`/api/assignments/${a.id}/reply`, { reply: '已由物业科督促更换控制板，电梯恢复运行。' }, tokens.leadClerk)).body;
    expect(parent.state).to.equal('reply_review');
  });

  it('duplicates are suggested by caller and by text, and a merged ticket follows its master', async () => {
    const { tokens } = world;
    const master = await register({ caller: { name: '李女士', phone: '13912345678' } });
    const dupByCaller = await register({ title: '电梯又坏了', description: '还是幸福里3号楼电梯的问题，至今没人修。', caller: { name: '李女士', phone: '+86 139-1234-5678' } });
    const dupByText = await register({ caller: { name: '王先生', phone: '13700001111' } });
    const unrelated = await register({ title: '学校门口占道经营', description: '实验小学门口早上有流动摊贩占道，影响学生上学安全。', district: '西湖区', caller: { name: '赵先生', phone: '13600002222' } });

    const candidates = (await get(`/api/tickets/${dupByCaller.id}/merge-candidates`, tokens.agent)).body.items;
    const byId = new Map(candidates.map((c: any) => [c.id, c]));
    expect((byId.get(master.id) as any)?.sameCaller).to.equal(true);
    expect(byId.has(unrelated.id)).to.equal(false);
    const textual = (await get(`/api/tickets/${dupByText.id}/merge-candidates`, tokens.agent)).body.items;
    const similar = textual.find((c: any) => c.id === master.id);
    expect(similar, 'same text nearby').to.not.equal(undefined);
    expect(similar.sameCaller).to.equal(false);
    expect(similar.similarity).to.be.greaterThan(0.5);

    let merged = (await post(`/api/tickets/${dupByCaller.id}/merge`, { masterTicketId: master.id }, tokens.agent)).body;
    expect(merged.state).to.equal('merged');
    expect(merged.master).to.deep.include({ id: master.id, number: master.number });
    // Merging the master elsewhere carries its duplicates along: no chains.
    await post(`/api/tickets/${master.id}/merge`, { masterTicketId: dupByText.id }, tokens.agent);
    merged = (await get(`/api/tickets/${dupByCaller.id}`, tokens.agent)).body;
    expect(merged.masterTicketId).to.equal(dupByText.id);
    const masterView = (await get(`/api/tickets/${dupByText.id}`, tokens.agent)).body;
    expect(masterView.merged.map((m: any) => m.id).sort()).to.deep.equal([master.id, dupByCaller.id].sort());
    const intoMerged = await post(`/api/tickets/${unrelated.id}/merge`, { masterTicketId: master.id }, tokens.agent);
    expect(intoMerged.status).to.equal(400);
  });

  it('two reviewers pass the same reply at once: one wins, the other gets 409', async () => {
    const { departments: d, tokens } = world;
    const created = await register({ type: 'consult', disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    const a = created.assignments[0];
    await post(`/api/assignments/${a.id}/sign`, {}, tokens.leadClerk);
    const replied = (await post(`/api/assignments/${a.id}/reply`, { reply: '已答复来电人。' }, tokens.leadClerk)).body;
    const [one, two] = await Promise.all([
      post(`/api/tickets/${replied.id}/pass-review`, { expectedVersion: replied.version, survey: false }, tokens.supervisor),
      post(`/api/tickets/${replied.id}/pass-review`, { expectedVersion: replied.version, survey: false }, tokens.supervisor2),
    ]);
    expect([one.status, two.status].sort()).to.deep.equal([200, 409]);
    const loser = one.status === 409 ? one : two;
    expect(loser.body.error.code).to.equal('CONFLICT');
    const final = (await get(`/api/tickets/${replied.id}`, tokens.supervisor)).body;
    expect(final.state).to.equal('closed');
    expect(final.events.filter((e: any) => e.action === 'passReview')).to.have.length(1);

    // Without expectedVersion the row lock serialises them and the second finds nothing left to pass.
    const second = await register({ type: 'consult', disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    await post(`/api/assignments/${second.assignments[0].id}/sign`, {}, tokens.leadClerk);
    await post(`/api/assignments/${second.assignments[0].id}/reply`, { reply: '已答复。' }, tokens.leadClerk);
    const both = await Promise.all([
      post(`/api/tickets/${second.id}/reject-review`, { note: '请补充' }, tokens.supervisor),
      post(`/api/tickets/${second.id}/pass-review`, { survey: false }, tokens.supervisor2),
    ]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([200, 409]);
  });

  it('closes at registration: resolved on the call, transferred to 110, informed', async () => {
    const onCall = await register({ type: 'consult', disposition: 'resolveOnCall', resolution: '已告知社保卡补办流程。' });
    expect([onCall.state, onCall.closure]).to.deep.equal(['closed', 'resolved_on_call']);
    const transferred = await register({ type: 'help', disposition: 'transfer', transferredTo: '110', resolution: '来电人称遭遇入室盗窃，已一键转110' });
    expect([transferred.state, transferred.closure, transferred.transferredTo]).to.deep.equal(['closed', 'transferred', '110']);
    const informed = await register({ type: 'consult', disposition: 'inform', resolution: '属法院职责，已告知来电人向法院咨询。' });
    expect([informed.state, informed.closure]).to.deep.equal(['closed', 'informed']);
    expect(informed.events.map((e: any) => e.action)).to.deep.equal(['register', 'inform']);
    // A closed ticket can be reopened into dispatch when it never had a department.
    const reopened = (await post(`/api/tickets/${informed.id}/reopen`, { note: '来电人再次来电，要求派单' }, world.tokens.supervisor)).body;
    expect([reopened.state, reopened.reopenCount]).to.deep.equal(['pending_dispatch', 1]);
  });

  it('every route is in the OpenAPI document', async () => {
    const doc = (await platform.api.get('/api/openapi.json')).body;
    for (const path of ['/api/tickets', '/api/tickets/{id}', '/api/tickets/{id}/dispatch', '/api/tickets/{id}/pass-review', '/api/tickets/{id}/reveal-phone',
      '/api/tickets/{id}/merge-candidates', '/api/tickets/catalogue', '/api/assignments', '/api/assignments/{id}/request-extension',
      '/api/assignments/{id}/sub-dispatch', '/api/supervision/board', '/api/admin/deadlines', '/api/admin/calendar-overrides/{date}', '/api/notifications']) {
      expect(doc.paths, path).to.have.property(path);
    }
    const catalogue = (await platform.api.get('/api/tickets/catalogue', world.tokens.agent)).body.items;
    const property = catalogue.find((c: any) => c.code === 'urban').children.find((c: any) => c.code === 'urban.property');
    expect(property.name).to.equal('物业管理');
  });
});
