/**
 * When and how often a survey calls: a job due at 21:00 waits until 08:00 of the next calling day (without
 * calling), and an attempt job that runs again — concurrently, retried, or enqueued twice — never calls twice.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import { addJob } from '../../server/src/platform/jobs.ts';
import { defaultSurveyPolicy } from '../../server/src/modules/surveys/index.ts';
import { runAttempt } from '../../server/src/modules/surveys/surveys.service.ts';
import type { TestPlatform } from '../support/platform.ts';
import type { World } from '../tickets/world.ts';
import { attemptsOf, callsTo, fastPolicy, reviewedTicket, setPolicy, startSurveyPlatform, surveysOf, ticketRow, waitFor } from '../surveys/support.ts';

describe('scenario: survey scheduling and exactly-once attempts', function () {
  this.timeout(90_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    ({ platform, world } = await startSurveyPlatform());
  });
  after(async () => platform?.stop());

  async function scheduledSurvey(phone: string) {
    const ticket = await reviewedTicket(platform, world, { caller: { name: '孙先生', phone } });
    const survey = await waitFor('the survey to be scheduled', async () => {
      const [s] = await surveysOf(platform, ticket.id);
      return s?.state === 'scheduled' ? s : undefined;
    });
    return { ticket, survey };
  }

  async function pendingJob(surveyId: string) {
    const rows = await sql<{ run_at: Date; payload: { attemptNo: number } }>`
      select run_at, payload from graphile_worker._private_jobs where key = ${`surveys.attempt:${surveyId}`}`.execute(platform.ctx.db);
    return rows.rows[0];
  }

  it('defers a job due at 21:00 to 08:00 of the next calling day, and Friday night to Monday', async () => {
    // The hotline's defaults: 08:00–20:00 on working days, the next working day after review.
    await setPolicy(platform, world, defaultSurveyPolicy);
    try {
      const phone = '13900139021';
      const { survey } = await scheduledSurvey(phone);
      // Planned for the next working day (today is whatever day the test runs; it is in the future).
      expect(survey.next_attempt_at!.getTime()).to.be.greaterThan(Date.now());

      const wednesdayNight = new Date('2030-03-06T21:00:00+08:00');
      expect(await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 1 }, { now: wednesdayNight })).to.equal('deferred');
      let row = (await surveysOf(platform, survey.ticket_id))[0]!;
      expect(row.state).to.equal('scheduled');
      expect(row.next_attempt_at!.toISOString()).to.equal(new Date('2030-03-07T08:00:00+08:00').toISOString());
      let job = await pendingJob(survey.id);
      expect(job?.run_at.toISOString()).to.equal(new Date('2030-03-07T08:00:00+08:00').toISOString());
      expect(job?.payload.attemptNo).to.equal(1);

      const fridayNight = new Date('2030-03-08T21:00:00+08:00');
      expect(await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 1 }, { now: fridayNight })).to.equal('deferred');
      row = (await surveysOf(platform, survey.ticket_id))[0]!;
      expect(row.next_attempt_at!.toISOString()).to.equal(new Date('2030-03-11T08:00:00+08:00').toISOString());
      job = await pendingJob(survey.id);
      expect(job?.run_at.toISOString(), 'the same keyed job, moved').to.equal(new Date('2030-03-11T08:00:00+08:00').toISOString());

      // Nothing was attempted: no attempt row, no call.
      expect(await attemptsOf(platform, survey.id)).to.have.length(0);
      expect(callsTo(platform, `+86${phone}`)).to.have.length(0);
      // At 08:00 the call goes out.
      expect(await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 1 }, { now: new Date('2030-03-11T08:00:00+08:00') })).to.equal('called');
      await waitFor('the call', async () => callsTo(platform, `+86${phone}`).length === 1);
    } finally {
      await setPolicy(platform, world, fastPolicy);
    }
  });

  it('never calls twice for one attempt: concurrent runs, a retried job and duplicate jobs', async () => {
    // A day's delay and long spacing: only this test's own runs make attempts.
    await setPolicy(platform, world, { ...fastPolicy, delayWorkingDays: 1, attemptSpacingMinutes: 600 });
    try {
      const phone = '13900139022';
      const sim = platform.carrierSim!;
      sim.handsets.set(`+86${phone}`, { answer: 'no-answer' });
      const { ticket, survey } = await scheduledSurvey(phone);

      // Two workers pick the same attempt at once: one call.
      const results = await Promise.all([1, 2, 3].map(() => runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 1 })));
      expect(results.filter((r) => r === 'called')).to.have.length(1);
      await waitFor('the first attempt to end unanswered', async () => {
        const [a] = await attemptsOf(platform, survey.id);
        return a?.ended_at ? a : undefined;
      }, 15_000);
      // The attempt's job retried after a crash (same payload): nothing happens.
      expect(await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 1 })).to.equal('stale');
      expect(callsTo(platform, `+86${phone}`)).to.have.length(1);
      const next = await pendingJob(survey.id);
      expect(next?.payload.attemptNo, 'attempt 2 is queued for later').to.equal(2);

      // Attempt 2 enqueued three more times (no key) and run by the real worker, plus once by hand: one call.
      sim.handsets.set(`+86${phone}`, { answer: 'auto', press: '1' });
      for (let i = 0; i < 3; i++) await addJob(platform.ctx.db, 'surveys.attempt', { surveyId: survey.id, attemptNo: 2 });
      await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 2 });
      const closed = await waitFor('the ticket to close', async () => {
        const t = await ticketRow(platform, ticket.id);
        return t.state === 'closed' ? t : undefined;
      }, 15_000);
      expect(closed.survey_result).to.equal('satisfied');
      await new Promise((r) => setTimeout(r, 1500));
      expect(callsTo(platform, `+86${phone}`)).to.have.length(2);
      const attempts = await attemptsOf(platform, survey.id);
      expect(attempts.map((a) => [a.attempt_no, a.status])).to.deep.equal([
        [1, 'no_answer'],
        [2, 'rated'],
      ]);
      // The keyed job for attempt 2, due later, finds nothing to do when it runs.
      expect(await runAttempt(platform.ctx, { surveyId: survey.id, attemptNo: 2 })).to.equal('stale');
    } finally {
      await setPolicy(platform, world, fastPolicy);
    }
  });

  it('skips a consult the sample does not pick, and closes it', async () => {
    await setPolicy(platform, world, { ...fastPolicy, sampleRates: { ...fastPolicy.sampleRates, consult: 0 } });
    try {
      const ticket = await reviewedTicket(platform, world, { type: 'consult', caller: { name: '周女士', phone: '13900139023' } });
      const closed = await waitFor('the consult to close without a survey', async () => {
        const t = await ticketRow(platform, ticket.id);
        return t.state === 'closed' ? t : undefined;
      });
      expect(closed.survey_result).to.equal(null);
      const [s] = await surveysOf(platform, ticket.id);
      expect(s).to.include({ state: 'skipped', skip_reason: 'not_sampled' });
      expect(callsTo(platform, '+8613900139023')).to.have.length(0);
    } finally {
      await setPolicy(platform, world, fastPolicy);
    }
  });

  it('lets only the admin change the policy, and validates it', async () => {
    expect((await platform.api.request('PUT', '/api/surveys/policy', { token: world.tokens.supervisor, body: fastPolicy })).status).to.equal(403);
    const bad = await platform.api.request('PUT', '/api/surveys/policy', { token: world.tokens.admin, body: { ...fastPolicy, callingHours: { from: '21:00', to: '08:00' } } });
    expect(bad.status).to.equal(400);
    const read = await platform.api.get('/api/surveys/policy', world.tokens.supervisor);
    expect(read.body.policy).to.deep.equal(fastPolicy);
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'survey_policy.updated').execute();
    expect(audit.length).to.be.greaterThan(0);
  });
});
