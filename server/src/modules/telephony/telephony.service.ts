/**
 * What the platform does when the carrier calls: an incoming call, the caller's keys or speech, the queue's
 * wait loop, call-leg status, conference events and recordings. Each use case is one transaction that also
 * claims the webhook's (CallSid, event) key, so a retried webhook replays the first answer and changes
 * nothing; carrier calls and socket pushes happen after commit.
 *
 * A caller on the line never meets silence: every failure becomes an apology and the general queue.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addJob } from '../../platform/jobs.ts';
import type { VoiceLanguage, VoiceStep } from '../../ports/telephony.ts';
import { branchesOnFact, step as stepFlow, startCall, callStateSchema, type CallInput, type CallState, type Flow, type Step, type StepResult } from '../../../../ivr-flows/src/index.ts';
import {
  addCallEvent,
  addMissedCall,
  claimWebhook,
  endCallLeftInIvr,
  endCallOutsideQueue,
  recordCallEndedBeforeAnswer,
  recordIncomingCall,
  lockCall,
  lockCallBySid,
  recogniseCaller,
  storeWebhookResponse,
  updateCall,
  type CallRow,
} from '../calls/calls.repository.ts';
import { publishCall, publishQueueChanged } from '../calls/calls.events.ts';
import { changeAgentState, endOffer, offerNextCallInTransaction, overflowLongWaits, releaseAgentFromCall, startWrapUp, triggerRouting, type StateChange } from '../routing/routing.service.ts';
import { publishAgentState } from '../calls/calls.events.ts';
import { flowOf } from './telephony.flows.ts';
import { offerPostCallRating } from '../surveys/index.ts';
import { conferenceName, voiceUrl } from './telephony.urls.ts';
import { voicebotListen } from './telephony.voicebot.ts';
import { offerVoicebotWhileUnstaffed } from './telephony.unstaffed.ts';
import { describeWait, isQueueStaffed } from './telephony.wait-figures.ts';

type After = () => Promise<void> | void;
type Outcome = { twiml: string; after?: After[] };

const APOLOGY: Record<VoiceLanguage, string> = {
  'zh-CN': '抱歉，系统暂时无法处理您的操作，正在为您转接人工服务，请稍候。',
  en: 'Sorry, something went wrong. We are connecting you to an agent, please hold.',
};
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function render(ctx: AppContext, steps: VoiceStep[]): string {
  if (!ctx.ports.telephony) throw new Error('telephony is not configured in this process');
  return ctx.ports.telephony.renderVoice(steps);
}

/** Runs `work` once per (CallSid, event); a repeat gets the stored answer. After-commit work runs last. */
async function once(ctx: AppContext, callSid: string, event: string, work: (trx: Executor) => Promise<Outcome>): Promise<string> {
  let after: After[] = [];
  const twiml = await ctx.db.transaction().execute(async (trx) => {
    const claim = await claimWebhook(trx, callSid, event);
    if (claim) return claim.replay ?? EMPTY;
    const outcome = await work(trx);
    after = outcome.after ?? [];
    // A claim's response starts null and a replay of null is EMPTY: storing EMPTY would be a round trip that
    // changes nothing (every status callback answers EMPTY).
    if (outcome.twiml !== EMPTY) await storeWebhookResponse(trx, callSid, event, outcome.twiml);
    return outcome.twiml;
  });
  for (const fn of after) {
    try {
      await fn();
    } catch (error) {
      ctx.logger.warn({ err: error, callSid, event }, 'after-commit telephony work failed');
    }
  }
  return twiml;
}

function languageOf(call: Pick<CallRow, 'language'>): VoiceLanguage {
  return call.language === 'en' ? 'en' : 'zh-CN';
}

// ------------------------------------------------------------------------------------------------------
// IVR

/**
 * Turns interpreter steps into voice steps and applies what the terminal step means for the call record
 * (queue it, transfer it out, end it). Returns the steps and the call row as changed.
 */
async function applyFlowResult(ctx: AppContext, trx: Executor, call: CallRow, flow: Flow, result: StepResult, after: After[]): Promise<VoiceStep[]> {
  const { steps, state } = result;
  if (state.failure) ctx.logger.warn({ callId: call.id, flow: flow.id, failure: state.failure }, 'call flow fell back to an agent');
  const seq = call.ivr_seq + 1;
  const out: VoiceStep[] = [];
  let change: Parameters<typeof updateCall>[2] = { ivr_state: JSON.stringify(state), ivr_seq: seq, ivr_flow: flow.id, language: state.language };
  for (const s of steps as Step[]) {
    switch (s.kind) {
      case 'say':
      case 'pause':
        out.push(s);
        break;
      case 'gather':
        out.push({ ...s, action: voiceUrl(ctx, 'gather', { call: call.id, seq }) });
        out.push({ kind: 'redirect', url: voiceUrl(ctx, 'gather', { call: call.id, seq, timeout: 1 }) });
        break;
      case 'record':
        out.push({ kind: 'record', maxSeconds: s.maxSeconds, action: voiceUrl(ctx, 'gather', { call: call.id, seq }) });
        out.push({ kind: 'redirect', url: voiceUrl(ctx, 'gather', { call: call.id, seq, timeout: 1 }) });
        break;
      case 'enqueue':
        change = { ...change, ...queueChange(call, s.desk, s.priority) };
        await addCallEvent(trx, call.id, 'queued', { desk: s.desk, priority: s.priority });
        out.push(enqueueStep(ctx, call.id, s.desk));
        after.push(() => publishQueueChanged(ctx), () => triggerRouting(ctx));
        break;
      case 'dial':
        change = { ...change, transferred_at: new Date(), transfer_target: s.number, outcome: 'transferred_out', caller_location: 'none' };
        await addCallEvent(trx, call.id, 'transferred', { to: s.number, purpose: s.purpose, by: 'ivr' });
        out.push({ kind: 'dial', number: s.number, record: true, action: voiceUrl(ctx, 'after-dial', { call: call.id }) });
        break;
      case 'hangup':
        out.push({ kind: 'hangup' });
        break;
      case 'voicebot':
        out.push(...voicebotListen(ctx, call.id, seq, s.language));
        break;
      case 'outcome':
        break;
    }
  }
  await updateCall(trx, call.id, change);
  // Queued with an agent free: the offer is reserved now, in this transaction (rung once it commits).
  if (change.status === 'queued') await offerNextCallInTransaction(ctx, trx, { enteredCallId: call.queued_at ? undefined : call.id });
  return out;
}

/** What changes on a call that enters the queue; a call re-entering keeps its first queued_at (its place). */
function queueChange(call: CallRow, desk: string, priority: number) {
  return {
    status: 'queued' as const,
    caller_location: 'queue' as const,
    desk,
    priority: priority + (call.repeat_caller ? 1 : 0),
    queued_at: call.queued_at ?? new Date(),
  };
}

function enqueueStep(ctx: AppContext, callId: string, desk: string): VoiceStep {
  return { kind: 'enqueue', queue: `hotline-${desk}`, waitUrl: voiceUrl(ctx, 'wait', { call: callId }) };
}

/** An incoming call: record it, recognise the caller, start the hotline flow. */
export async function handleIncomingCall(ctx: AppContext, input: { callSid: string; from: string }): Promise<string> {
  const atOnce = await recordIncomingCallAtOnce(ctx, input);
  if (atOnce !== undefined) return atOnce;
  return once(ctx, input.callSid, 'incoming', async (trx) => {
    const after: After[] = [];
    const phone = ctx.pii.protectPhone(input.from);
    const now = new Date();
    const { blocked, repeat } = await recogniseCaller(trx, phone.hash, now);
    const call = await trx
      .insertInto('calls')
      .values({
        call_sid: input.callSid,
        direction: 'inbound',
        caller_hash: phone.hash,
        caller_encrypted: phone.encrypted,
        caller_masked: phone.masked || '未知号码',
        status: 'ivr',
        caller_location: 'ivr',
        blocked,
        repeat_caller: repeat,
        ivr_flow: 'hotline',
        offered_at: now,
      })
      .onConflict((oc) => oc.column('call_sid').doNothing())
      .returningAll()
      .executeTakeFirst();
    // Its final status came first (`recordCallEndedBeforeAnswer`): the caller is gone.
    if (!call) return { twiml: render(ctx, [{ kind: 'hangup' }]) };
    await addCallEvent(trx, call.id, 'arrived', { blocked, repeatCaller: repeat });
    const flow = flowOf(ctx, 'hotline');
    const result = startCall(flow, { now: now.toISOString(), callerBlocked: blocked, repeatCaller: repeat, holiday: false });
    const steps = await applyFlowResult(ctx, trx, call, flow, result, after);
    if (blocked) await addCallEvent(trx, call.id, 'refused_blocked', {});
    return { twiml: render(ctx, steps), after };
  });
}

/** Interpreter steps that change nothing on the call row beyond the flow state (no queue, transfer or bot). */
const PLAIN_STEPS: ReadonlySet<string> = new Set(['say', 'pause', 'gather', 'hangup', 'outcome']);

/**
 * The incoming-call webhook on its common path, in one statement instead of nine round trips: it recognises the
 * caller, claims the webhook and records the call, its `arrived` event and the answer (`recordIncomingCall`).
 * The call's id is chosen here so the answer's URLs can be rendered first, which the caller's recognition cannot
 * change: a blocked number writes nothing and takes the general path (its refusal), and whether the caller
 * called in the last 24 hours changes only the recorded facts, since this path is taken only while no branch of
 * the flow tests that. A flow whose first steps queue, transfer or start the voice bot returns undefined too.
 */
async function recordIncomingCallAtOnce(ctx: AppContext, input: { callSid: string; from: string }): Promise<string | undefined> {
  const flow = flowOf(ctx, 'hotline');
  if (branchesOnFact(flow, 'repeatCaller')) return undefined;
  const phone = ctx.pii.protectPhone(input.from);
  const now = new Date();
  const { steps, state } = startCall(flow, { now: now.toISOString(), callerBlocked: false, repeatCaller: false, holiday: false });
  if (!steps.every((s) => PLAIN_STEPS.has(s.kind))) return undefined;
  const id = randomUUID();
  // What applyFlowResult does for these steps, for a new call (ivr_seq 0 → 1).
  const seq = 1;
  const out: VoiceStep[] = [];
  for (const s of steps as Step[]) {
    if (s.kind === 'say' || s.kind === 'pause') out.push(s);
    else if (s.kind === 'hangup') out.push({ kind: 'hangup' });
    else if (s.kind === 'gather') {
      out.push({ ...s, action: voiceUrl(ctx, 'gather', { call: id, seq }) });
      out.push({ kind: 'redirect', url: voiceUrl(ctx, 'gather', { call: id, seq, timeout: 1 }) });
    }
  }
  const twiml = render(ctx, out);
  const { claimed, recorded, replay, blocked } = await recordIncomingCall(
    ctx.db,
    {
      id,
      callSid: input.callSid,
      callerHash: phone.hash,
      callerEncrypted: phone.encrypted,
      callerMasked: phone.masked || '未知号码',
      ivrFlow: flow.id,
      ivrState: state,
      ivrSeq: seq,
      language: state.language,
      offeredAt: now,
    },
    twiml,
  );
  if (blocked) return undefined;
  if (state.failure) ctx.logger.warn({ callId: id, flow: flow.id, failure: state.failure }, 'call flow fell back to an agent');
  if (!claimed) return replay ?? EMPTY;
  return recorded ? twiml : render(ctx, [{ kind: 'hangup' }]);
}

/** The caller pressed keys, spoke, recorded, or stayed silent at the IVR step numbered `seq`. */
export async function handleIvrInput(ctx: AppContext, input: { callId: string; callSid: string; seq: number; input: CallInput }): Promise<string> {
  const key = `ivr:${input.seq}`;
  return once(ctx, input.callSid, key, async (trx) => {
    const after: After[] = [];
    const call = await lockCall(trx, input.callId);
    if (!call || call.call_sid !== input.callSid) return rescue(ctx, trx, input.callSid, 'unknown call', after);
    if (call.status === 'ended') return { twiml: render(ctx, [{ kind: 'hangup' }]) };
    const flow = flowOf(ctx, call.ivr_flow ?? 'hotline');
    const parsed = callStateSchema.safeParse(call.ivr_state);
    if (!parsed.success) return rescue(ctx, trx, input.callSid, 'corrupt flow state', after, call);
    const state: CallState = parsed.data;
    // A late or out-of-order input for an earlier step: say the current step again.
    const effective: CallInput = input.seq === call.ivr_seq ? input.input : { kind: 'start' };
    if (effective.kind === 'recorded' && effective.durationSeconds > 0) await saveVoicemail(ctx, trx, call, effective, after);
    const result = stepFlow(flow, state, effective);
    const steps = await applyFlowResult(ctx, trx, call, flow, result, after);
    return { twiml: render(ctx, steps), after };
  });
}

async function saveVoicemail(ctx: AppContext, trx: Executor, call: CallRow, input: Extract<CallInput, { kind: 'recorded' }>, after: After[]): Promise<void> {
  const inserted = await trx
    .insertInto('voicemails')
    .values({ call_id: call.id, recording_sid: input.recordingId, recording_url: input.url ?? null, duration_seconds: input.durationSeconds })
    .onConflict((oc) => oc.column('recording_sid').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return;
  await addCallEvent(trx, call.id, 'voicemail_left', { recordingSid: input.recordingId, durationSeconds: input.durationSeconds });
  await addMissedCall(trx, call, 'voicemail');
  await addJob(trx, 'calls.transcribe-recording', { recordingSid: input.recordingId, kind: 'voicemail' }, { jobKey: `transcribe:${input.recordingId}`, maxAttempts: 5 });
  after.push(() => publishQueueChanged(ctx));
}

/**
 * The last resort for a caller on the line: an apology and the general queue. Creates the call record when
 * it is missing (a webhook for a call we never saw).
 */
async function rescue(ctx: AppContext, trx: Executor, callSid: string, why: string, after: After[], existing?: CallRow, from?: string): Promise<Outcome> {
  ctx.logger.warn({ callSid, why }, 'caller rescued to the general queue');
  let call = existing ?? (await lockCallBySid(trx, callSid));
  if (!call) {
    const phone = ctx.pii.protectPhone(from ?? '');
    call = await trx
      .insertInto('calls')
      .values({ call_sid: callSid, direction: 'inbound', caller_hash: phone.hash, caller_encrypted: phone.encrypted, caller_masked: phone.masked || '未知号码', status: 'ivr', failure: why })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (call.status === 'ended') return { twiml: render(ctx, [{ kind: 'hangup' }]) };
  if (call.status === 'ivr' || call.status === 'voicemail') {
    await updateCall(trx, call.id, { ...queueChange(call, 'general', 1), failure: why });
    await addCallEvent(trx, call.id, 'queued', { desk: 'general', priority: 1, fallback: why });
    after.push(() => publishQueueChanged(ctx), () => triggerRouting(ctx));
  }
  const language = languageOf(call);
  return { twiml: render(ctx, [{ kind: 'say', text: APOLOGY[language], language }, enqueueStep(ctx, call.id, call.desk ?? 'general')]) };
}

/** Used by the webhook layer when a handler failed or a parameter was malformed while a caller is on the line. */
export async function rescueCaller(ctx: AppContext, callSid: string, why: string, from?: string): Promise<string> {
  try {
    const after: After[] = [];
    const outcome = await ctx.db.transaction().execute((trx) => rescue(ctx, trx, callSid, why, after, undefined, from));
    for (const fn of after) await Promise.resolve(fn()).catch(() => undefined);
    return outcome.twiml;
  } catch (error) {
    ctx.logger.error({ err: error, callSid }, 'rescue failed; the caller waits in the general queue loop');
    // Even with the database gone: an apology and a queue whose wait loop keeps the caller company.
    const steps: VoiceStep[] = [
      { kind: 'say', text: APOLOGY['zh-CN'], language: 'zh-CN' },
      { kind: 'enqueue', queue: 'hotline-general', waitUrl: voiceUrl(ctx, 'wait') },
    ];
    return ctx.ports.telephony?.renderVoice(steps) ?? `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN">${APOLOGY['zh-CN']}</Say><Enqueue waitUrl="${voiceUrl(ctx, 'wait')}">hotline-general</Enqueue></Response>`;
  }
}

// ------------------------------------------------------------------------------------------------------
// The queue's wait loop

/** What the wait loop says; the place counts callers ahead in the routing order over all desks (telephony.wait-figures.ts). */
const WAIT_TEXT = {
  position: { 'zh-CN': (p: number, m: number) => `您前面还有${p - 1}位来电，预计等待约${m}分钟。`, en: (p: number, m: number) => `There are ${p - 1} callers ahead of you. The expected wait is about ${m} minutes.` },
  callback: { 'zh-CN': '如需挂机等待回电，请按1，我们将按您的排队顺序回拨；继续等待请不要挂机。', en: 'To hang up and be called back in your turn, press 1. Or stay on the line.' },
  callbackConfirmed: { 'zh-CN': '已为您预约回电，我们将按您的排队顺序尽快回拨，请保持电话畅通。再见。', en: 'We will call you back in your turn. Please keep your phone free. Goodbye.' },
  hold: { 'zh-CN': '请稍候，正在为您接通。', en: 'Please hold, we are connecting you.' },
};

/** Pause between announcements, in (carrier) seconds. */
const WAIT_PAUSE_SECONDS = 10;

/**
 * One round of the wait loop. Read-mostly, so not keyed: it announces the position and expected wait and
 * offers a callback; it also steers the caller when the call has moved on (an agent answered but the carrier
 * redirect failed, voicemail when nobody is signed in, overflow to the general desk).
 */
export async function handleWait(ctx: AppContext, input: { callId?: string; callSid: string; from?: string }): Promise<string> {
  const call = input.callId
    ? await ctx.db.selectFrom('calls').selectAll().where('id', '=', input.callId).executeTakeFirst()
    : await ctx.db.selectFrom('calls').selectAll().where('call_sid', '=', input.callSid).executeTakeFirst();
  if (!call || call.call_sid !== input.callSid) return rescueCaller(ctx, input.callSid, 'wait loop without a call record', input.from);
  const language = languageOf(call);
  if (call.status === 'ended') return render(ctx, [{ kind: 'hangup' }]);
  if (call.status === 'talking' && call.caller_location === 'queue') {
    // An agent took the call but moving the caller over REST failed: move them from here.
    return render(ctx, [{ kind: 'redirect', url: voiceUrl(ctx, 'connect', { call: call.id }) }]);
  }
  if (call.status === 'voicemail') return render(ctx, [{ kind: 'redirect', url: voiceUrl(ctx, 'voicemail', { call: call.id }) }]);
  if (call.status === 'queued') {
    if (call.queued_at && Date.now() - call.queued_at.getTime() > ctx.config.calls.overflowSeconds * 1000 && (call.desk !== 'general' || call.target_agent_id)) {
      await overflowLongWaits(ctx, call.id);
    }
    if (!(await isQueueStaffed(ctx.db))) {
      // Nobody is signed in to answer: the flow's voice bot first, when it has one (telephony.unstaffed.ts) …
      const bot = await offerVoicebotWhileUnstaffed(ctx, call);
      if (bot !== undefined) return bot;
      // … then voicemail rather than an endless wait.
      await ctx.db.transaction().execute(async (trx) => {
        const locked = await lockCall(trx, call.id);
        if (locked?.status !== 'queued') return;
        await updateCall(trx, call.id, { status: 'voicemail', caller_location: 'ivr' });
        await addCallEvent(trx, call.id, 'sent_to_voicemail', { reason: 'no_agents' });
      });
      publishQueueChanged(ctx);
      return render(ctx, [{ kind: 'redirect', url: voiceUrl(ctx, 'voicemail', { call: call.id }) }]);
    }
  }
  const { position, minutes } = await describeWait(ctx.db, call);
  return render(ctx, [
    { kind: 'say', text: WAIT_TEXT.position[language](position, minutes), language },
    {
      kind: 'gather',
      action: voiceUrl(ctx, 'wait-key', { call: call.id, at: Date.now() }),
      input: ['dtmf'],
      numDigits: 1,
      timeoutSeconds: 1,
      language,
      prompt: [{ kind: 'say', text: WAIT_TEXT.callback[language], language }, { kind: 'pause', seconds: WAIT_PAUSE_SECONDS }],
    },
  ]);
}

/** A key pressed in the wait loop: 1 asks for a callback that keeps the caller's place. */
export async function handleWaitKey(ctx: AppContext, input: { callId: string; callSid: string; at: string; digits: string }): Promise<string> {
  return once(ctx, input.callSid, `wait-key:${input.at}`, async (trx) => {
    const after: After[] = [];
    const call = await lockCall(trx, input.callId);
    if (!call || call.call_sid !== input.callSid) return rescue(ctx, trx, input.callSid, 'unknown call at wait key', after);
    const language = languageOf(call);
    if (input.digits === '1' && call.status === 'queued') {
      await updateCall(trx, call.id, { callback_requested: true, caller_location: 'none', priority: call.priority + 1 });
      await addCallEvent(trx, call.id, 'callback_requested', {});
      after.push(() => publishQueueChanged(ctx));
      return { twiml: render(ctx, [{ kind: 'say', text: WAIT_TEXT.callbackConfirmed[language], language }, { kind: 'hangup' }]) };
    }
    if (call.status === 'talking' && call.caller_location === 'queue') return { twiml: render(ctx, [{ kind: 'redirect', url: voiceUrl(ctx, 'connect', { call: call.id }) }]) };
    // Any other key: back into the queue, same place (queued_at is unchanged).
    return { twiml: render(ctx, [enqueueStep(ctx, call.id, call.desk ?? 'general')]) };
  });
}

/** The voicemail flow, for a caller nobody can answer. */
export async function handleVoicemailStart(ctx: AppContext, input: { callId: string; callSid: string }): Promise<string> {
  return once(ctx, input.callSid, 'voicemail-start', async (trx) => {
    const after: After[] = [];
    const call = await lockCall(trx, input.callId);
    if (!call || call.call_sid !== input.callSid) return rescue(ctx, trx, input.callSid, 'unknown call at voicemail', after);
    const flow = flowOf(ctx, 'voicemail');
    await updateCall(trx, call.id, { status: 'voicemail', caller_location: 'ivr' });
    const result = startCall(flow, { now: new Date().toISOString(), language: languageOf(call) });
    const steps = await applyFlowResult(ctx, trx, { ...call, status: 'voicemail' }, flow, result, after);
    return { twiml: render(ctx, steps), after };
  });
}

/** The caller joins the call's conference (an agent has answered). */
export async function handleConnect(ctx: AppContext, input: { callId: string; callSid: string }): Promise<string> {
  return once(ctx, input.callSid, 'connect', async (trx) => {
    const after: After[] = [];
    const call = await lockCall(trx, input.callId);
    if (!call || call.call_sid !== input.callSid) return rescue(ctx, trx, input.callSid, 'unknown call at connect', after);
    if (call.status === 'ended') return { twiml: render(ctx, [{ kind: 'hangup' }]) };
    await updateCall(trx, call.id, { caller_location: 'conference' });
    return { twiml: render(ctx, [callerConferenceStep(ctx, call.id)]) };
  });
}

function callerConferenceStep(ctx: AppContext, callId: string): VoiceStep {
  return {
    kind: 'conference',
    name: conferenceName(callId),
    label: 'caller',
    startOnEnter: true,
    // The caller leaving ends the call for everyone in it.
    endOnExit: true,
    statusCallback: voiceUrl(ctx, 'conference', { call: callId }),
    record: true,
    recordingStatusCallback: voiceUrl(ctx, 'recording', { call: callId }),
  };
}

/** The one-key transfer out (110/119/120/122 or another number): said, dialled and recorded. */
export function renderTransferOut(ctx: AppContext, call: Pick<CallRow, 'id' | 'language'>, number: string): string {
  const language = languageOf(call);
  const text = language === 'en' ? `Transferring you to ${number}, please hold.` : `正在为您转接${number}，请稍候。`;
  return render(ctx, [
    { kind: 'say', text, language },
    { kind: 'dial', number, record: true, action: voiceUrl(ctx, 'after-dial', { call: call.id }), recordingStatusCallback: voiceUrl(ctx, 'recording', { call: call.id }) },
  ]);
}

/** What a held caller hears, looped by the carrier. */
export function renderHoldMusic(ctx: AppContext): string {
  return render(ctx, [{ kind: 'say', text: WAIT_TEXT.hold['zh-CN'], language: 'zh-CN' }, { kind: 'pause', seconds: WAIT_PAUSE_SECONDS }]);
}

export function renderHangup(ctx: AppContext): string {
  return render(ctx, [{ kind: 'hangup' }]);
}

// ------------------------------------------------------------------------------------------------------
// Call-leg status

const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * The caller's leg changed status (the hotline number's status callback). Only the final one matters: it ends
 * the call, and what it was before decides the outcome (abandoned in the queue, answered, voicemail …).
 * A status for a call we never saw, or a repeat, changes nothing.
 */
export async function handleCallerStatus(ctx: AppContext, input: { callSid: string; status: string; from?: string; direction?: string }): Promise<void> {
  if (!FINAL_STATUSES.has(input.status)) return;
  // The commonest final status (a caller who left in the IVR or at the voicemail prompt) in one statement;
  // any other call takes the transaction below.
  const left = await endCallLeftInIvr(ctx.db, input.callSid, new Date(), input.status);
  if (left.matched) {
    if (left.ended) {
      publishCall(ctx, 'call.ended', left.ended);
      publishQueueChanged(ctx);
    }
    return;
  }
  await once(ctx, input.callSid, `status:final`, async (trx) => {
    const after: After[] = [];
    let call = await lockCallBySid(trx, input.callSid);
    if (!call && input.direction === 'inbound' && input.from !== undefined) {
      // The incoming-call webhook has not been recorded (yet): record the call as ended, unless its row
      // commits meanwhile, in which case it is ended below like any other.
      const phone = ctx.pii.protectPhone(input.from);
      const failed = await recordCallEndedBeforeAnswer(
        trx,
        { callSid: input.callSid, callerHash: phone.hash, callerEncrypted: phone.encrypted, callerMasked: phone.masked || '未知号码', at: new Date() },
        input.status,
      );
      if (failed) {
        ctx.logger.warn({ callId: failed.id, callSid: input.callSid, status: input.status }, 'caller left before the incoming call was recorded; kept for a callback');
        after.push(() => publishCall(ctx, 'call.ended', failed));
        return { twiml: EMPTY, after };
      }
      call = await lockCallBySid(trx, input.callSid);
    }
    if (!call) return { twiml: EMPTY };
    await endCallerLeg(ctx, trx, call, after, input.status);
    return { twiml: EMPTY, after };
  });
}

/** Ends the caller's side of a call and everything that follows from it, in the caller's transaction. */
async function endCallerLeg(ctx: AppContext, trx: Executor, call: CallRow, after: After[], carrierStatus: string): Promise<void> {
  if (call.status === 'ended') return;
  const now = new Date();
  if (call.callback_requested && (call.status === 'queued' || call.status === 'offering')) {
    // The caller hung up after asking for a callback: the entry keeps its place in the queue.
    await updateCall(trx, call.id, { caller_location: 'none' });
    return;
  }
  const seconds = (from: Date | null) => (from ? Math.max(0, (now.getTime() - from.getTime()) / 1000) : null);
  let ended: CallRow;
  const changes: StateChange[] = [];
  if (call.status === 'talking') {
    ended = await updateCall(trx, call.id, {
      status: 'ended',
      caller_location: 'none',
      ended_at: now,
      talk_seconds: seconds(call.answered_at),
      outcome: call.transferred_at && call.outcome === 'transferred_out' ? 'transferred_out' : call.direction === 'callback' || call.callback_requested ? 'callback_requested' : 'answered',
    });
    await trx.updateTable('call_offers').set({ status: 'ended', ended_at: now }).where('call_id', '=', call.id).where('status', '=', 'accepted').execute();
    const agents = await trx.selectFrom('agent_states').select('user_id').where('call_id', '=', call.id).where('state', '=', 'on_call').execute();
    for (const a of agents) changes.push(await startWrapUp(ctx, trx, a.user_id, call.id));
  } else if (call.status === 'queued' || call.status === 'offering') {
    ended = await updateCall(trx, call.id, {
      status: 'ended',
      caller_location: 'none',
      ended_at: now,
      abandoned_at: now,
      wait_seconds: seconds(call.queued_at),
      outcome: 'abandoned',
      agent_id: null,
    });
    await addMissedCall(trx, ended, 'abandoned');
    const ringing = await trx.selectFrom('call_offers').select(['id']).where('call_id', '=', call.id).where('status', '=', 'ringing').execute();
    for (const o of ringing) after.push(async () => void (await endOffer(ctx, o.id, 'canceled', { reason: 'caller_hung_up' })));
  } else {
    // The commonest end (a caller who left in the IVR): the outcome, the row and its event in one statement.
    ended = await endCallOutsideQueue(trx, call.id, now, carrierStatus);
    if (ended.outcome === 'abandoned') await addMissedCall(trx, ended, 'abandoned');
  }
  if (call.status === 'talking' || call.status === 'queued' || call.status === 'offering') await addCallEvent(trx, call.id, 'ended', { carrierStatus, outcome: ended.outcome });
  if (ended.direction === 'callback' || ended.missed_call_id) await settleCallback(trx, ended, ended.answered_at !== null || ended.talk_seconds !== null);
  after.push(() => {
    for (const c of changes) publishAgentState(ctx, c);
    publishCall(ctx, 'call.ended', ended, call.agent_id ?? call.answered_by);
    publishQueueChanged(ctx);
    // Routing runs even without a state change here: an agent freed earlier may have waited for this end
    // (an agent holding an offering or talking call is not offered another). A call that ended in the IVR
    // or voicemail had no agent and frees none.
    if (call.agent_id || changes.length > 0 || call.status === 'talking' || call.status === 'offering') triggerRouting(ctx);
  });
}

/** A callback call ended: its missed call is done when the citizen was reached, back on the list otherwise. */
async function settleCallback(trx: Executor, call: CallRow, reached: boolean): Promise<void> {
  if (!call.missed_call_id) return;
  const missed = await trx.selectFrom('missed_calls').selectAll().where('id', '=', call.missed_call_id).forUpdate().executeTakeFirst();
  if (!missed || missed.status === 'completed') return;
  if (reached) {
    await trx.updateTable('missed_calls').set({ status: 'completed', completed_at: new Date(), result: 'reached' }).where('id', '=', missed.id).execute();
  } else {
    await trx
      .updateTable('missed_calls')
      .set({ status: missed.attempts >= 3 ? 'failed' : 'open', claimed_by: null, result: 'not_reached' })
      .where('id', '=', missed.id)
      .execute();
  }
}

/**
 * An agent's softphone leg changed status. Answered: the offer is accepted and the caller joins the agent.
 * Ended while ringing: ring-no-answer (the agent goes on break, the call is offered to the next agent).
 * Ended after answering: the agent hung up.
 */
export async function handleAgentLeg(ctx: AppContext, input: { offerId: string; legSid: string; status: string }): Promise<void> {
  if (input.status === 'in-progress' || input.status === 'answered') {
    await once(ctx, input.legSid, 'agent-leg:answered', (trx) => acceptOffer(ctx, trx, input.offerId, input.legSid));
    return;
  }
  if (!FINAL_STATUSES.has(input.status)) return;
  await once(ctx, input.legSid, 'agent-leg:final', async (trx) => {
    const offer = await trx.selectFrom('call_offers').selectAll().where('id', '=', input.offerId).executeTakeFirst();
    if (!offer) return { twiml: EMPTY };
    if (offer.status === 'ringing') {
      const status = input.status === 'busy' || input.status === 'failed' ? 'failed' : 'no_answer';
      return { twiml: EMPTY, after: [async () => void (await endOffer(ctx, offer.id, status, { reason: input.status, hangupLeg: false }))] };
    }
    if (offer.status !== 'accepted') return { twiml: EMPTY };
    return agentLegEnded(ctx, trx, offer);
  });
}

async function acceptOffer(ctx: AppContext, trx: Executor, offerId: string, legSid: string): Promise<Outcome> {
  const offer0 = await trx.selectFrom('call_offers').select(['call_id']).where('id', '=', offerId).executeTakeFirst();
  if (!offer0) return { twiml: EMPTY };
  const call = await lockCall(trx, offer0.call_id);
  const offer = await trx.selectFrom('call_offers').selectAll().where('id', '=', offerId).forUpdate().executeTakeFirstOrThrow();
  const telephony = ctx.ports.telephony;
  if (!call || offer.status !== 'ringing' || call.status === 'ended') {
    // Answered too late (the caller left, or the offer was withdrawn): the agent's leg is hung up.
    return { twiml: EMPTY, after: [() => telephony?.hangupCall(legSid)] };
  }
  const now = new Date();
  await trx.updateTable('call_offers').set({ status: 'accepted', answered_at: now, leg_sid: legSid }).where('id', '=', offerId).execute();
  const change = await changeAgentState(trx, offer.agent_id, 'on_call', { callId: call.id });
  const after: After[] = [() => publishAgentState(ctx, change)];
  if (call.status === 'talking' && call.target_agent_id === offer.agent_id) {
    // A warm transfer: the second agent is now talking with the first; the caller is still on hold.
    await addCallEvent(trx, call.id, 'consult_answered', { agentId: offer.agent_id });
    const row = await updateCall(trx, call.id, {});
    after.push(() => publishCall(ctx, 'call.updated', row, call.agent_id));
    return { twiml: EMPTY, after };
  }
  const callback = call.direction === 'callback' || call.callback_requested;
  const firstAnswer = call.answered_at === null && !callback;
  const row = await updateCall(trx, call.id, {
    status: 'talking',
    agent_id: offer.agent_id,
    answered_by: call.answered_by ?? offer.agent_id,
    target_agent_id: null,
    ...(firstAnswer ? { answered_at: now, wait_seconds: call.queued_at ? (now.getTime() - call.queued_at.getTime()) / 1000 : 0 } : {}),
  });
  await addCallEvent(trx, call.id, 'answered', { agentId: offer.agent_id, offerId });
  after.push(() => publishCall(ctx, 'call.answered', row));
  if (call.caller_location === 'queue' && call.call_sid) {
    // A caller who left the queue meanwhile (false) is ended by their own final status.
    after.push(async () => void (await telephony?.redirectCall(call.call_sid!, voiceUrl(ctx, 'connect', { call: call.id }))));
  } else if (call.caller_location === 'conference' && call.call_sid) {
    after.push(() => telephony?.updateParticipant({ sid: call.conference_sid, name: conferenceName(call.id) }, call.call_sid!, { hold: false }));
  } else if (callback) {
    after.push(() => dialCitizen(ctx, row));
  }
  return { twiml: EMPTY, after };
}

/** The vault keeps numbers in domestic form (13800138000, 057187001234, 00… for abroad); carriers want E.164. */
export function toE164(phone: string): string {
  if (phone.startsWith('+')) return phone;
  if (phone.startsWith('00')) return `+${phone.slice(2)}`;
  return `+86${phone.replace(/^0(?=[1-9])/, '')}`;
}

/** A callback: the agent is on; now the citizen's phone is rung into the same conference. */
async function dialCitizen(ctx: AppContext, call: CallRow): Promise<void> {
  const telephony = ctx.ports.telephony;
  if (!telephony) return;
  try {
    const { legSid } = await telephony.dialIntoConference({
      conference: conferenceName(call.id),
      to: toE164(ctx.pii.reveal(call.caller_encrypted)),
      label: 'caller',
      ringTimeoutSeconds: 30,
      statusCallback: voiceUrl(ctx, 'callee', { call: call.id }),
      endConferenceOnExit: true,
      record: true,
      recordingStatusCallback: voiceUrl(ctx, 'recording', { call: call.id }),
    });
    await ctx.db.updateTable('calls').set({ call_sid: legSid, caller_location: 'conference' }).where('id', '=', call.id).execute();
  } catch (error) {
    ctx.logger.warn({ err: error, callId: call.id }, 'callback dial failed');
    await handleCalleeStatus(ctx, { callId: call.id, legSid: `failed-${call.id}`, status: 'failed' });
  }
}

/** The citizen's leg of a callback. Answered: talking (and the missed call reached). Ended: the call ends. */
export async function handleCalleeStatus(ctx: AppContext, input: { callId: string; legSid: string; status: string }): Promise<void> {
  if (input.status === 'in-progress' || input.status === 'answered') {
    await once(ctx, input.legSid, 'callee:answered', async (trx) => {
      const call = await lockCall(trx, input.callId);
      if (!call || call.status !== 'talking') return { twiml: EMPTY };
      await updateCall(trx, call.id, { call_sid: input.legSid, caller_location: 'conference', talk_seconds: null });
      await addCallEvent(trx, call.id, 'callback_connected', {});
      // The talk clock of a callback starts when the citizen answers.
      await trx.updateTable('calls').set({ answered_at: sql`coalesce(answered_at, now())` }).where('id', '=', call.id).where('direction', '=', 'callback').execute();
      return { twiml: EMPTY };
    });
    return;
  }
  if (!FINAL_STATUSES.has(input.status)) return;
  await once(ctx, input.legSid, 'callee:final', async (trx) => {
    const after: After[] = [];
    const call = await lockCall(trx, input.callId);
    if (!call || call.status === 'ended') return { twiml: EMPTY };
    const agentLegs = await trx.selectFrom('call_offers').select('leg_sid').where('call_id', '=', call.id).where('status', '=', 'accepted').execute();
    await endCallerLeg(ctx, trx, { ...call, status: 'talking' }, after, input.status);
    for (const leg of agentLegs) if (leg.leg_sid) after.push(() => ctx.ports.telephony?.hangupCall(leg.leg_sid!));
    return { twiml: EMPTY, after };
  });
}

/** An answered agent leg ended: the agent hung up (the call ends), or left after a transfer. */
async function agentLegEnded(ctx: AppContext, trx: Executor, offer: { id: string; call_id: string; agent_id: string }): Promise<Outcome> {
  const after: After[] = [];
  const call = await lockCall(trx, offer.call_id);
  // When the caller hung up first, their side already ended this offer and released the agent (who may be
  // on the next call by now): that moment stays its end; the leg's teardown does not move it.
  await trx.updateTable('call_offers').set({ status: 'ended', ended_at: sql`coalesce(ended_at, ${new Date()})` }).where('id', '=', offer.id).execute();
  // Off the call even if the caller's final status has not come yet: the agent may be offered the next one now.
  if (call && call.agent_id === offer.agent_id && call.status === 'talking') await releaseAgentFromCall(trx, call.id, offer.agent_id);
  const state = await trx.selectFrom('agent_states').select(['state', 'call_id']).where('user_id', '=', offer.agent_id).executeTakeFirst();
  if (state?.state === 'on_call' && state.call_id === offer.call_id) {
    const change = await startWrapUp(ctx, trx, offer.agent_id, offer.call_id);
    after.push(() => publishAgentState(ctx, change));
    if (change.to === 'available') after.push(() => triggerRouting(ctx));
  } else if (state?.state === 'available') {
    // Released when the caller's side ended, but routing skipped them while this leg was up: route now.
    after.push(() => triggerRouting(ctx));
  }
  if (call && call.status === 'talking') {
    if (call.agent_id === offer.agent_id && call.call_sid && call.outcome !== 'transferred_out') {
      // The agent hung up: the call is over for the caller too.
      await addCallEvent(trx, call.id, 'agent_hung_up', { agentId: offer.agent_id });
      // Hook for modules/surveys (一次一评): the caller stays on for a one-key rating; hang up only if it cannot start.
      after.push(async () => {
        if (!(await offerPostCallRating(ctx, { callId: call.id, callSid: call.call_sid!, agentId: offer.agent_id }))) await ctx.ports.telephony?.hangupCall(call.call_sid!);
      });
    } else if (call.target_agent_id === offer.agent_id) {
      await updateCall(trx, call.id, { target_agent_id: null });
      await addCallEvent(trx, call.id, 'consult_ended', { agentId: offer.agent_id });
    }
  }
  return { twiml: EMPTY, after };
}

/** Another leg of the conference (a department phone): kept for the record. */
export async function handleOtherLeg(ctx: AppContext, input: { callId: string; legSid: string; status: string }): Promise<void> {
  await once(ctx, input.legSid, `leg:${input.status}`, async (trx) => {
    const leg = await trx.selectFrom('call_legs').select(['leg_sid']).where('leg_sid', '=', input.legSid).executeTakeFirst();
    if (!leg) return { twiml: EMPTY };
    const final = FINAL_STATUSES.has(input.status);
    await trx
      .updateTable('call_legs')
      .set({ status: input.status, ...(final ? { ended_at: new Date() } : {}) })
      .where('leg_sid', '=', input.legSid)
      .execute();
    await addCallEvent(trx, input.callId, `leg_${input.status.replace('-', '_')}`, { legSid: input.legSid });
    return { twiml: EMPTY };
  });
}

/** Conference events: the conference's sid, holds and mutes, for the record. */
export async function handleConferenceEvent(ctx: AppContext, input: { callId: string; conferenceSid: string; event: string; sequence: string; callSid?: string; label?: string }): Promise<void> {
  await once(ctx, input.conferenceSid, `conference:${input.sequence}:${input.event}`, async (trx) => {
    const call = await trx.selectFrom('calls').select(['id', 'conference_sid']).where('id', '=', input.callId).executeTakeFirst();
    if (!call) return { twiml: EMPTY };
    if (!call.conference_sid) await trx.updateTable('calls').set({ conference_sid: input.conferenceSid }).where('id', '=', call.id).execute();
    if (/hold|mute|join|leave/.test(input.event)) await addCallEvent(trx, call.id, `conference_${input.event.replace(/-/g, '_')}`, { callSid: input.callSid, label: input.label });
    return { twiml: EMPTY };
  });
}

/** A call recording is ready: kept, and transcribed in a job. */
export async function handleRecording(ctx: AppContext, input: { callId: string; recordingSid: string; url: string; durationSeconds: number; source?: string }): Promise<void> {
  await once(ctx, input.recordingSid, 'recording', async (trx) => {
    const call = await trx.selectFrom('calls').select('id').where('id', '=', input.callId).executeTakeFirst();
    if (!call) return { twiml: EMPTY };
    // A voicemail is recorded through the flow's Record verb and kept with the voicemail.
    const voicemail = await trx.selectFrom('voicemails').select('id').where('recording_sid', '=', input.recordingSid).executeTakeFirst();
    if (voicemail) return { twiml: EMPTY };
    await trx
      .insertInto('call_recordings')
      .values({ recording_sid: input.recordingSid, call_id: call.id, recording_url: input.url, duration_seconds: input.durationSeconds, source: input.source ?? null })
      .onConflict((oc) => oc.column('recording_sid').doNothing())
      .execute();
    await addJob(trx, 'calls.transcribe-recording', { recordingSid: input.recordingSid, kind: 'call' }, { jobKey: `transcribe:${input.recordingSid}`, maxAttempts: 5 });
    return { twiml: EMPTY };
  });
}

/** After an outside transfer (<Dial> action): the caller's part with us is over. */
export async function handleAfterDial(ctx: AppContext, input: { callId: string; callSid: string; dialStatus: string }): Promise<string> {
  return once(ctx, input.callSid, 'after-dial', async (trx) => {
    const call = await lockCall(trx, input.callId);
    if (call) await addCallEvent(trx, call.id, 'transfer_result', { dialStatus: input.dialStatus });
    return { twiml: render(ctx, [{ kind: 'hangup' }]) };
  });
}

/** The IVR internals the voice bot's turns reuse (telephony.voicebot.ts): one webhook, one claimed transaction. */
export const voicebotSupport = { once, applyFlowResult, rescue, render };
