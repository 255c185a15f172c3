/**
 * Follow-up use cases (回访): plan a survey when a reply passes review, make each attempt in turn (phone calls,
 * then an SMS link), record the answer, hand the result to the ticket, and the supervisor's decision on an
 * unsatisfied citizen. Each use case is one transaction with its audit row and the jobs it causes; carrier
 * calls, texts and socket pushes happen after commit.
 *
 * Exactly-once rests on the database, not on the queue: one open survey per ticket and one attempt row per
 * (survey, attempt number) are unique, so a replayed or retried job finds its work done and does nothing.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { systemActor, type UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { addJob } from '../../platform/jobs.ts';
import { closeTicket, loadWorkingCalendar, recordSurveyResult } from '../tickets/index.ts';
import { hashLinkToken, signLinkToken } from './surveys.links.ts';
import { mayDecide } from './surveys.policy.ts';
import * as repo from './surveys.repository.ts';
import type { CitizenAnswer, SurveyPolicy } from './surveys.schema.ts';
import { firstAttemptAt, isCallingTime, isSampled, nextAttemptAt, nextCallingInstant } from './surveys.timing.ts';

/** Options the HTTP layer never sets: tests pin the clock to prove the calling-hours arithmetic. */
export type SurveyOptions = { now?: Date };

const surveysActor = () => systemActor('surveys');
/** How long an attempt may stay unfinished before the watchdog treats it as failed (lost callback, crash). */
const ATTEMPT_WATCHDOG_MINUTES = 15;

export const attemptJobKey = (surveyId: string) => `surveys.attempt:${surveyId}`;

/** Where the carrier fetches survey documents and posts their callbacks. */
export function surveyUrl(ctx: AppContext, path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return `${ctx.publicUrl}/twilio/surveys/${path}${qs ? `?${qs}` : ''}`;
}

/** The vault keeps domestic numbers (13800138000, 0571…); carriers want E.164. */
export function toE164(phone: string): string {
  if (phone.startsWith('+')) return phone;
  if (phone.startsWith('00')) return `+${phone.slice(2)}`;
  return `+86${phone.replace(/^0(?=[1-9])/, '')}`;
}

async function runAfter(ctx: AppContext, after: (() => unknown)[]): Promise<void> {
  for (const fn of after) {
    try {
      await fn();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'after-commit survey work failed');
    }
  }
}

// ── Planning ────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The plan job (enqueued by the tickets module when a reply passes review): applies the policy to the ticket.
 * Sampled out, or no number to reach → the survey is skipped and the ticket closes; otherwise the first
 * attempt is scheduled for the next working day within calling hours.
 */
export async function planSurvey(ctx: AppContext, input: { ticketId: string }, options: SurveyOptions = {}): Promise<'planned' | 'skipped' | 'not_pending' | 'exists'> {
  const now = options.now ?? new Date();
  const policy = await repo.loadPolicy(ctx.db);
  const calendar = await loadWorkingCalendar(ctx.db, ctx.config.timezone);
  return ctx.db.transaction().execute(async (trx) => {
    const ticket = await repo.findTicket(trx, input.ticketId);
    if (!ticket || ticket.state !== 'pending_survey') return 'not_pending';
    if (await repo.openSurveyOf(trx, ticket.id)) return 'exists';
    const round = await repo.nextRound(trx, ticket.id);
    // A second round follows a reopen after 不满意: that citizen is always asked again.
    const sampled = round > 1 || isSampled(ticket.id, policy.sampleRates[ticket.type]);
    const reachable = ticket.caller_phone_encrypted !== null && policy.channels.some((c) => c === 'phone' || !ticket.caller_sms_declined);
    const skipReason = !sampled ? 'not_sampled' : !reachable ? 'no_contact' : null;
    const firstAt = skipReason ? null : firstAttemptAt(calendar, now, policy);
    const survey = await repo.insertSurvey(trx, {
      ticket_id: ticket.id,
      round,
      ticket_type: ticket.type,
      department_id: await repo.leadDepartmentOf(trx, ticket.id),
      agent_id: ticket.registered_by,
      state: skipReason ? 'skipped' : 'scheduled',
      outcome: null,
      answered_channel: null,
      answered_at: null,
      comment: null,
      comment_recording_sid: null,
      comment_recording_url: null,
      comment_transcript_status: null,
      comment_transcript_error: null,
      next_attempt_at: firstAt,
      decision: null,
      decision_note: null,
      decided_by: null,
      decided_at: null,
      ticket_settled_at: null,
      skip_reason: skipReason,
      completed_at: skipReason ? now : null,
      created_at: now,
      updated_at: now,
    });
    if (!survey) return 'exists';
    await recordAudit(trx, surveysActor(), {
      action: skipReason ? 'survey.skipped' : 'survey.scheduled',
      entity: 'survey',
      entityId: survey.id,
      data: { ticketId: ticket.id, number: ticket.number, round, ...(skipReason ? { reason: skipReason } : { firstAttemptAt: firstAt!.toISOString() }) },
    });
    if (skipReason) await addJob(trx, 'surveys.settle', { surveyId: survey.id }, { jobKey: `surveys.settle:${survey.id}` });
    else await addJob(trx, 'surveys.attempt', { surveyId: survey.id, attemptNo: 1 }, { jobKey: attemptJobKey(survey.id), runAt: firstAt! });
    return skipReason ? 'skipped' : 'planned';
  });
}

// ── Attempts ────────────────────────────────────────────────────────────────────────────────────────────────

type Channel = 'phone' | 'sms';

/** The channel of the next attempt, or none left (联系不上). */
function nextChannel(survey: repo.SurveyRow, policy: SurveyPolicy, ticket: repo.TicketFacts): Channel | null {
  for (const channel of policy.channels) {
    if (channel === 'phone' && survey.call_attempts < policy.maxCallAttempts) return 'phone';
    if (channel === 'sms' && !survey.sms_sent && !ticket.caller_sms_declined) return 'sms';
  }
  return null;
}

function attemptsMade(survey: repo.SurveyRow): number {
  return survey.call_attempts + (survey.sms_sent ? 1 : 0);
}

export type AttemptResult = 'called' | 'texted' | 'deferred' | 'duplicate' | 'stale' | 'cancelled' | 'unreachable' | 'failed';

/**
 * One attempt of a survey, run by its job at its time. Outside calling hours it moves itself to the next
 * window and does nothing else. A retried or replayed job whose attempt row exists does nothing: the citizen
 * is never called or texted twice for one attempt.
 */
export async function runAttempt(ctx: AppContext, input: { surveyId: string; attemptNo: number }, options: SurveyOptions = {}): Promise<AttemptResult> {
  const now = options.now ?? new Date();
  const policy = await repo.loadPolicy(ctx.db);
  const calendar = await loadWorkingCalendar(ctx.db, ctx.config.timezone);
  const after: (() => unknown)[] = [];
  const result = await ctx.db.transaction().execute(async (trx): Promise<AttemptResult> => {
    const survey = await repo.lockSurvey(trx, input.surveyId);
    if (!survey || survey.state !== 'scheduled') return 'stale';
    if (attemptsMade(survey) + 1 !== input.attemptNo) return 'stale';
    const ticket = await repo.findTicket(trx, survey.ticket_id);
    if (!ticket || ticket.state !== 'pending_survey') {
      // Someone recorded the result by hand, or the ticket moved on: nothing to ask any more.
      await repo.updateSurvey(trx, survey.id, { state: 'cancelled', completed_at: now, next_attempt_at: null });
      await recordAudit(trx, surveysActor(), { action: 'survey.cancelled', entity: 'survey', entityId: survey.id, data: { ticketState: ticket?.state ?? null } });
      return 'cancelled';
    }
    if (!isCallingTime(calendar, now, policy)) {
      const at = nextCallingInstant(calendar, now, policy);
      await repo.updateSurvey(trx, survey.id, { next_attempt_at: at });
      await addJob(trx, 'surveys.attempt', input, { jobKey: attemptJobKey(survey.id), runAt: at });
      return 'deferred';
    }
    const channel = nextChannel(survey, policy, ticket);
    if (!channel) {
      await completeUnreachable(ctx, trx, survey, now, after);
      return 'unreachable';
    }
    const attempt = await repo.insertAttempt(trx, { survey_id: survey.id, attempt_no: input.attemptNo, channel, status: channel === 'phone' ? 'dialling' : 'sending' });
    if (!attempt) return 'duplicate';
    const phone = ctx.pii.reveal(ticket.caller_phone_encrypted!);
    await addJob(trx, 'surveys.check-attempt', { attemptId: attempt.id }, { jobKey: `surveys.check-attempt:${attempt.id}`, runAt: new Date(now.getTime() + ATTEMPT_WATCHDOG_MINUTES * 60_000) });
    await recordAudit(trx, surveysActor(), { action: 'survey.attempted', entity: 'survey', entityId: survey.id, data: { attemptNo: input.attemptNo, channel, ticketId: ticket.id } });
    if (channel === 'phone') {
      await repo.updateSurvey(trx, survey.id, { state: 'calling', call_attempts: survey.call_attempts + 1, next_attempt_at: null });
      after.push(() => dialCitizen(ctx, attempt.id, phone));
      return 'called';
    }
    const linkId = randomUUID();
    const expiresAt = new Date(Math.floor((now.getTime() + policy.smsLinkValidHours * 3_600_000) / 1000) * 1000);
    const token = signLinkToken(ctx.jwtSecret, { linkId, expiresAt });
    await repo.insertLink(trx, { id: linkId, survey_id: survey.id, attempt_id: attempt.id, token_hash: hashLinkToken(token), expires_at: expiresAt });
    await repo.updateSurvey(trx, survey.id, { state: 'sms_sent', sms_sent: true, next_attempt_at: null });
    await addJob(trx, 'surveys.expire-link', { surveyId: survey.id }, { jobKey: `surveys.expire-link:${survey.id}`, runAt: expiresAt });
    after.push(() => textCitizen(ctx, attempt.id, phone, surveySmsText(ctx, ticket.number, token, policy.smsLinkValidHours)));
    return 'texted';
  });
  await runAfter(ctx, after);
  return result;
}

/** The survey text: the ticket number, the link and how long it is valid. */
function surveySmsText(ctx: AppContext, number: string, token: string, hours: number): string {
  return `【12345】您反映的问题（工单 ${number}）已办理答复，请对办理结果进行评价：${ctx.publicUrl}/survey/${token} （${hours}小时内有效，仅可评价一次）`;
}

/** After commit: the outbound call with answering-machine detection. A refused call counts as a failed attempt. */
async function dialCitizen(ctx: AppContext, attemptId: string, phone: string): Promise<void> {
  try {
    if (!ctx.ports.telephony) throw new AppError('UNAVAILABLE', { params: { provider: 'telephony' } });
    const { callSid } = await ctx.ports.telephony.placeCall({
      to: toE164(phone),
      url: surveyUrl(ctx, 'voice', { attempt: attemptId }),
      statusCallback: surveyUrl(ctx, 'status', { attempt: attemptId }),
      ringTimeoutSeconds: 40,
      detectMachine: true,
    });
    // The answer webhook may have stored the CallSid already (the carrier can be faster than this line).
    await ctx.db.updateTable('survey_attempts').set({ call_sid: callSid }).where('id', '=', attemptId).where('call_sid', 'is', null).execute();
  } catch (error) {
    ctx.logger.warn({ err: error, attemptId }, 'survey call could not be placed');
    await finishAttempt(ctx, attemptId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
}

/** After commit: the SMS with the link. A refused text leaves no channel: the survey ends unreachable. */
async function textCitizen(ctx: AppContext, attemptId: string, phone: string, text: string): Promise<void> {
  try {
    await ctx.ports.sms.send(phone, text);
    await ctx.db.updateTable('survey_attempts').set({ status: 'sent' }).where('id', '=', attemptId).where('status', '=', 'sending').execute();
  } catch (error) {
    ctx.logger.warn({ err: error, attemptId }, 'survey SMS could not be sent');
    await finishAttempt(ctx, attemptId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Ends an attempt that brought no answer (no answer, busy, machine, hung up, refused by the carrier, link
 * expired) and schedules what follows: the next call, spaced out and inside calling hours; then the SMS;
 * then 联系不上. Idempotent: an attempt already finished is left alone.
 */
export async function finishAttempt(ctx: AppContext, attemptId: string, outcome: { status: string; error?: string }, options: SurveyOptions = {}): Promise<void> {
  const now = options.now ?? new Date();
  const policy = await repo.loadPolicy(ctx.db);
  const calendar = await loadWorkingCalendar(ctx.db, ctx.config.timezone);
  const after: (() => unknown)[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    const attempt0 = await trx.selectFrom('survey_attempts').select('survey_id').where('id', '=', attemptId).executeTakeFirst();
    if (!attempt0) return;
    const survey = await repo.lockSurvey(trx, attempt0.survey_id);
    const attempt = await repo.lockAttempt(trx, attemptId);
    if (!survey || !attempt || attempt.ended_at) return;
    await repo.updateAttempt(trx, attempt.id, { status: outcome.status, ended_at: now, error: outcome.error ?? null });
    // Only the attempt the survey is waiting on moves it on (an answer may have arrived meanwhile).
    const waiting = (attempt.channel === 'phone' && survey.state === 'calling') || (attempt.channel === 'sms' && survey.state === 'sms_sent');
    if (!waiting) return;
    const ticket = await repo.findTicket(trx, survey.ticket_id);
    const channel = ticket && ticket.state === 'pending_survey' ? nextChannel(survey, policy, ticket) : null;
    if (!channel) return completeUnreachable(ctx, trx, survey, now, after);
    const at = channel === 'phone' ? nextAttemptAt(calendar, now, policy) : nextCallingInstant(calendar, now, policy);
    await repo.updateSurvey(trx, survey.id, { state: 'scheduled', next_attempt_at: at });
    await addJob(trx, 'surveys.attempt', { surveyId: survey.id, attemptNo: attemptsMade(survey) + 1 }, { jobKey: attemptJobKey(survey.id), runAt: at });
  });
  await runAfter(ctx, after);
}

/** The watchdog of an attempt: one still unfinished long after it started failed somewhere (lost callback). */
export async function checkAttempt(ctx: AppContext, input: { attemptId: string }): Promise<void> {
  const attempt = await ctx.db.selectFrom('survey_attempts').selectAll().where('id', '=', input.attemptId).executeTakeFirst();
  if (!attempt || attempt.ended_at || attempt.channel === 'sms') return;
  await finishAttempt(ctx, attempt.id, { status: attempt.status === 'dialling' ? 'failed' : attempt.status, error: 'no final status from the carrier' });
}

async function completeUnreachable(ctx: AppContext, trx: Executor, survey: repo.SurveyRow, now: Date, after: (() => unknown)[]): Promise<void> {
  await repo.updateSurvey(trx, survey.id, { state: 'completed', outcome: 'unreachable', completed_at: now, next_attempt_at: null });
  await recordAudit(trx, surveysActor(), { action: 'survey.unreachable', entity: 'survey', entityId: survey.id, data: { ticketId: survey.ticket_id, attempts: attemptsMade(survey) } });
  await addJob(trx, 'surveys.settle', { surveyId: survey.id }, { jobKey: `surveys.settle:${survey.id}` });
  after.push(() => ctx.publish.toRole('supervisor', 'survey.unreachable', { surveyId: survey.id, ticketId: survey.ticket_id }));
}

// ── Answers ─────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Records the citizen's answer (phone key or SMS page) in the caller's transaction. 不满意 waits for a
 * supervisor; every other answer goes to the ticket through the settle job.
 */
export async function recordAnswer(
  ctx: AppContext,
  trx: Executor,
  survey: repo.SurveyRow,
  answer: { result: CitizenAnswer; channel: 'phone' | 'sms'; comment?: string | null },
  now: Date,
  after: (() => unknown)[],
): Promise<repo.SurveyRow> {
  const unsatisfied = answer.result === 'unsatisfied';
  const row = await repo.updateSurvey(trx, survey.id, {
    outcome: answer.result,
    answered_channel: answer.channel,
    answered_at: now,
    state: unsatisfied ? 'awaiting_decision' : 'completed',
    completed_at: now,
    next_attempt_at: null,
    ...(answer.comment ? { comment: answer.comment } : {}),
  });
  if (!unsatisfied) await addJob(trx, 'surveys.settle', { surveyId: survey.id }, { jobKey: `surveys.settle:${survey.id}` });
  const payload = { surveyId: survey.id, ticketId: survey.ticket_id, outcome: answer.result, channel: answer.channel };
  after.push(() => {
    ctx.publish.toRole('supervisor', unsatisfied ? 'survey.unsatisfied' : 'survey.answered', payload);
    ctx.publish.toRole('admin', unsatisfied ? 'survey.unsatisfied' : 'survey.answered', payload);
  });
  return row;
}

const outcomeNotes: Record<string, string> = {
  satisfied: '回访结果：满意',
  basically_satisfied: '回访结果：基本满意',
  unreachable: '回访结果：联系不上（多次回访未接通）',
  declined: '回访结果：拒绝评价',
  not_sampled: '按回访策略未抽中，不回访，直接办结',
  no_contact: '无联系方式，无法回访，直接办结',
};

/**
 * Hands a finished survey to its ticket, once: the tickets module records the result and closes the ticket
 * (its 办结告知 SMS goes out there, exactly once per closing). A ticket that moved on meanwhile is left as it is.
 */
export async function settleSurvey(ctx: AppContext, input: { surveyId: string }, options: SurveyOptions = {}): Promise<'settled' | 'skipped'> {
  const now = options.now ?? new Date();
  const survey = await repo.findSurvey(ctx.db, input.surveyId);
  if (!survey || survey.ticket_settled_at) return 'skipped';
  const ticket = await repo.findTicket(ctx.db, survey.ticket_id);
  let note: string | null = null;
  if (ticket?.state === 'pending_survey') {
    const actor = surveysActor();
    try {
      if (survey.state === 'skipped') {
        note = outcomeNotes[survey.skip_reason ?? ''] ?? null;
        await closeTicket(ctx, actor, ticket.id, { ...(note ? { note } : {}) });
      } else if (survey.state === 'completed' && survey.outcome && survey.outcome !== 'unsatisfied') {
        note = [outcomeNotes[survey.outcome], survey.comment].filter(Boolean).join('；');
        await recordSurveyResult(ctx, actor, ticket.id, { result: survey.outcome, departmentAtFault: false, note });
      } else {
        return 'skipped';
      }
    } catch (error) {
      // The ticket moved on between our read and its transaction (a person recorded it): nothing to add.
      if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
      note = 'ticket moved on';
    }
  }
  await ctx.db.updateTable('surveys').set({ ticket_settled_at: now, updated_at: now }).where('id', '=', survey.id).where('ticket_settled_at', 'is', null).execute();
  return 'settled';
}

// ── The supervisor's decision on 不满意 ──────────────────────────────────────────────────────────────────────

/**
 * 不满意, the department at fault: the ticket goes back to its lead department (reopen count +1), through the
 * tickets module's own use case. Or 不满意 closed with the supervisor's note. The ticket's transition is the
 * lock: a second supervisor deciding the same survey gets the ticket's 409.
 */
export async function decideSurvey(ctx: AppContext, actor: UserActor, surveyId: string, decision: { kind: 'reopen' | 'close'; note: string | null }, options: SurveyOptions = {}) {
  if (!mayDecide(actor)) throw new AppError('FORBIDDEN');
  const now = options.now ?? new Date();
  const survey = await repo.findSurvey(ctx.db, surveyId);
  if (!survey) throw notFound('entity.survey');
  if (survey.state !== 'awaiting_decision') {
    throw new AppError('CONFLICT', { messageKey: 'surveys.error.decided', details: { state: survey.state, decision: survey.decision } });
  }
  const reopen = decision.kind === 'reopen';
  const note = decision.note ?? (reopen ? '回访不满意，承办单位责任，重办' : null);
  await recordSurveyResult(ctx, actor, survey.ticket_id, { result: 'unsatisfied', departmentAtFault: reopen, ...(note ? { note } : {}) }, { now });
  const row = await ctx.db.transaction().execute(async (trx) => {
    const locked = await repo.lockSurvey(trx, survey.id);
    if (!locked || locked.state !== 'awaiting_decision') return locked;
    const updated = await repo.updateSurvey(trx, survey.id, {
      state: 'completed',
      decision: reopen ? 'reopened' : 'closed',
      decision_note: note,
      decided_by: actor.id,
      decided_at: now,
      ticket_settled_at: now,
    });
    await recordAudit(trx, actor, { action: reopen ? 'survey.reopened' : 'survey.closed_unsatisfied', entity: 'survey', entityId: survey.id, data: { ticketId: survey.ticket_id, note } });
    return updated;
  });
  const payload = { surveyId: survey.id, ticketId: survey.ticket_id, decision: row?.decision ?? null };
  ctx.publish.toRole('supervisor', 'survey.decided', payload);
  return row;
}
