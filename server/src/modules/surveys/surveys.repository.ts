/**
 * The SQL of follow-up: the policy row, surveys, attempts, links, webhook claims and call ratings. It also
 * reads (never writes) the few facts of a ticket and a call a survey needs; ticket changes go through the
 * tickets module's use cases.
 */
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CallRatingsTable, SurveyAttemptsTable, SurveyPolicyTable, SurveysTable } from '../../schema.ts';
import { defaultSurveyPolicy, SurveyPolicySchema, type SurveyPolicy } from './surveys.schema.ts';

export type SurveyRow = Selectable<SurveysTable>;
export type AttemptRow = Selectable<SurveyAttemptsTable>;
export type RatingRow = Selectable<CallRatingsTable>;

/** Open states: the survey still has work to do (the partial unique index allows one per ticket). */
export const openSurveyStates = ['scheduled', 'calling', 'sms_sent', 'awaiting_decision'] as const;

// ── Policy ──────────────────────────────────────────────────────────────────────────────────────────────────

function policyOf(row: Selectable<SurveyPolicyTable>): SurveyPolicy {
  const parsed = SurveyPolicySchema.safeParse({
    sampleRates: { ...defaultSurveyPolicy.sampleRates, ...row.sample_rates },
    delayWorkingDays: row.delay_working_days,
    callingHours: { from: row.calling_from, to: row.calling_to },
    callingDays: row.calling_days,
    maxCallAttempts: row.max_call_attempts,
    attemptSpacingMinutes: row.attempt_spacing_minutes,
    channels: row.channels,
    smsLinkValidHours: row.sms_link_valid_hours,
    postCallRating: row.post_call_rating,
    recordComment: row.record_comment,
  });
  // A row that no longer parses (an older format) must not stop follow-up: the defaults stand.
  return parsed.success ? parsed.data : defaultSurveyPolicy;
}

export async function loadPolicy(db: Executor): Promise<SurveyPolicy & { updatedAt: Date | null; updatedBy: string | null }> {
  const row = await db.selectFrom('survey_policy').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { ...defaultSurveyPolicy, updatedAt: null, updatedBy: null };
  return { ...policyOf(row), updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export async function savePolicy(db: Executor, policy: SurveyPolicy, userId: string | null): Promise<void> {
  const values = {
    sample_rates: JSON.stringify(policy.sampleRates),
    delay_working_days: policy.delayWorkingDays,
    calling_from: policy.callingHours.from,
    calling_to: policy.callingHours.to,
    calling_days: policy.callingDays,
    max_call_attempts: policy.maxCallAttempts,
    attempt_spacing_minutes: policy.attemptSpacingMinutes,
    channels: policy.channels,
    sms_link_valid_hours: policy.smsLinkValidHours,
    post_call_rating: policy.postCallRating,
    record_comment: policy.recordComment,
    updated_at: new Date(),
    updated_by: userId,
  };
  await db
    .insertInto('survey_policy')
    .values({ id: 1, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

// ── Tickets and calls (read only) ─────────────────────────────────────────────────────────────────────────

export type TicketFacts = {
  id: string;
  number: string;
  title: string;
  type: SurveysTable['ticket_type'];
  state: string;
  caller_phone_encrypted: string | null;
  caller_phone_masked: string | null;
  caller_sms_declined: boolean;
  confidential: boolean;
  registered_by: string | null;
  parent_ticket_id: string | null;
};

export async function findTicket(db: Executor, ticketId: string): Promise<TicketFacts | undefined> {
  return db
    .selectFrom('tickets')
    .select(['id', 'number', 'title', 'type', 'state', 'caller_phone_encrypted', 'caller_phone_masked', 'caller_sms_declined', 'confidential', 'registered_by', 'parent_ticket_id'])
    .where('id', '=', ticketId)
    .executeTakeFirst();
}

/** The lead department whose reply passed review (the one at fault if the citizen is unsatisfied). */
export async function leadDepartmentOf(db: Executor, ticketId: string): Promise<string | null> {
  const row = await db
    .selectFrom('ticket_assignments')
    .select('department_id')
    .where('ticket_id', '=', ticketId)
    .where('role', '=', 'lead')
    .where('state', 'not in', ['returned', 'withdrawn'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.department_id ?? null;
}

// ── Surveys ─────────────────────────────────────────────────────────────────────────────────────────────────

export async function openSurveyOf(db: Executor, ticketId: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('surveys').selectAll().where('ticket_id', '=', ticketId).where('state', 'in', [...openSurveyStates]).executeTakeFirst();
}

export async function nextRound(db: Executor, ticketId: string): Promise<number> {
  const row = await db.selectFrom('surveys').select(sql<number>`coalesce(max(round), 0)::int`.as('n')).where('ticket_id', '=', ticketId).executeTakeFirst();
  return (row?.n ?? 0) + 1;
}

/**
 * Inserts a survey; undefined when another open survey of the ticket (or the same round) won the race: the
 * unique indexes decide, without aborting the caller's transaction.
 */
export async function insertSurvey(db: Executor, values: Insertable<SurveysTable>): Promise<SurveyRow | undefined> {
  return db.insertInto('surveys').values(values).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
}

export async function lockSurvey(db: Executor, id: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findSurvey(db: Executor, id: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateSurvey(db: Executor, id: string, changes: Updateable<SurveysTable>): Promise<SurveyRow> {
  return db
    .updateTable('surveys')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function surveysOfTicket(db: Executor, ticketId: string): Promise<SurveyRow[]> {
  return db.selectFrom('surveys').selectAll().where('ticket_id', '=', ticketId).orderBy('round').execute();
}

// ── Attempts ────────────────────────────────────────────────────────────────────────────────────────────────

/** Inserts an attempt; undefined when this (survey, attempt number) exists already: it is never made twice. */
export async function insertAttempt(db: Executor, values: { survey_id: string; attempt_no: number; channel: 'phone' | 'sms'; status: string }): Promise<AttemptRow | undefined> {
  return db
    .insertInto('survey_attempts')
    .values(values)
    .onConflict((oc) => oc.columns(['survey_id', 'attempt_no']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function lockAttempt(db: Executor, id: string): Promise<AttemptRow | undefined> {
  return db.selectFrom('survey_attempts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateAttempt(db: Executor, id: string, changes: Updateable<SurveyAttemptsTable>): Promise<AttemptRow> {
  return db.updateTable('survey_attempts').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function attemptsOf(db: Executor, surveyIds: string[]): Promise<AttemptRow[]> {
  if (surveyIds.length === 0) return [];
  return db.selectFrom('survey_attempts').selectAll().where('survey_id', 'in', surveyIds).orderBy('survey_id').orderBy('attempt_no').execute();
}

// ── Links ───────────────────────────────────────────────────────────────────────────────────────────────────

export async function insertLink(db: Executor, values: { id: string; survey_id: string; attempt_id: string; token_hash: Buffer; expires_at: Date }): Promise<void> {
  await db.insertInto('survey_links').values(values).execute();
}

export async function lockLink(db: Executor, id: string) {
  return db.selectFrom('survey_links').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

// ── Webhook claims ──────────────────────────────────────────────────────────────────────────────────────────

/** Claims (CallSid, event); a repeat gets `{ replay }` with the stored answer. */
export async function claimWebhook(db: Executor, callSid: string, event: string): Promise<{ replay: string | null } | undefined> {
  const inserted = await db
    .insertInto('survey_webhooks')
    .values({ call_sid: callSid, event, response: null })
    .onConflict((oc) => oc.columns(['call_sid', 'event']).doNothing())
    .returning('call_sid')
    .executeTakeFirst();
  if (inserted) return undefined;
  const row = await db.selectFrom('survey_webhooks').select('response').where('call_sid', '=', callSid).where('event', '=', event).executeTakeFirst();
  return { replay: row?.response ?? null };
}

export async function storeWebhookResponse(db: Executor, callSid: string, event: string, response: string): Promise<void> {
  await db.updateTable('survey_webhooks').set({ response }).where('call_sid', '=', callSid).where('event', '=', event).execute();
}

// ── Post-call ratings ───────────────────────────────────────────────────────────────────────────────────────

export async function lockRating(db: Executor, callId: string): Promise<RatingRow | undefined> {
  return db.selectFrom('call_ratings').selectAll().where('call_id', '=', callId).forUpdate().executeTakeFirst();
}
