import { EventEmitter } from 'node:events';
import type { SimClock } from './clock.ts';
import { synthesiseSpeech } from './audio.ts';
import type { SimAudio } from './audio.ts';
import type { HandsetBehaviour, HandsetRegistry } from './handsets.ts';
import { newSid } from './ids.ts';
import type { Step, TimedStep } from './steps.ts';
import { boolAttr, numAttr, parseTwiml, TwimlError } from './twiml.ts';
import type { TwimlNode } from './twiml.ts';
import type { GatherAnswer, Person } from './types.ts';
import { sendSignedWebhook } from './webhook.ts';

/**
 * The call engine: call legs, the TwiML interpreter that drives them, conferences, queues and recordings.
 * Everything here is in-memory state of one simulator instance (`SimContext`).
 */

export type CallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type Direction = 'inbound' | 'outbound-api' | 'outbound-dial';

/** Minimal logger (pino-compatible: object first, message second). */
export interface SimLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** A TwiML document to run next: fetched from a URL, or given inline (calls.update Twiml). */
type Doc = { kind: 'fetch'; url: string; method: string; params?: Record<string, string> } | { kind: 'twiml'; xml: string; url?: string };

/** Why a leg's current work stops: hang up, or run other TwiML (REST redirect). */
type Interrupt = { kind: 'hangup'; by: string; status?: CallStatus } | { kind: 'doc'; doc: Doc };

type DocResult = Doc | { end: CallStatus; by: string } | null;

/** One call leg as the simulator tracks it. */
export interface Leg {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: Direction;
  parentCallSid?: string;
  status: CallStatus;
  answeredBy?: string;
  machineDetection?: string;
  createdAt: number;
  startAt?: number;
  endAt?: number;
  connectedAt?: number;
  endedBy?: string;
  statusCallback?: string;
  statusCallbackMethod: string;
  statusEvents: Set<string>;
  seq: number;
  callbacks: Promise<void>;
  person: Person & HandsetBehaviour;
  role: 'caller' | 'handset';
  pressQueue: string[];
  sayQueue: string[];
  heardSinceInput: string[];
  steps: TimedStep[];
  controller: AbortController;
  /** Aborted when the leg ends: stops its timers and side tasks. */
  life: AbortController;
  ended: Promise<void>;
  resolveEnded: () => void;
  participant?: Participant;
  hold: { controller: AbortController } | null;
  inputWaiter?: (answer: GatherAnswer) => void;
  answerWaiter?: (answered: boolean) => void;
  queueName?: string;
  /** True while a driver (`driveLeg`) runs this leg; a bridged Dial child has none. */
  driven: boolean;
}

/** A conference participant (a leg in a conference, or one being dialled into it). */
export interface Participant {
  leg: Leg;
  conference: Conference;
  label?: string;
  status: 'queued' | 'ringing' | 'connected' | 'complete' | 'failed';
  startOnEnter: boolean;
  endOnExit: boolean;
  muted: boolean;
  hold: boolean;
  waitUrl?: string;
  waitMethod: string;
  createdAt: number;
  updatedAt: number;
  left: Promise<'kicked' | 'conference-ended'>;
  leave: (why: 'kicked' | 'conference-ended') => void;
  waitMusic?: AbortController;
}

/** A conference room, named by FriendlyName. */
export interface Conference {
  sid: string;
  accountSid: string;
  name: string;
  status: 'init' | 'in-progress' | 'completed';
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  endedAt?: number;
  participants: Participant[];
  statusCallback?: string;
  statusCallbackMethod: string;
  statusEvents: Set<string>;
  seq: number;
  callbacks: Promise<void>;
  record?: { statusCallback?: string; method: string };
  reasonEnded?: string;
  callSidEnding?: string;
}

/** A recording the simulator made (a Record verb, a recorded Dial or conference). */
export interface Recording {
  sid: string;
  accountSid: string;
  callSid: string;
  conferenceSid?: string;
  createdAt: number;
  durationSeconds: number;
  source: 'RecordVerb' | 'DialVerb' | 'Conference';
  audio: SimAudio;
}

interface Queue {
  sid: string;
  name: string;
  members: Leg[];
  createdAt: number;
}

/** What `calls()` reports and a placed call resolves to. */
export interface CallSummary {
  callSid: string;
  from: string;
  to: string;
  direction: Direction;
  parentCallSid?: string;
  status: CallStatus;
  endedBy?: string;
  durationSeconds: number;
  talkSeconds: number;
  steps: TimedStep[];
}

/** Shared state of one simulator. */
export interface SimContext {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  clock: SimClock;
  log: SimLog;
  handsets: HandsetRegistry;
  calls: Map<string, Leg>;
  conferences: Map<string, Conference>;
  recordings: Map<string, Recording>;
  queues: Map<string, Queue>;
  events: EventEmitter;
  maxCallSeconds: number;
  webhookTimeoutMs: number;
  stopped: boolean;
  /** Status callbacks to lose on purpose (tests of what happens when the carrier never reports an end). */
  lostCallbacks?: Array<{ url: RegExp | string; callSid?: string; left: number }>;
}

class Interrupted extends Error {
  override name = 'Interrupted';
}

// ---------------------------------------------------------------------------------------------------------
// Legs

/** Creates a call leg and registers it; it does nothing until a driver runs it. */
export function createLeg(
  ctx: SimContext,
  init: {
    from: string;
    to: string;
    direction: Direction;
    parentCallSid?: string;
    person: Person & HandsetBehaviour;
    role: 'caller' | 'handset';
    statusCallback?: string;
    statusCallbackMethod?: string;
    statusEvents?: Iterable<string>;
    machineDetection?: string;
  },
): Leg {
  let resolveEnded = (): void => {};
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const leg: Leg = {
    sid: newSid('CA'),
    accountSid: ctx.accountSid,
    from: init.from,
    to: init.to,
    direction: init.direction,
    parentCallSid: init.parentCallSid,
    status: 'queued',
    machineDetection: init.machineDetection,
    createdAt: ctx.clock.now(),
    statusCallback: init.statusCallback,
    statusCallbackMethod: init.statusCallbackMethod ?? 'POST',
    statusEvents: new Set([...(init.statusEvents ?? [])].map((e) => (e === 'in-progress' ? 'answered' : e))),
    seq: 0,
    callbacks: Promise.resolve(),
    person: init.person,
    role: init.role,
    pressQueue: (init.person.press ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    sayQueue: init.person.say ? [init.person.say] : [],
    heardSinceInput: [],
    steps: [],
    controller: new AbortController(),
    life: new AbortController(),
    ended,
    resolveEnded,
    hold: null,
    driven: false,
  };
  ctx.calls.set(leg.sid, leg);
  // A safety net so a script with no hang-up never runs forever.
  void ctx.clock.sleep(ctx.maxCallSeconds, leg.life.signal).then(
    () => hangupLeg(ctx, leg, 'carrier'),
    () => {},
  );
  return leg;
}

/** Records a step on a leg and tells listeners. */
export function addStep(ctx: SimContext, leg: Leg, step: Step): void {
  const timed = { ...step, at: ctx.clock.now() } as TimedStep;
  leg.steps.push(timed);
  ctx.events.emit('step', leg.sid, timed);
}

/** Who a leg is, from the other side's point of view. */
export function labelOf(leg: Leg): string {
  return leg.direction === 'inbound' ? leg.from : leg.to;
}

function isEnded(leg: Leg): boolean {
  return leg.endAt !== undefined;
}

/** Hangs a leg up (caller, callee, REST or carrier), whatever it is doing. */
export function hangupLeg(ctx: SimContext, leg: Leg, by: string, status?: CallStatus): void {
  if (!leg.driven) finishLeg(ctx, leg, status ?? (leg.startAt === undefined ? 'canceled' : 'completed'), by);
  else interruptLeg(leg, { kind: 'hangup', by, status });
}

/** Makes a live leg run other TwiML (REST calls.update with Url or Twiml). */
export function redirectLeg(ctx: SimContext, leg: Leg, doc: Doc): void {
  if (isEnded(leg)) return;
  if (leg.driven) return interruptLeg(leg, { kind: 'doc', doc });
  // A bridged Dial child redirected over REST leaves the bridge and runs TwiML of its own, as on Twilio.
  void driveLeg(ctx, leg, (signal) => runDoc(ctx, leg, doc, signal));
}

function interruptLeg(leg: Leg, why: Interrupt): void {
  if (isEnded(leg)) return;
  const old = leg.controller;
  leg.controller = new AbortController();
  old.abort(why);
  leg.answerWaiter?.(false);
}

/** Summarises a leg for listings and for the placed-call promise. */
export function summarise(ctx: SimContext, leg: Leg): CallSummary {
  const end = leg.endAt ?? ctx.clock.now();
  return {
    callSid: leg.sid,
    from: leg.from,
    to: leg.to,
    direction: leg.direction,
    parentCallSid: leg.parentCallSid,
    status: leg.status,
    endedBy: leg.endedBy,
    durationSeconds: leg.startAt === undefined ? 0 : Math.round((end - leg.startAt) / 1000),
    talkSeconds: leg.connectedAt === undefined ? 0 : Math.round((end - leg.connectedAt) / 1000),
    steps: leg.steps,
  };
}

function finishLeg(ctx: SimContext, leg: Leg, status: CallStatus, by: string): void {
  if (isEnded(leg)) return;
  leg.endAt = ctx.clock.now();
  leg.status = status;
  leg.endedBy = by;
  leg.life.abort(new Interrupted('ended'));
  leg.controller.abort(new Interrupted('ended'));
  leg.hold?.controller.abort();
  leg.inputWaiter?.(null);
  leg.answerWaiter?.(false);
  if (leg.participant && leg.participant.status === 'connected') removeParticipant(ctx, leg.participant, 'left');
  for (const q of ctx.queues.values()) q.members = q.members.filter((m) => m !== leg);
  const summary = summarise(ctx, leg);
  addStep(ctx, leg, { kind: 'ended', status, by, talkSeconds: summary.talkSeconds, durationSeconds: summary.durationSeconds });
  sendCallStatus(ctx, leg, 'completed');
  void leg.callbacks.then(() => {
    leg.resolveEnded();
    ctx.events.emit('call-ended', summarise(ctx, leg));
  });
}

/** Marks the moment the person on a leg reaches another person; starts their talk timer. */
function markConnected(ctx: SimContext, leg: Leg): void {
  if (leg.connectedAt !== undefined) return;
  leg.connectedAt = ctx.clock.now();
  if (leg.role === 'caller' && leg.person.hangupAfter !== undefined) armHangup(ctx, leg, leg.person.hangupAfter, 'caller');
}

function armHangup(ctx: SimContext, leg: Leg, seconds: number, by: string): void {
  void ctx.clock.sleep(seconds, leg.life.signal).then(
    () => hangupLeg(ctx, leg, by),
    () => {},
  );
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks and status callbacks

function callParams(leg: Leg): Record<string, string> {
  const p: Record<string, string> = {
    AccountSid: leg.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: leg.sid,
    CallStatus: leg.status,
    Called: leg.to,
    Caller: leg.from,
    Direction: leg.direction,
    From: leg.from,
    To: leg.to,
  };
  if (leg.parentCallSid) p.ParentCallSid = leg.parentCallSid;
  if (leg.answeredBy) p.AnsweredBy = leg.answeredBy;
  if (leg.queueName) p.QueueName = leg.queueName;
  return p;
}

/** Posts a call-progress status callback if the leg asked for this event; callbacks of a leg go out in order. */
function sendCallStatus(ctx: SimContext, leg: Leg, event: 'initiated' | 'ringing' | 'answered' | 'completed'): void {
  if (!leg.statusCallback) return;
  // Twilio always reports the final status when a StatusCallback is set; other events only on request.
  if (event !== 'completed' && !leg.statusEvents.has(event)) return;
  const params: Record<string, string> = {
    ...callParams(leg),
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(leg.seq++),
    Timestamp: new Date(ctx.clock.now()).toUTCString().replace('GMT', '+0000'),
  };
  if (event === 'completed') {
    const s = summarise(ctx, leg);
    params.CallDuration = String(s.durationSeconds);
    params.Duration = String(Math.ceil(s.durationSeconds / 60));
  }
  const url = leg.statusCallback;
  leg.callbacks = leg.callbacks.then(() => postQuietly(ctx, url, leg.statusCallbackMethod, params, 'call status'));
}

/** Posts a webhook whose answer does not matter (status callbacks); failures are logged, never thrown. */
async function postQuietly(ctx: SimContext, url: string, method: string, params: Record<string, string>, what: string): Promise<void> {
  if (ctx.stopped) return;
  const lost = ctx.lostCallbacks?.find((l) => l.left > 0 && (typeof l.url === 'string' ? url.includes(l.url) : l.url.test(url)) && (!l.callSid || l.callSid === params.CallSid));
  if (lost) {
    lost.left -= 1;
    ctx.log.info({ url, what, callSid: params.CallSid }, 'carrier-sim: callback lost on purpose');
    return;
  }
  try {
    const reply = await sendSignedWebhook({ url, method, params, authToken: ctx.authToken, timeoutMs: ctx.webhookTimeoutMs });
    if (reply.status >= 400) ctx.log.warn({ url, status: reply.status, what }, 'carrier-sim: callback refused');
  } catch (err) {
    ctx.log.warn({ url, err: String(err), what }, 'carrier-sim: callback failed');
  }
}

/** Fetches TwiML for a leg; throws TwimlError on a non-2xx answer or a body that is not TwiML. */
async function fetchTwiml(ctx: SimContext, leg: Leg, url: string, method: string, extra: Record<string, string>, signal: AbortSignal): Promise<string> {
  const reply = await sendSignedWebhook({
    url,
    method,
    params: { ...callParams(leg), ...extra },
    authToken: ctx.authToken,
    timeoutMs: ctx.webhookTimeoutMs,
    signal,
  });
  if (reply.status < 200 || reply.status >= 300) throw new TwimlError(`HTTP ${reply.status} from ${url}`);
  return reply.body;
}

// ---------------------------------------------------------------------------------------------------------
// Driving a leg through TwiML

/**
 * Runs a leg until it ends: the first piece of work, then whatever TwiML each answer leads to. A REST
 * redirect or a hang-up interrupts whatever is running (a Say, a queue wait, a conference) through the
 * leg's AbortController.
 */
export async function driveLeg(ctx: SimContext, leg: Leg, first: (signal: AbortSignal) => Promise<DocResult>): Promise<void> {
  let work = first;
  leg.driven = true;
  while (!isEnded(leg)) {
    const signal = leg.controller.signal;
    let result: DocResult;
    try {
      result = await work(signal);
    } catch (err) {
      if (isEnded(leg)) return;
      if (signal.aborted) {
        const why = signal.reason as Interrupt;
        if (why.kind === 'hangup') {
          finishLeg(ctx, leg, why.status ?? (leg.startAt === undefined ? 'canceled' : 'completed'), why.by);
          return;
        }
        addStep(ctx, leg, { kind: 'redirected', url: why.doc.kind === 'fetch' ? why.doc.url : 'TwiML' });
        work = (s) => runDoc(ctx, leg, why.doc, s);
        continue;
      }
      // Twilio's answer to an application error: an apology, then hang up.
      ctx.log.warn({ callSid: leg.sid, err: String(err) }, 'carrier-sim: application error');
      addStep(ctx, leg, { kind: 'error', message: err instanceof Error ? err.message : String(err) });
      addStep(ctx, leg, { kind: 'heard', text: 'We are sorry, an application error has occurred. Goodbye.' });
      finishLeg(ctx, leg, 'completed', 'carrier');
      return;
    }
    if (result === null) {
      finishLeg(ctx, leg, 'completed', 'platform');
      return;
    }
    if ('end' in result) {
      finishLeg(ctx, leg, result.end, result.by);
      return;
    }
    const doc = result;
    work = (s) => runDoc(ctx, leg, doc, s);
  }
}

async function runDoc(ctx: SimContext, leg: Leg, doc: Doc, signal: AbortSignal): Promise<DocResult> {
  const url = doc.kind === 'fetch' ? doc.url : doc.url ?? ctx.baseUrl;
  const xml = doc.kind === 'fetch' ? await fetchTwiml(ctx, leg, doc.url, doc.method, doc.params ?? {}, signal) : doc.xml;
  const verbs = parseTwiml(xml);
  if (leg.startAt === undefined && leg.direction === 'inbound') {
    // An inbound call is answered when its first TwiML runs.
    leg.status = 'in-progress';
    leg.startAt = ctx.clock.now();
    sendCallStatus(ctx, leg, 'answered');
  }
  return runVerbs(ctx, leg, verbs, url, signal);
}

function resolveUrl(target: string | undefined, base: string): string {
  return new URL(target && target.trim() ? target.trim() : base, base).toString();
}

async function followAction(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, extra: Record<string, string>, signal: AbortSignal): Promise<Doc> {
  const url = resolveUrl(node.attrs.action, docUrl);
  const method = node.attrs.method ?? 'POST';
  const xml = await fetchTwiml(ctx, leg, url, method, extra, signal);
  return { kind: 'twiml', xml, url };
}

/** Tells the platform what happened after the caller hung up (Record, Dial, Enqueue actions); the answer is ignored. */
function postAfterHangup(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, extra: Record<string, string>): void {
  if (!node.attrs.action && node.name !== 'Record') return;
  const url = resolveUrl(node.attrs.action, docUrl);
  void postQuietly(ctx, url, node.attrs.method ?? 'POST', { ...callParams(leg), CallStatus: 'completed', ...extra }, `${node.name} action`);
}

function isHangup(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as Interrupt).kind === 'hangup';
}

async function runVerbs(ctx: SimContext, leg: Leg, verbs: TwimlNode[], docUrl: string, signal: AbortSignal): Promise<DocResult> {
  for (const verb of verbs) {
    const result = await runVerb(ctx, leg, verb, docUrl, signal);
    if (result !== undefined) return result;
  }
  return null;
}

/** Runs one verb; `undefined` means go on with the next verb. */
async function runVerb(ctx: SimContext, leg: Leg, verb: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  switch (verb.name) {
    case 'Say':
    case 'Play':
    case 'Pause':
      await playMedia(ctx, leg, verb, signal);
      return undefined;
    case 'Gather':
      return runGather(ctx, leg, verb, docUrl, signal);
    case 'Redirect':
      return { kind: 'fetch', url: resolveUrl(verb.text, docUrl), method: verb.attrs.method ?? 'POST' };
    case 'Hangup':
      return { end: 'completed', by: 'platform' };
    case 'Reject':
      return { end: verb.attrs.reason === 'busy' ? 'busy' : 'no-answer', by: 'platform' };
    case 'Record':
      return runRecord(ctx, leg, verb, docUrl, signal);
    case 'Dial':
      return runDial(ctx, leg, verb, docUrl, signal);
    case 'Enqueue':
      return runEnqueue(ctx, leg, verb, docUrl, signal);
    case 'Leave':
      return undefined;
    default:
      // Twilio rejects unknown verbs with error 12100; so do we, so platform bugs show up here too.
      throw new TwimlError(`unsupported TwiML verb <${verb.name}>`);
  }
}

/** Say, Play and Pause: what the person hears, taking simulated time. */
async function playMedia(ctx: SimContext, leg: Leg, verb: TwimlNode, signal: AbortSignal): Promise<void> {
  const loops = Math.min(numAttr(verb, 'loop', 1) || 100, 100);
  for (let i = 0; i < loops; i++) {
    if (verb.name === 'Say') {
      addStep(ctx, leg, { kind: 'heard', text: verb.text, language: verb.attrs.language });
      leg.heardSinceInput.push(verb.text);
      await ctx.clock.sleep(Math.max(1, Math.round(verb.text.length * 0.2)), signal);
    } else if (verb.name === 'Play') {
      if (verb.text) addStep(ctx, leg, { kind: 'played', url: verb.text });
      await ctx.clock.sleep(verb.text ? 3 : 1, signal);
    } else {
      const seconds = numAttr(verb, 'length', 1);
      addStep(ctx, leg, { kind: 'paused', seconds });
      await ctx.clock.sleep(seconds, signal);
      return;
    }
  }
}

function normaliseAnswer(answer: GatherAnswer, dtmf: boolean, speech: boolean): { press?: string; say?: string } {
  if (answer === null || answer === undefined) return {};
  if (typeof answer === 'string') return dtmf && /^[0-9*#]+$/.test(answer) ? { press: answer } : speech ? { say: answer } : {};
  return { press: dtmf ? answer.press : undefined, say: speech ? answer.say : undefined };
}

async function collectInput(ctx: SimContext, leg: Leg, gather: TwimlNode, input: Array<'dtmf' | 'speech'>, timeout: number, signal: AbortSignal): Promise<{ press?: string; say?: string }> {
  const dtmf = input.includes('dtmf');
  const speech = input.includes('speech');
  if (leg.person.interactive) {
    const waited = new Promise<GatherAnswer>((resolve) => (leg.inputWaiter = resolve));
    const timer = ctx.clock.sleep(timeout, signal).then(() => null);
    try {
      return normaliseAnswer(await Promise.race([waited, timer]), dtmf, speech);
    } finally {
      leg.inputWaiter = undefined;
    }
  }
  if (dtmf && leg.pressQueue.length) return { press: leg.pressQueue.shift() };
  if (speech && leg.sayQueue.length) return { say: leg.sayQueue.shift() };
  if (leg.person.onGather) {
    const numDigits = gather.attrs.numDigits ? Number(gather.attrs.numDigits) : undefined;
    const answer = await leg.person.onGather({ callSid: leg.sid, prompt: leg.heardSinceInput.join(' '), input, numDigits });
    return normaliseAnswer(answer, dtmf, speech);
  }
  return {};
}

/** Sends scripted input to an interactive leg waiting at a Gather. Returns false when it is not waiting. */
export function sendInput(leg: Leg, answer: GatherAnswer): boolean {
  if (!leg.inputWaiter) return false;
  leg.inputWaiter(answer);
  return true;
}

async function runGather(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  const input = (node.attrs.input ?? 'dtmf').split(/\s+/).filter((i): i is 'dtmf' | 'speech' => i === 'dtmf' || i === 'speech');
  for (const child of node.children) {
    if (child.name === 'Say' || child.name === 'Play' || child.name === 'Pause') await playMedia(ctx, leg, child, signal);
  }
  const timeout = numAttr(node, 'timeout', 5);
  const answer = await collectInput(ctx, leg, node, input, timeout, signal);
  leg.heardSinceInput = [];
  const extra: Record<string, string> = {};
  if (answer.press) {
    const finishOnKey = node.attrs.finishOnKey ?? '#';
    let digits = answer.press;
    const cut = finishOnKey ? digits.indexOf(finishOnKey) : -1;
    if (cut >= 0) {
      digits = digits.slice(0, cut);
      extra.FinishedOnKey = finishOnKey;
    }
    const numDigits = node.attrs.numDigits ? Number(node.attrs.numDigits) : undefined;
    if (numDigits && digits.length > numDigits) digits = digits.slice(0, numDigits);
    addStep(ctx, leg, { kind: 'pressed', digits: answer.press });
    await ctx.clock.sleep(0.3 * answer.press.length, signal);
    extra.Digits = digits;
  } else if (answer.say) {
    addStep(ctx, leg, { kind: 'said', text: answer.say });
    await ctx.clock.sleep(Math.max(1, Math.round(answer.say.length * 0.25)), signal);
    extra.SpeechResult = answer.say;
    extra.Confidence = '0.92';
  } else {
    addStep(ctx, leg, { kind: 'no-input' });
    if (!leg.person.interactive) await ctx.clock.sleep(timeout, signal);
    if (!boolAttr(node, 'actionOnEmptyResult', false)) return undefined;
    if (input.includes('dtmf')) extra.Digits = '';
  }
  return followAction(ctx, leg, node, docUrl, extra, signal);
}

// ---------------------------------------------------------------------------------------------------------
// Record

function recordingUrl(ctx: SimContext, sid: string): string {
  return `${ctx.baseUrl}/2010-04-01/Accounts/${ctx.accountSid}/Recordings/${sid}`;
}

function storeRecording(ctx: SimContext, init: Omit<Recording, 'sid' | 'accountSid' | 'createdAt'>): Recording {
  const rec: Recording = { sid: newSid('RE'), accountSid: ctx.accountSid, createdAt: ctx.clock.now(), ...init };
  ctx.recordings.set(rec.sid, rec);
  return rec;
}

function sendRecordingStatus(ctx: SimContext, rec: Recording, url: string | undefined, method: string | undefined, startedAt: number): void {
  if (!url) return;
  const params: Record<string, string> = {
    AccountSid: rec.accountSid,
    CallSid: rec.callSid,
    RecordingSid: rec.sid,
    RecordingUrl: recordingUrl(ctx, rec.sid),
    RecordingStatus: 'completed',
    RecordingDuration: String(rec.durationSeconds),
    RecordingChannels: '1',
    RecordingSource: rec.source === 'Conference' ? 'Conference' : rec.source === 'DialVerb' ? 'DialVerb' : 'RecordVerb',
    RecordingStartTime: new Date(startedAt).toUTCString().replace('GMT', '+0000'),
    ErrorCode: '0',
  };
  if (rec.conferenceSid) params.ConferenceSid = rec.conferenceSid;
  void postQuietly(ctx, url, method ?? 'POST', params, 'recording status');
}

async function runRecord(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  const maxLength = numAttr(node, 'maxLength', 3600);
  if (boolAttr(node, 'playBeep', true)) addStep(ctx, leg, { kind: 'heard', text: '(beep)' });
  addStep(ctx, leg, { kind: 'recording', maxSeconds: maxLength });
  const message = leg.person.leaveMessage;
  leg.person = { ...leg.person, leaveMessage: undefined };
  if (!message) {
    // Silence: Twilio ends the Record after `timeout` seconds and, with nothing recorded, goes on.
    addStep(ctx, leg, { kind: 'no-input' });
    await ctx.clock.sleep(numAttr(node, 'timeout', 5), signal);
    return undefined;
  }
  addStep(ctx, leg, { kind: 'said', text: message });
  const startedAt = ctx.clock.now();
  const audio = await synthesiseSpeech(message, 5);
  const seconds = Math.min(maxLength, Math.max(1, Math.round(audio.durationSeconds)));
  let digits = '#';
  try {
    await ctx.clock.sleep(seconds, signal);
  } catch (err) {
    if (!isHangup(signal)) throw err;
    digits = 'hangup';
  }
  const heldFor = digits === 'hangup' ? Math.max(1, Math.round((ctx.clock.now() - startedAt) / 1000)) : seconds;
  const rec = storeRecording(ctx, { callSid: leg.sid, durationSeconds: Math.min(heldFor, seconds), source: 'RecordVerb', audio });
  addStep(ctx, leg, { kind: 'recorded', seconds: rec.durationSeconds, recordingSid: rec.sid });
  sendRecordingStatus(ctx, rec, node.attrs.recordingStatusCallback && resolveUrl(node.attrs.recordingStatusCallback, docUrl), node.attrs.recordingStatusCallbackMethod, startedAt);
  const extra = { RecordingUrl: recordingUrl(ctx, rec.sid), RecordingSid: rec.sid, RecordingDuration: String(rec.durationSeconds), Digits: digits };
  if (digits === 'hangup') {
    postAfterHangup(ctx, leg, node, docUrl, extra);
    throw signal.reason;
  }
  addStep(ctx, leg, { kind: 'pressed', digits: '#' });
  return followAction(ctx, leg, node, docUrl, extra, signal);
}

// ---------------------------------------------------------------------------------------------------------
// Ringing outbound legs

/**
 * Rings the handset on an outbound leg and reports how it ended. Status callbacks: initiated, ringing and,
 * on answer, answered (the completed one is sent when the leg finishes).
 */
export async function ringLeg(ctx: SimContext, leg: Leg, timeoutSeconds: number, signal: AbortSignal): Promise<'answered' | 'busy' | 'no-answer' | 'failed'> {
  const behaviour = leg.person;
  // The REST answer goes out first, with status queued; dialling starts just after.
  await ctx.clock.sleep(0.1, signal);
  leg.status = 'initiated';
  sendCallStatus(ctx, leg, 'initiated');
  await ctx.clock.sleep(0.2, signal);
  if (behaviour.answer === 'busy') return 'busy';
  leg.status = 'ringing';
  addStep(ctx, leg, { kind: 'ringing', to: leg.to });
  sendCallStatus(ctx, leg, 'ringing');
  ctx.events.emit('ringing', summarise(ctx, leg));
  if (behaviour.answer === 'no-answer') {
    await ctx.clock.sleep(timeoutSeconds, signal);
    return 'no-answer';
  }
  if (behaviour.answer === 'manual') {
    const answered = new Promise<boolean>((resolve) => (leg.answerWaiter = resolve));
    const timedOut = ctx.clock.sleep(timeoutSeconds, signal).then(() => false);
    const ok = await Promise.race([answered, timedOut]);
    leg.answerWaiter = undefined;
    if (signal.aborted) throw signal.reason;
    if (!ok) return 'no-answer';
  } else {
    const after = behaviour.afterSeconds ?? 1;
    if (after >= timeoutSeconds) {
      await ctx.clock.sleep(timeoutSeconds, signal);
      return 'no-answer';
    }
    await ctx.clock.sleep(after, signal);
  }
  if (isEnded(leg)) return 'no-answer';
  const machine = behaviour.answer === 'machine';
  if (leg.machineDetection) leg.answeredBy = machine ? 'machine_start' : 'human';
  leg.status = 'in-progress';
  leg.startAt = ctx.clock.now();
  addStep(ctx, leg, { kind: 'answered', by: machine ? 'machine' : 'human' });
  sendCallStatus(ctx, leg, 'answered');
  if (behaviour.hangupAfter !== undefined) armHangup(ctx, leg, behaviour.hangupAfter, 'callee');
  return 'answered';
}

/** Answers a ringing leg whose handset answers manually (a person at the browser softphone). */
export function answerLeg(leg: Leg): boolean {
  if (!leg.answerWaiter) return false;
  leg.answerWaiter(true);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Dial

async function runDial(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  const conferenceNode = node.children.find((c) => c.name === 'Conference');
  if (conferenceNode) return dialConference(ctx, leg, node, conferenceNode, docUrl, signal);
  const target = node.children.find((c) => c.name === 'Number' || c.name === 'Client' || c.name === 'Sip');
  let to: string;
  if (target) to = target.name === 'Client' && !target.text.startsWith('client:') ? `client:${target.text}` : target.text;
  else if (node.text) to = node.text;
  else throw new TwimlError('<Dial> without a number, client or conference');
  return dialNumber(ctx, leg, node, target, to, docUrl, signal);
}

async function dialNumber(ctx: SimContext, leg: Leg, node: TwimlNode, target: TwimlNode | undefined, to: string, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  addStep(ctx, leg, { kind: 'dialling', target: to });
  const child = createLeg(ctx, {
    from: node.attrs.callerId ?? leg.from,
    to,
    direction: 'outbound-dial',
    parentCallSid: leg.sid,
    person: ctx.handsets.get(to),
    role: 'handset',
    statusCallback: target?.attrs.statusCallback ? resolveUrl(target.attrs.statusCallback, docUrl) : undefined,
    statusCallbackMethod: target?.attrs.statusCallbackMethod,
    statusEvents: (target?.attrs.statusCallbackEvent ?? '').split(/[\s,]+/).filter(Boolean),
  });
  const timeLimit = numAttr(node, 'timeLimit', 14_400);
  const record = (node.attrs.record ?? 'do-not-record').startsWith('record-from');
  let dialStatus: CallStatus = 'completed';
  let talkStart: number | undefined;
  const extra: Record<string, string> = { DialCallSid: child.sid };
  try {
    const rang = await ringLeg(ctx, child, numAttr(node, 'timeout', 30), signal);
    if (rang !== 'answered') {
      dialStatus = rang;
      finishLeg(ctx, child, rang, 'callee');
    } else {
      talkStart = ctx.clock.now();
      markConnected(ctx, leg);
      markConnected(ctx, child);
      addStep(ctx, leg, { kind: 'connected', with: to });
      addStep(ctx, child, { kind: 'connected', with: labelOf(leg) });
      // Talk until either side hangs up (the callee's hangupAfter ends `child.ended`) or the time limit.
      const limit = ctx.clock.sleep(timeLimit, signal);
      await Promise.race([child.ended, limit]);
      if (!isEnded(child)) hangupLeg(ctx, child, 'platform');
      await child.ended;
    }
  } catch (err) {
    if (!isEnded(child)) hangupLeg(ctx, child, isHangup(signal) ? 'caller' : 'platform', child.startAt === undefined ? 'canceled' : undefined);
    if (isHangup(signal)) {
      await child.ended;
      Object.assign(extra, dialOutcome(ctx, child, talkStart, record, leg, node, docUrl));
      postAfterHangup(ctx, leg, node, docUrl, extra);
    }
    throw err;
  }
  addStep(ctx, leg, { kind: 'dial-result', target: to, status: dialStatus });
  Object.assign(extra, dialOutcome(ctx, child, talkStart, record, leg, node, docUrl));
  extra.DialCallStatus = dialStatus;
  if (!node.attrs.action) return undefined;
  return followAction(ctx, leg, node, docUrl, extra, signal);
}

function dialOutcome(ctx: SimContext, child: Leg, talkStart: number | undefined, record: boolean, leg: Leg, node: TwimlNode, docUrl: string): Record<string, string> {
  const out: Record<string, string> = { DialCallStatus: child.status === 'in-progress' ? 'completed' : child.status };
  if (talkStart === undefined) return out;
  const seconds = Math.max(1, Math.round(((child.endAt ?? ctx.clock.now()) - talkStart) / 1000));
  out.DialCallDuration = String(seconds);
  if (record) {
    const talk = [leg.person.talk, child.person.talk].filter(Boolean).join('。');
    const rec = storeRecording(ctx, { callSid: leg.sid, durationSeconds: seconds, source: 'DialVerb', audio: { wav: Buffer.alloc(0), durationSeconds: seconds, source: 'tone' } });
    // The audio is made in the background; the media route waits for it.
    void synthesiseSpeech(talk || undefined, Math.min(seconds, 600)).then((audio) => (rec.audio = audio));
    out.RecordingUrl = recordingUrl(ctx, rec.sid);
    out.RecordingSid = rec.sid;
    out.RecordingDuration = String(seconds);
    const cb = node.attrs.recordingStatusCallback;
    sendRecordingStatus(ctx, rec, cb && resolveUrl(cb, docUrl), node.attrs.recordingStatusCallbackMethod, talkStart);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Conferences

/** Finds the live conference with this name, or opens a new one. */
export function openConference(ctx: SimContext, name: string): Conference {
  for (const c of ctx.conferences.values()) if (c.name === name && c.status !== 'completed') return c;
  const now = ctx.clock.now();
  const conf: Conference = {
    sid: newSid('CF'),
    accountSid: ctx.accountSid,
    name,
    status: 'init',
    createdAt: now,
    updatedAt: now,
    participants: [],
    statusCallbackMethod: 'POST',
    statusEvents: new Set(),
    seq: 0,
    callbacks: Promise.resolve(),
  };
  ctx.conferences.set(conf.sid, conf);
  return conf;
}

/** Options a participant joins with (from <Conference> attributes or the Participants REST call). */
export interface JoinOptions {
  startOnEnter: boolean;
  endOnExit: boolean;
  muted: boolean;
  waitUrl?: string;
  waitMethod?: string;
  label?: string;
  statusCallback?: string;
  statusCallbackMethod?: string;
  statusEvents?: string[];
  record?: { statusCallback?: string; method: string };
}

/** Adds a participant record (not yet connected) to a conference. */
export function addParticipant(ctx: SimContext, conf: Conference, leg: Leg, opts: JoinOptions): Participant {
  if (!conf.statusCallback && opts.statusCallback) {
    // As on Twilio, the first participant that names a status callback sets it for the conference.
    conf.statusCallback = opts.statusCallback;
    conf.statusCallbackMethod = opts.statusCallbackMethod ?? 'POST';
    conf.statusEvents = new Set(opts.statusEvents ?? []);
  }
  if (!conf.record && opts.record) conf.record = opts.record;
  let leave = (_why: 'kicked' | 'conference-ended'): void => {};
  const left = new Promise<'kicked' | 'conference-ended'>((r) => (leave = r));
  const now = ctx.clock.now();
  const p: Participant = {
    leg,
    conference: conf,
    label: opts.label,
    status: 'queued',
    startOnEnter: opts.startOnEnter,
    endOnExit: opts.endOnExit,
    muted: opts.muted,
    hold: false,
    waitUrl: opts.waitUrl,
    waitMethod: opts.waitMethod ?? 'POST',
    createdAt: now,
    updatedAt: now,
    left,
    leave,
  };
  conf.participants.push(p);
  leg.participant = p;
  return p;
}

function connected(conf: Conference): Participant[] {
  return conf.participants.filter((p) => p.status === 'connected');
}

function sendConferenceEvent(ctx: SimContext, conf: Conference, event: string, p?: Participant, extra: Record<string, string> = {}): void {
  if (!conf.statusCallback) return;
  // statusCallbackEvent names: start end join leave mute hold (hold covers unhold, mute covers unmute).
  const short = event.replace('conference-', '').replace('participant-', '').replace(/^un(hold|mute)$/, '$1');
  if (!conf.statusEvents.has(short) && !conf.statusEvents.has(event)) return;
  const params: Record<string, string> = {
    AccountSid: conf.accountSid,
    ConferenceSid: conf.sid,
    FriendlyName: conf.name,
    StatusCallbackEvent: event,
    SequenceNumber: String(++conf.seq),
    Timestamp: new Date(ctx.clock.now()).toUTCString().replace('GMT', '+0000'),
    ...extra,
  };
  if (p) {
    Object.assign(params, {
      CallSid: p.leg.sid,
      Muted: String(p.muted),
      Hold: String(p.hold),
      Coaching: 'false',
      EndConferenceOnExit: String(p.endOnExit),
      StartConferenceOnEnter: String(p.startOnEnter),
    });
    if (p.label) params.ParticipantLabel = p.label;
  }
  const url = conf.statusCallback;
  conf.callbacks = conf.callbacks.then(() => postQuietly(ctx, url, conf.statusCallbackMethod, params, `conference ${event}`));
}

/** Connects a participant whose leg is live: join event, start the conference if it can, wait music if not. */
export function connectParticipant(ctx: SimContext, p: Participant): void {
  const conf = p.conference;
  p.status = 'connected';
  p.updatedAt = ctx.clock.now();
  sendConferenceEvent(ctx, conf, 'participant-join', p);
  const others = connected(conf).filter((o) => o !== p);
  if (conf.status === 'in-progress') {
    for (const o of others) addStep(ctx, o.leg, { kind: 'joined', who: labelOf(p.leg) });
    if (others.length) {
      addStep(ctx, p.leg, { kind: 'connected', with: others.map((o) => labelOf(o.leg)).join(', ') });
      markConnected(ctx, p.leg);
    } else addStep(ctx, p.leg, { kind: 'waiting', conference: conf.name });
    return;
  }
  addStep(ctx, p.leg, { kind: 'waiting', conference: conf.name });
  const all = connected(conf);
  if (all.length >= 2 && all.some((o) => o.startOnEnter)) {
    conf.status = 'in-progress';
    conf.startedAt = ctx.clock.now();
    conf.updatedAt = conf.startedAt;
    sendConferenceEvent(ctx, conf, 'conference-start');
    for (const o of all) {
      o.waitMusic?.abort();
      addStep(ctx, o.leg, { kind: 'connected', with: all.filter((x) => x !== o).map((x) => labelOf(x.leg)).join(', ') });
      markConnected(ctx, o.leg);
    }
  } else if (p.waitUrl) {
    p.waitMusic = new AbortController();
    void playLoop(ctx, p.leg, p.waitUrl, p.waitMethod, AbortSignal.any([p.waitMusic.signal, p.leg.life.signal]), () => ({}));
  }
}

/** Takes a participant out: leave event, notices to the others, and the conference's end when it follows. */
export function removeParticipant(ctx: SimContext, p: Participant, why: 'left' | 'kicked' | 'conference-ended'): void {
  const conf = p.conference;
  const wasConnected = p.status === 'connected';
  p.status = 'complete';
  p.updatedAt = ctx.clock.now();
  p.waitMusic?.abort();
  conf.participants = conf.participants.filter((x) => x !== p);
  if (p.leg.participant === p) p.leg.participant = undefined;
  if (why !== 'left') p.leave(why);
  if (!wasConnected) return;
  sendConferenceEvent(ctx, conf, 'participant-leave', p);
  if (why === 'conference-ended') return;
  const rest = connected(conf);
  for (const o of rest) addStep(ctx, o.leg, { kind: 'left', who: labelOf(p.leg) });
  if (conf.status === 'in-progress' && p.endOnExit) {
    endConference(ctx, conf, 'participant-with-end-conference-on-exit-left', p.leg.sid);
  } else if (rest.length === 0) {
    endConference(ctx, conf, 'last-participant-left', p.leg.sid);
  } else if (conf.status === 'in-progress' && rest.length === 1) {
    const alone = rest[0];
    if (alone && alone.leg.role === 'handset' && alone.leg.person.leaveWhenAlone !== false) armHangup(ctx, alone.leg, 0.5, 'callee');
  }
}

/** Ends a conference: every participant leaves and goes on with the TwiML after its <Dial>. */
export function endConference(ctx: SimContext, conf: Conference, reason: string, endingCallSid?: string): void {
  if (conf.status === 'completed') return;
  const startedAt = conf.startedAt;
  conf.status = 'completed';
  conf.endedAt = ctx.clock.now();
  conf.updatedAt = conf.endedAt;
  conf.reasonEnded = reason;
  conf.callSidEnding = endingCallSid;
  const talkers = conf.participants.map((p) => p.leg);
  for (const p of [...conf.participants]) removeParticipant(ctx, p, 'conference-ended');
  const extra: Record<string, string> = { ReasonConferenceEnded: reason };
  if (endingCallSid) extra.CallSidEndingConference = endingCallSid;
  sendConferenceEvent(ctx, conf, 'conference-end', undefined, extra);
  if (conf.record && startedAt !== undefined) {
    const seconds = Math.max(1, Math.round((conf.endedAt - startedAt) / 1000));
    const talk = talkers.map((l) => l.person.talk).filter(Boolean).join('。');
    const firstCall = talkers[0]?.sid ?? endingCallSid ?? '';
    const rec = storeRecording(ctx, { callSid: firstCall, conferenceSid: conf.sid, durationSeconds: seconds, source: 'Conference', audio: { wav: Buffer.alloc(0), durationSeconds: seconds, source: 'tone' } });
    const record = conf.record;
    void synthesiseSpeech(talk || undefined, Math.min(seconds, 600)).then((audio) => {
      rec.audio = audio;
      sendRecordingStatus(ctx, rec, record.statusCallback, record.method, startedAt);
    });
  }
}

async function dialConference(ctx: SimContext, leg: Leg, dial: TwimlNode, node: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  const conf = openConference(ctx, node.text);
  const waitUrl = node.attrs.waitUrl;
  const p = addParticipant(ctx, conf, leg, {
    startOnEnter: boolAttr(node, 'startConferenceOnEnter', true),
    endOnExit: boolAttr(node, 'endConferenceOnExit', false),
    muted: boolAttr(node, 'muted', false),
    waitUrl: waitUrl ? resolveUrl(waitUrl, docUrl) : undefined,
    waitMethod: node.attrs.waitMethod,
    label: node.attrs.participantLabel,
    statusCallback: node.attrs.statusCallback ? resolveUrl(node.attrs.statusCallback, docUrl) : undefined,
    statusCallbackMethod: node.attrs.statusCallbackMethod,
    statusEvents: (node.attrs.statusCallbackEvent ?? '').split(/[\s,]+/).filter(Boolean),
    record: (node.attrs.record ?? '').startsWith('record-from')
      ? { statusCallback: node.attrs.recordingStatusCallback ? resolveUrl(node.attrs.recordingStatusCallback, docUrl) : undefined, method: node.attrs.recordingStatusCallbackMethod ?? 'POST' }
      : undefined,
  });
  const joinedAt = ctx.clock.now();
  connectParticipant(ctx, p);
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  try {
    await Promise.race([p.left, aborted]);
  } catch (err) {
    if (p.status === 'connected') removeParticipant(ctx, p, 'left');
    if (isHangup(signal)) postAfterHangup(ctx, leg, dial, docUrl, { DialCallStatus: 'completed', DialCallDuration: String(Math.round((ctx.clock.now() - joinedAt) / 1000)) });
    throw err;
  }
  if (!dial.attrs.action) return undefined;
  return followAction(ctx, leg, dial, docUrl, { DialCallStatus: 'completed', DialCallDuration: String(Math.round((ctx.clock.now() - joinedAt) / 1000)) }, signal);
}

/** Changes a participant's hold or mute (REST), with the steps and conference events that follow. */
export function updateParticipant(ctx: SimContext, p: Participant, change: { hold?: boolean; muted?: boolean; holdUrl?: string; holdMethod?: string; announceUrl?: string; announceMethod?: string }): void {
  p.updatedAt = ctx.clock.now();
  if (change.muted !== undefined && change.muted !== p.muted) {
    p.muted = change.muted;
    addStep(ctx, p.leg, { kind: 'muted', muted: p.muted });
    sendConferenceEvent(ctx, p.conference, p.muted ? 'participant-mute' : 'participant-unmute', p);
  }
  if (change.hold !== undefined && change.hold !== p.hold) {
    p.hold = change.hold;
    if (p.hold) {
      addStep(ctx, p.leg, { kind: 'held' });
      const controller = new AbortController();
      p.leg.hold = { controller };
      if (change.holdUrl) void playLoop(ctx, p.leg, change.holdUrl, change.holdMethod ?? 'GET', AbortSignal.any([controller.signal, p.leg.life.signal]), () => ({}));
    } else {
      p.leg.hold?.controller.abort();
      p.leg.hold = null;
      addStep(ctx, p.leg, { kind: 'unheld' });
    }
    sendConferenceEvent(ctx, p.conference, p.hold ? 'participant-hold' : 'participant-unhold', p);
  }
  if (change.announceUrl) void playOnce(ctx, p.leg, change.announceUrl, change.announceMethod ?? 'POST', p.leg.life.signal);
}

/** Plays a TwiML document's Say/Play/Pause to a leg once (an announcement); errors only get logged. */
export async function playOnce(ctx: SimContext, leg: Leg, url: string, method: string, signal: AbortSignal, extra: Record<string, string> = {}): Promise<TwimlNode[]> {
  try {
    const xml = await fetchTwiml(ctx, leg, url, method, extra, signal);
    const verbs = parseTwiml(xml);
    for (const v of verbs) if (v.name === 'Say' || v.name === 'Play' || v.name === 'Pause') await playMedia(ctx, leg, v, signal);
    return verbs;
  } catch (err) {
    if (!signal.aborted) ctx.log.warn({ url, err: String(err) }, 'carrier-sim: announcement failed');
    return [];
  }
}

/** Loops a wait/hold document (waitUrl, holdUrl) until aborted. */
async function playLoop(ctx: SimContext, leg: Leg, url: string, method: string, signal: AbortSignal, params: () => Record<string, string>): Promise<void> {
  while (!signal.aborted) {
    const verbs = await playOnce(ctx, leg, url, method, signal, params());
    if (verbs.length === 0 || !verbs.some((v) => v.name !== 'Redirect')) await ctx.clock.sleep(5, signal).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------
// Enqueue

async function runEnqueue(ctx: SimContext, leg: Leg, node: TwimlNode, docUrl: string, signal: AbortSignal): Promise<DocResult | undefined> {
  const name = node.text || 'default';
  let queue = ctx.queues.get(name);
  if (!queue) {
    queue = { sid: newSid('QU'), name, members: [], createdAt: ctx.clock.now() };
    ctx.queues.set(name, queue);
  }
  const q = queue;
  q.members.push(leg);
  leg.queueName = name;
  addStep(ctx, leg, { kind: 'queued', queue: name });
  const enqueuedAt = ctx.clock.now();
  const queueParams = (): Record<string, string> => ({
    QueueSid: q.sid,
    QueuePosition: String(q.members.indexOf(leg) + 1),
    QueueTime: String(Math.round((ctx.clock.now() - enqueuedAt) / 1000)),
    AvgQueueTime: '0',
    CurrentQueueSize: String(q.members.length),
    MaxQueueSize: '100',
  });
  const waitUrl = node.attrs.waitUrl ? resolveUrl(node.attrs.waitUrl, docUrl) : undefined;
  let outcome: { result: string; next?: Doc } | undefined;
  try {
    while (!outcome) {
      if (!waitUrl) {
        await ctx.clock.sleep(60, signal);
        continue;
      }
      const xml = await fetchTwiml(ctx, leg, waitUrl, node.attrs.waitUrlMethod ?? 'POST', queueParams(), signal);
      let spent = false;
      for (const v of parseTwiml(xml)) {
        if (v.name === 'Leave') {
          outcome = { result: 'leave' };
          break;
        }
        if (v.name === 'Hangup') throw Object.assign(new Interrupted('hangup'), { hangup: true });
        if (v.name === 'Redirect') {
          outcome = { result: 'redirected-from-waitUrl', next: { kind: 'fetch', url: resolveUrl(v.text, waitUrl), method: v.attrs.method ?? 'POST' } };
          break;
        }
        if (v.name === 'Gather') {
          const next = await runGather(ctx, leg, v, waitUrl, signal);
          if (next && !('end' in next)) {
            outcome = { result: 'redirected-from-waitUrl', next };
            break;
          }
          spent = true;
          continue;
        }
        if (v.name === 'Say' || v.name === 'Play' || v.name === 'Pause') {
          await playMedia(ctx, leg, v, signal);
          spent = true;
        }
      }
      if (!outcome && !spent) await ctx.clock.sleep(1, signal);
    }
  } catch (err) {
    q.members = q.members.filter((m) => m !== leg);
    leg.queueName = undefined;
    if ((err as { hangup?: boolean }).hangup) return { end: 'completed', by: 'platform' };
    if (isHangup(signal)) postAfterHangup(ctx, leg, node, docUrl, { QueueResult: 'hangup', QueueSid: q.sid, QueueTime: queueParams().QueueTime ?? '0' });
    throw err;
  }
  const queueTime = queueParams().QueueTime ?? '0';
  q.members = q.members.filter((m) => m !== leg);
  leg.queueName = undefined;
  if (outcome.next) return outcome.next;
  if (!node.attrs.action) return undefined;
  return followAction(ctx, leg, node, docUrl, { QueueResult: outcome.result, QueueSid: q.sid, QueueTime: queueTime }, signal);
}

// ---------------------------------------------------------------------------------------------------------
// Starting calls

/** Starts an inbound call to the platform's voice URL (a caller dialling the hotline). */
export function startInboundCall(ctx: SimContext, leg: Leg, voiceUrl: string): void {
  addStep(ctx, leg, { kind: 'dialled', from: leg.from, to: leg.to });
  leg.status = 'ringing';
  const holdFor = leg.person.holdFor;
  if (holdFor !== undefined) {
    void ctx.clock.sleep(holdFor, leg.life.signal).then(
      () => {
        if (leg.connectedAt !== undefined || isEnded(leg)) return;
        addStep(ctx, leg, { kind: 'gave-up', waitedSeconds: holdFor });
        hangupLeg(ctx, leg, 'caller');
      },
      () => {},
    );
  }
  void driveLeg(ctx, leg, (signal) => runDoc(ctx, leg, { kind: 'fetch', url: voiceUrl, method: 'POST' }, signal));
}

/** Starts an outbound REST call: ring the handset, then run the TwiML from Url or Twiml. */
export function startOutboundCall(ctx: SimContext, leg: Leg, doc: Doc, timeoutSeconds: number): void {
  addStep(ctx, leg, { kind: 'dialled', from: leg.from, to: leg.to });
  void driveLeg(ctx, leg, async (signal) => {
    const rang = await ringLeg(ctx, leg, timeoutSeconds, signal);
    if (rang !== 'answered') return { end: rang, by: 'callee' };
    markConnected(ctx, leg);
    return runDoc(ctx, leg, doc, signal);
  });
}

/** Starts a participant leg created through the Participants REST call: ring, then join the conference. */
export function startParticipantCall(ctx: SimContext, p: Participant, timeoutSeconds: number): void {
  const leg = p.leg;
  addStep(ctx, leg, { kind: 'dialled', from: leg.from, to: leg.to });
  void driveLeg(ctx, leg, async (signal) => {
    p.status = 'ringing';
    let rang: Awaited<ReturnType<typeof ringLeg>>;
    try {
      rang = await ringLeg(ctx, leg, timeoutSeconds, signal);
    } catch (err) {
      removeParticipant(ctx, p, 'left');
      throw err;
    }
    if (rang !== 'answered') {
      p.status = 'failed';
      removeParticipant(ctx, p, 'left');
      return { end: rang, by: 'callee' };
    }
    if (p.conference.status === 'completed') return { end: 'completed', by: 'carrier' };
    connectParticipant(ctx, p);
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    try {
      await Promise.race([p.left, aborted]);
    } catch (err) {
      if ((p.status as Participant['status']) === 'connected') removeParticipant(ctx, p, 'left');
      throw err;
    }
    return { end: 'completed', by: 'platform' };
  });
}

/** Ensures `sendInput`/`answerLeg` callers get a typed leg or nothing. */
export function findLeg(ctx: SimContext, sid: string): Leg | undefined {
  return ctx.calls.get(sid);
}

export { Interrupted };
export type { Doc };
