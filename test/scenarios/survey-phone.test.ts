/**
 * The callback survey by phone, through the carrier simulator and the real database: a reviewed ticket →
 * survey job → the citizen's phone rings, answered with 3 (不满意) and a spoken comment → the supervisor
 * reopens it to the department (reopen count +1) → the department replies again → review passes → a second
 * survey → 1 (满意) → the ticket closes, with one 办结告知 SMS.
 */
import { expect } from 'chai';
import type { TestPlatform } from '../support/platform.ts';
import type { World } from '../tickets/world.ts';
import { attemptsOf, callsTo, replyAndPass, reviewedTicket, startSurveyPlatform, surveysOf, ticketRow, waitFor } from '../surveys/support.ts';

describe('scenario: survey by phone, unsatisfied → reopened → satisfied → closed', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    ({ platform, world } = await startSurveyPlatform());
  });
  after(async () => platform?.stop());

  it('asks by phone, routes 不满意 to the supervisor, reopens, asks again and closes on 满意', async () => {
    const phone = '13900139001';
    const sim = platform.carrierSim!;
    sim.handsets.set(`+86${phone}`, { answer: 'auto', press: '3', leaveMessage: '电梯修好两天又坏了' });
    const ticket = await reviewedTicket(platform, world, { caller: { name: '李女士', phone } });

    // The plan job and the attempt job run; the citizen's phone is rung with machine detection on.
    const awaiting = await waitFor('the survey to wait for a decision', async () => {
      const [s] = await surveysOf(platform, ticket.id);
      return s?.state === 'awaiting_decision' && s.comment_recording_sid ? s : undefined;
    }, 20_000);
    expect(awaiting.outcome).to.equal('unsatisfied');
    expect(awaiting.answered_channel).to.equal('phone');
    expect(awaiting.round).to.equal(1);
    expect(awaiting.department_id).to.equal(world.departments.lead.id);
    const [firstCall] = callsTo(platform, `+86${phone}`);
    expect(firstCall, 'one outbound survey call').to.exist;
    const heard = firstCall!.steps.filter((s) => s.kind === 'heard').map((s) => (s as { text: string }).text).join(' ');
    expect(heard).to.contain('满意请按1，基本满意请按2，不满意请按3');
    expect(heard).to.contain('请在提示音后简要说明不满意的原因');
    const attempts = await attemptsOf(platform, awaiting.id);
    expect(attempts.map((a) => [a.attempt_no, a.channel, a.result])).to.deep.equal([[1, 'phone', 'unsatisfied']]);
    expect(attempts[0]!.answered_by).to.equal('human');
    expect(attempts[0]!.started_at).to.be.instanceOf(Date);
    // The ticket waits for the supervisor; no speech service in this test: the comment is kept, marked unavailable.
    expect((await ticketRow(platform, ticket.id)).state).to.equal('pending_survey');
    await waitFor('the comment transcription to be tried', async () => {
      const [s] = await surveysOf(platform, ticket.id);
      return s?.comment_transcript_status === 'unavailable' ? s : undefined;
    });

    // The supervisors' queue shows it; an agent may not decide.
    const queue = await platform.api.get('/api/surveys/queue?kind=unsatisfied', world.tokens.supervisor);
    expect(queue.status).to.equal(200);
    const item = queue.body.items.find((i: any) => i.ticketId === ticket.id);
    expect(item).to.deep.include({ outcome: 'unsatisfied', state: 'awaiting_decision', commentRecorded: true });
    expect(item.department.id).to.equal(world.departments.lead.id);
    expect(item.ticket.number).to.equal(ticket.number);
    expect((await platform.api.post(`/api/surveys/${awaiting.id}/reopen`, {}, world.tokens.agent)).status).to.equal(403);

    const reopened = await platform.api.post(`/api/surveys/${awaiting.id}/reopen`, { note: '居民反映电梯仍有故障，承办单位重办' }, world.tokens.supervisor);
    expect(reopened.status, JSON.stringify(reopened.body)).to.equal(200);
    expect(reopened.body.survey).to.include({ decision: 'reopened', state: 'completed' });
    let row = await ticketRow(platform, ticket.id);
    expect(row.state).to.equal('in_progress');
    expect(row.reopen_count).to.equal(1);
    expect(row.survey_result).to.equal('unsatisfied');
    // A second decision on the same survey is refused.
    expect((await platform.api.post(`/api/surveys/${awaiting.id}/close`, { note: '重复' }, world.tokens.supervisor2)).status).to.equal(409);

    // The department replies again; the review passes; the second survey asks and the citizen presses 1.
    sim.handsets.set(`+86${phone}`, { answer: 'auto', press: '1' });
    await replyAndPass(platform, world, ticket.id, ticket.assignmentId, false);
    const closed = await waitFor('the ticket to close after the second survey', async () => {
      const t = await ticketRow(platform, ticket.id);
      return t.state === 'closed' ? t : undefined;
    }, 20_000);
    expect(closed.survey_result).to.equal('satisfied');
    expect(closed.closure).to.equal('handled');
    const surveys = await surveysOf(platform, ticket.id);
    expect(surveys.map((s) => [s.round, s.outcome, s.state])).to.deep.equal([
      [1, 'unsatisfied', 'completed'],
      [2, 'satisfied', 'completed'],
    ]);
    expect(surveys[1]!.ticket_settled_at).to.be.instanceOf(Date);
    expect(callsTo(platform, `+86${phone}`)).to.have.length(2);

    // The ticket's trail: surveyed (unsatisfied → in progress), then surveyed again (→ closed).
    const detail = await platform.api.get(`/api/tickets/${ticket.id}`, world.tokens.supervisor);
    const trail = detail.body.events.map((e: any) => [e.action, e.fromState, e.toState]);
    expect(trail.filter((e: string[]) => e[0] === 'recordSurvey')).to.deep.equal([
      ['recordSurvey', 'pending_survey', 'in_progress'],
      ['recordSurvey', 'pending_survey', 'closed'],
    ]);

    // Survey results per ticket, for the ticket page; the department sees its own ticket's results too.
    const results = await platform.api.get(`/api/tickets/${ticket.id}/surveys`, world.tokens.leadClerk);
    expect(results.status).to.equal(200);
    expect(results.body.items.map((s: any) => s.outcomeLabel)).to.deep.equal(['不满意', '满意']);
    expect(results.body.items[0].attempts[0]).to.include({ channel: 'phone', result: 'unsatisfied' });
    expect((await platform.api.get(`/api/tickets/${ticket.id}/surveys`, world.tokens.otherClerk)).status).to.equal(404);

    // 办结告知: exactly one, from the closing (the tickets module sends it; the survey adds none).
    await new Promise((r) => setTimeout(r, 1500));
    const closing = sim.messages().filter((m) => m.to.endsWith(phone) && m.body.includes('已办结'));
    expect(closing).to.have.length(1);

    // Figures: one satisfied and one unsatisfied answer for the lead department; one surveyed closure.
    const figures = await platform.api.get('/api/surveys/figures', world.tokens.supervisor);
    expect(figures.status).to.equal(200);
    const dept = figures.body.departments.find((d: any) => d.id === world.departments.lead.id);
    expect(dept).to.include({ finished: 2, answered: 2, satisfied: 1, unsatisfied: 1, satisfactionRate: 0.5, closed: 1, surveyed: 1, surveyRate: 1 });
    const mine = await platform.api.get('/api/surveys/figures', world.tokens.otherClerk);
    expect(mine.status).to.equal(200);
    expect(mine.body.departments.every((d: any) => d.id === world.departments.other.id)).to.equal(true);
  });

  it('hangs up on an answering machine and calls again later', async () => {
    const phone = '13900139002';
    platform.carrierSim!.handsets.set(`+86${phone}`, { answer: 'machine' });
    const ticket = await reviewedTicket(platform, world, { caller: { name: '王先生', phone } });
    const survey = await waitFor('two attempts', async () => {
      const [s] = await surveysOf(platform, ticket.id);
      if (!s) return undefined;
      const attempts = await attemptsOf(platform, s.id);
      return attempts.filter((a) => a.ended_at).length >= 2 ? { s, attempts } : undefined;
    }, 20_000);
    expect(survey.attempts[0]).to.include({ channel: 'phone', status: 'machine', answered_by: 'machine_start' });
    const first = callsTo(platform, `+86${phone}`)[0]!;
    expect(first.steps.some((s) => s.kind === 'heard' && (s as { text: string }).text.includes('满意请按1')), 'a machine hears no survey').to.equal(false);
  });
});
