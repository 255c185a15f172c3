/**
 * The phone side of follow-up: the survey call (answering-machine detection, the `survey` flow from
 * ivr-flows/, the key pressed, an optional spoken comment) and 一次一评 (the `post-call-rating` flow, played
 * to the caller after the agent hangs up). Every webhook claims its (CallSid, event) in the same transaction
 * as its change, so a retried webhook replays the first answer and changes nothing.
 */
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addJob } from '../../platform/jobs.ts';
import type { VoiceStep } from '../../ports/telephony.ts';
import { callStateSchema, loadFlows, startCall, step as stepFlow, type CallInput, type Flow, type Step, type StepResult } from '../../../../ivr-flows/src/index.ts';
import * as repo from './surveys.repository.ts';
import { CitizenAnswer } from './surveys.schema.ts';
import { finishAttempt, recordAnswer, surveyUrl } from './surveys.service.ts';

const FLOWS_DIR = fileURLToPath(new URL('../../../../ivr-flows/flows', import.meta.url));
const flowsOf = new WeakMap<AppContext, ReadonlyMap<string, Flow>>();

/** Loads the survey and rating flows at start-up; a missing or invalid flow stops the start. */
export async function loadSurveyFlows(ctx: AppContext, dir = FLOWS_DIR): Promise<void> {
  const desks = (await ctx.db.selectFrom('desks').select('code').execute()).map((d) => d.code);
  const { flows } = await loadFlows(dir, { required: ['survey', 'post-call-rating'], desks });
  flowsOf.set(ctx, flows);
}

function flow(ctx: AppContext, id: 'survey' | 'post-call-rating'): Flow {
  const found = flowsOf.get(ctx)?.get(id);
  if (!found) throw new Error(`call flow ${id} is not loaded`);
  return found;
}

type After = () => unknown;
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function render(ctx: AppContext, steps: VoiceStep[]): string {
  if (!ctx.ports.telephony) throw new Error('telephony is not configured in this process');
  return ctx.ports.telephony.renderVoice(steps);
}

/** Runs `work` once per (CallSid, event); a repeat gets the stored answer. After-commit work runs last. */
async function once(ctx: AppContext, callSid: string, event: string, work: (trx: Executor, after: After[]) => Promise<string>): Promise<string> {
  const after: After[] = [];
  const twiml = await ctx.db.transaction().execute(async (trx) => {
    const claim = await repo.claimWebhook(trx, callSid, event);
    if (claim) return claim.replay ?? EMPTY;
    const answer = await work(trx, after);
    await repo.storeWebhookResponse(trx, callSid, event, answer);
    return answer;
  });
  for (const fn of after) {
    try {
      await fn();
    } catch (error) {
      ctx.logger.warn({ err: error, callSid, event }, 'after-commit survey call work failed');
    }
  }
  return twiml;
}

/**
 * Interpreter steps → voice steps. Gathers and recordings post back to `inputUrl(seq)`; the redirect after
 * them brings silence back as a timeout. The flows' fallback (the hotline queue) makes no sense on an
 * outbound survey call: the apology is said and the call ends.
 */
function voiceSteps(steps: Step[], inputUrl: (timeout?: boolean) => string): { voice: VoiceStep[]; outcomes: Record<string, string> } {
  const voice: VoiceStep[] = [];
  const outcomes: Record<string, string> = {};
  for (const s of steps) {
    switch (s.kind) {
      case 'say':
      case 'pause':
        voice.push(s);
        break;
      case 'gather':
        voice.push({ ...s, action: inputUrl() }, { kind: 'redirect', url: inputUrl(true) });
        break;
      case 'record':
        voice.push({ kind: 'record', maxSeconds: s.maxSeconds, action: inputUrl() }, { kind: 'redirect', url: inputUrl(true) });
        break;
      case 'outcome':
        outcomes[s.name] = s.value;
        break;
      case 'hangup':
      case 'enqueue':
      case 'dial':
      case 'voicebot':
        voice.push({ kind: 'hangup' });
        break;
    }
  }
  return { voice, outcomes };
}

/** Webhook parameters turned into the interpreter's input. */
export function inputOf(p: { timeout?: boolean; Digits?: string; SpeechResult?: string; Confidence?: number; RecordingSid?: string; RecordingUrl?: string; RecordingDuration?: number }): CallInput {
  if (p.timeout) return { kind: 'timeout' };
  if (p.RecordingSid) return { kind: 'recorded', recordingId: p.RecordingSid, durationSeconds: p.RecordingDuration ?? 0, ...(p.RecordingUrl ? { url: p.RecordingUrl } : {}) };
  if (p.Digits && /^[0-9*#]+$/.test(p.Digits)) return { kind: 'digits', digits: p.Digits };
  if (p.SpeechResult) return { kind: 'speech', text: p.SpeechResult, confidence: p.Confidence ?? 0 };
  return { kind: 'timeout' };
}

// ── The survey call ─────────────────────────────────────────────────────────────────────────────────────────

/** The callee answered (the carrier fetches the first document): a machine is hung up on; a person hears the survey. */
export async function handleSurveyAnswered(ctx: AppContext, input: { attemptId: string; callSid: string; answeredBy?: string }): Promise<string> {
  return once(ctx, input.callSid, 'survey:voice', async (trx, after) => {
    const attempt = await repo.lockAttempt(trx, input.attemptId);
    if (!attempt || (attempt.call_sid && attempt.call_sid !== input.callSid)) return render(ctx, [{ kind: 'hangup' }]);
    const machine = input.answeredBy !== undefined && /^(machine|fax)/.test(input.answeredBy);
    if (machine) {
      // A voicemail box cannot rate anything: leave no message, try again later (the status callback finishes it).
      await repo.updateAttempt(trx, attempt.id, { call_sid: input.callSid, status: 'machine', answered_by: input.answeredBy ?? null });
      return render(ctx, [{ kind: 'hangup' }]);
    }
    const survey = await repo.findSurvey(trx, attempt.survey_id);
    if (!survey || survey.state !== 'calling') return render(ctx, [{ kind: 'hangup' }]);
    const policy = await repo.loadPolicy(trx);
    const result = startCall(flow(ctx, 'survey'), { now: new Date().toISOString(), language: 'zh-CN' });
    const steps = await applySurveyStep(ctx, trx, attempt, survey, result, policy.recordComment, after);
    await repo.updateAttempt(trx, attempt.id, { call_sid: input.callSid, answered_by: input.answeredBy ?? 'human', status: 'answered' });
    return render(ctx, steps);
  });
}

/** A key, speech, silence or a recording at the survey step numbered `seq`. */
export async function handleSurveyInput(ctx: AppContext, input: { attemptId: string; callSid: string; seq: number; input: CallInput }): Promise<string> {
  return once(ctx, input.callSid, `survey:input:${input.seq}`, async (trx, after) => {
    const attempt = await repo.lockAttempt(trx, input.attemptId);
    if (!attempt || attempt.call_sid !== input.callSid) return render(ctx, [{ kind: 'hangup' }]);
    const parsed = callStateSchema.safeParse(attempt.ivr_state);
    if (!parsed.success) return render(ctx, [{ kind: 'hangup' }]);
    const survey = await repo.lockSurvey(trx, attempt.survey_id);
    if (!survey) return render(ctx, [{ kind: 'hangup' }]);
    // A late or out-of-order input for an earlier step: say the current step again.
    const effective: CallInput = input.seq === attempt.ivr_seq ? input.input : { kind: 'start' };
    const policy = await repo.loadPolicy(trx);
    const result = stepFlow(flow(ctx, 'survey'), parsed.data, effective);
    const recordingUrl = effective.kind === 'recorded' ? effective.url : undefined;
    const steps = await applySurveyStep(ctx, trx, attempt, survey, result, policy.recordComment, after, recordingUrl);
    return render(ctx, steps);
  });
}

/**
 * Stores the flow state and what the step decided: the rating (满意 / 基本满意 / 不满意 / 拒绝评价) as the
 * survey's answer, a spoken comment for transcription. Without comment recording, 不满意 ends the call politely.
 */
async function applySurveyStep(
  ctx: AppContext,
  trx: Executor,
  attempt: repo.AttemptRow,
  survey: repo.SurveyRow,
  result: StepResult,
  recordComment: boolean,
  after: After[],
  recordingUrl?: string,
): Promise<VoiceStep[]> {
  const seq = attempt.ivr_seq + 1;
  let { steps, state } = result;
  const url = (timeout?: boolean) => surveyUrl(ctx, 'input', { attempt: attempt.id, seq, ...(timeout ? { timeout: 1 } : {}) });
  if (!recordComment && steps.some((s) => s.kind === 'record')) {
    // Skip the comment: play the flow's closing words instead.
    const skipped = stepFlow(flow(ctx, 'survey'), state, { kind: 'timeout' });
    steps = [...steps.filter((s) => s.kind !== 'record' && s.kind !== 'say'), ...skipped.steps];
    state = skipped.state;
  }
  const { voice, outcomes } = voiceSteps(steps, url);
  await repo.updateAttempt(trx, attempt.id, { ivr_state: JSON.stringify(state), ivr_seq: seq });
  const now = new Date();
  const satisfaction = outcomes.satisfaction;
  if (satisfaction !== undefined) {
    const answer = CitizenAnswer.safeParse(satisfaction);
    if (answer.success && survey.state === 'calling') {
      await repo.updateAttempt(trx, attempt.id, { status: 'rated', result: answer.data });
      await recordAnswer(ctx, trx, survey, { result: answer.data, channel: 'phone' }, now, after);
    } else if (!answer.success) {
      // No input twice: the person was reached but gave no rating; the status callback moves the survey on.
      await repo.updateAttempt(trx, attempt.id, { status: 'no_rating', result: satisfaction });
    }
  }
  const comment = state.recordings.find((r) => r.purpose === 'comment' && r.durationSeconds > 0);
  if (comment && !survey.comment_recording_sid) {
    await repo.updateSurvey(trx, survey.id, { comment_recording_sid: comment.recordingId, comment_recording_url: recordingUrl ?? null, comment_transcript_status: 'pending' });
    await addJob(trx, 'surveys.transcribe-comment', { surveyId: survey.id }, { jobKey: `surveys.transcribe-comment:${survey.id}`, maxAttempts: 5 });
  }
  return voice;
}

/** The survey call's final status: an attempt without a rating moves the survey to its next attempt. */
export async function handleSurveyStatus(ctx: AppContext, input: { attemptId: string; callSid: string; status: string }): Promise<void> {
  if (!['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(input.status)) return;
  const attempt = await ctx.db.selectFrom('survey_attempts').selectAll().where('id', '=', input.attemptId).executeTakeFirst();
  if (!attempt || attempt.ended_at) return;
  if (attempt.call_sid && attempt.call_sid !== input.callSid) return;
  const status =
    attempt.status === 'rated' || attempt.status === 'machine' || attempt.status === 'no_rating'
      ? attempt.status
      : attempt.status === 'answered'
        ? 'hung_up'
        : input.status === 'completed'
          ? 'no_answer'
          : input.status.replace('-', '_');
  await finishAttempt(ctx, attempt.id, { status });
}

// ── 一次一评: the post-call rating ────────────────────────────────────────────────────────────────────────

/**
 * Hook for the calls module, called where the agent's side of a call ends: instead of hanging up on the
 * caller, moves them to the one-key rating of that call. True when the caller is (already) in the rating and
 * must not be hung up on; false when the policy has it off or the carrier refused (then hang up as before).
 */
export async function offerPostCallRating(ctx: AppContext, call: { callId: string; callSid: string; agentId: string | null }): Promise<boolean> {
  const telephony = ctx.ports.telephony;
  if (!telephony) return false;
  try {
    const policy = await repo.loadPolicy(ctx.db);
    if (!policy.postCallRating) return false;
    const inserted = await ctx.db
      .insertInto('call_ratings')
      .values({ call_id: call.callId, agent_id: call.agentId, call_sid: call.callSid, status: 'asking' })
      .onConflict((oc) => oc.column('call_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    // Already offered (the second of the two hang-up paths): the caller is rating; leave them be.
    if (!inserted) return true;
    if (await telephony.redirectCall(call.callSid, surveyUrl(ctx, 'rating', { call: call.callId }))) return true;
    // The caller hung up first (the commonest end of a call): nobody is left to rate it.
    await ctx.db.updateTable('call_ratings').set({ status: 'no_answer' }).where('call_id', '=', call.callId).where('status', '=', 'asking').execute();
    return false;
  } catch (error) {
    ctx.logger.warn({ err: error, callId: call.callId }, 'post-call rating could not start; hanging up as before');
    await ctx.db.updateTable('call_ratings').set({ status: 'failed' }).where('call_id', '=', call.callId).where('status', '=', 'asking').execute().catch(() => undefined);
    return false;
  }
}

/** The caller arrives at the rating (the redirect), or answers it (`seq`). */
export async function handleRatingInput(ctx: AppContext, input: { callId: string; callSid: string; seq?: number; input?: CallInput }): Promise<string> {
  return once(ctx, input.callSid, input.seq === undefined ? 'rating:start' : `rating:${input.seq}`, async (trx) => {
    const rating = await repo.lockRating(trx, input.callId);
    if (!rating || rating.call_sid !== input.callSid || rating.status !== 'asking') return render(ctx, [{ kind: 'hangup' }]);
    const ratingFlow = flow(ctx, 'post-call-rating');
    let result: StepResult;
    if (input.seq === undefined) {
      result = startCall(ratingFlow, { now: new Date().toISOString(), language: 'zh-CN' });
    } else {
      const parsed = callStateSchema.safeParse(rating.ivr_state);
      if (!parsed.success) return render(ctx, [{ kind: 'hangup' }]);
      result = stepFlow(ratingFlow, parsed.data, input.seq === rating.ivr_seq ? input.input! : { kind: 'start' });
    }
    const seq = rating.ivr_seq + 1;
    const { voice, outcomes } = voiceSteps(result.steps, (timeout) => surveyUrl(ctx, 'rating', { call: input.callId, seq, ...(timeout ? { timeout: 1 } : {}) }));
    const value = outcomes['call-rating'];
    const rated = value === 'satisfied' || value === 'basically_satisfied' || value === 'unsatisfied';
    await trx
      .updateTable('call_ratings')
      .set({
        ivr_state: JSON.stringify(result.state),
        ivr_seq: seq,
        ...(rated ? { status: 'rated' as const, rating: value, rated_at: new Date() } : value !== undefined ? { status: 'no_answer' as const } : {}),
      })
      .where('id', '=', rating.id)
      .execute();
    return render(ctx, voice);
  });
}
