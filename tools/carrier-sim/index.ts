import { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { createClock } from './clock.ts';
import type { SimClock } from './clock.ts';
import { answerLeg, createLeg, findLeg, hangupLeg, sendInput, startInboundCall, summarise } from './engine.ts';
import type { CallSummary, SimContext, SimLog } from './engine.ts';
import { createHandsetRegistry } from './handsets.ts';
import type { HandsetBehaviour, HandsetRegistry } from './handsets.ts';
import { newSid, toE164 } from './ids.ts';
import { createRestHandler } from './rest.ts';
import type { Fault, RestState, SimMessage } from './rest.ts';
import { renderStep } from './steps.ts';
import type { Lang, TimedStep } from './steps.ts';
import { parseTwiml } from './twiml.ts';
import type { CallerScript, GatherAnswer } from './types.ts';
import { sendSignedWebhook } from './webhook.ts';

export { createSimHttpClient } from './http-client.ts';
export type { SimHttpClient } from './http-client.ts';
export { createClock } from './clock.ts';
export type { SimClock } from './clock.ts';
export { renderStep } from './steps.ts';
export type { Step, TimedStep, Lang } from './steps.ts';
export type { CallerScript, GatherAnswer, GatherPrompt, Person } from './types.ts';
export type { HandsetBehaviour, HandsetRegistry } from './handsets.ts';
export type { CallSummary, SimLog } from './engine.ts';
export type { Fault, SimMessage } from './rest.ts';
export { readWavInfo } from './audio.ts';

/** Where the platform writes the running simulator's URL, relative to the project root. */
export const SIM_DISCOVERY_FILE = '.data/carrier-sim.json';

/** Options for `startCarrierSim`. */
export interface CarrierSimOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  accountSid: string;
  authToken: string;
  /** The platform's incoming-call webhook, e.g. http://127.0.0.1:3000/twilio/voice/incoming. */
  voiceUrl: string;
  /** The hotline number's status callback (inbound calls). */
  voiceStatusUrl?: string;
  /** Events sent to voiceStatusUrl. Twilio sends only `completed` for a number's callback; add more if wanted. */
  voiceStatusEvents?: Array<'initiated' | 'ringing' | 'answered' | 'completed'>;
  /** The platform's inbound SMS webhook. */
  smsUrl?: string;
  /** The number callers dial, e.g. +8612345. */
  hotlineNumber: string;
  /** Simulated time; defaults to real time scaled by `timeScale`. */
  clock?: SimClock;
  /** Real seconds per simulated second (0.01 makes a 60 s hold take 0.6 s). Ignored when `clock` is given. */
  timeScale?: number;
  log?: SimLog;
  /** A call still up after this many simulated seconds is ended by the carrier (default 4 h, Twilio's limit). */
  maxCallSeconds?: number;
  webhookTimeoutMs?: number;
}

/** A call placed by `sim.placeCall`: steps as they happen, and awaitable for the summary. */
export interface CallHandle extends PromiseLike<CallSummary> {
  callSid: string;
  /** Steps so far (grows while the call runs). */
  steps: TimedStep[];
  /** Calls `fn` for every step, past ones first; returns an unsubscribe function. */
  onStep(fn: (step: TimedStep) => void): () => void;
  /** Resolves when the call has ended and its last status callback was answered. */
  done: Promise<CallSummary>;
  hangup(): void;
  [Symbol.asyncIterator](): AsyncIterator<TimedStep>;
}

/** What `sim.sendSms` reports: the inbound message and the replies in the platform's <Message> TwiML. */
export interface SmsResult {
  messageSid: string;
  status: number;
  replies: string[];
}

/** Facts about a conference, for tests. */
export interface ConferenceInfo {
  sid: string;
  name: string;
  status: string;
  participants: Array<{ callSid: string; label?: string; status: string; hold: boolean; muted: boolean }>;
}

/** Facts about a recording, for tests. */
export interface RecordingInfo {
  sid: string;
  callSid: string;
  conferenceSid?: string;
  durationSeconds: number;
  source: string;
  url: string;
  wav: Buffer;
}

/** A running carrier simulator. */
export interface CarrierSim {
  url: string;
  accountSid: string;
  hotlineNumber: string;
  clock: SimClock;
  handsets: HandsetRegistry;
  /** step(callSid, step), ringing(summary), call-ended(summary). */
  events: EventEmitter;
  placeCall(script: CallerScript): CallHandle;
  sendSms(input: { from: string; body: string; to?: string }): Promise<SmsResult>;
  /** Keys or speech from an interactive caller (the browser phone) for the Gather it is waiting at. */
  sendInput(callSid: string, answer: GatherAnswer): boolean;
  /** Picks up a ringing leg whose handset answers manually. */
  answerCall(callSid: string): boolean;
  hangupCall(callSid: string): boolean;
  calls(): CallSummary[];
  call(callSid: string): CallSummary | undefined;
  messages(): SimMessage[];
  conferences(): ConferenceInfo[];
  recordings(): RecordingInfo[];
  failNext(fault: Fault): void;
  clearFaults(): void;
  /**
   * Loses the next `times` (default 1) status callbacks whose URL matches (and whose CallSid is `callSid`,
   * when given), as a carrier that gave up on its retries would: the platform never hears of them.
   */
  loseCallbacks(match: { url: RegExp | string; callSid?: string; times?: number }): void;
  stop(): Promise<void>;
}

const silentLog: SimLog = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** Starts a carrier simulator on loopback and resolves once it is listening. */
export async function startCarrierSim(options: CarrierSimOptions): Promise<CarrierSim> {
  const clock = options.clock ?? createClock({ timeScale: options.timeScale ?? 1 });
  const ctx: SimContext = {
    accountSid: options.accountSid,
    authToken: options.authToken,
    baseUrl: '',
    clock,
    log: options.log ?? silentLog,
    handsets: createHandsetRegistry(),
    calls: new Map(),
    conferences: new Map(),
    recordings: new Map(),
    queues: new Map(),
    events: new EventEmitter(),
    maxCallSeconds: options.maxCallSeconds ?? 4 * 3600,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    stopped: false,
  };
  ctx.events.setMaxListeners(0);
  const rest: RestState = { messages: [], faults: [], stalled: new Set() };
  const hotline = toE164(options.hotlineNumber);

  const placeCall = (script: CallerScript): CallHandle => {
    const leg = createLeg(ctx, {
      from: toE164(script.from),
      to: toE164(script.to ?? hotline),
      direction: 'inbound',
      person: { ...script },
      role: 'caller',
      statusCallback: options.voiceStatusUrl,
      statusEvents: options.voiceStatusEvents ?? ['completed'],
    });
    const handle = makeHandle(ctx, leg.sid);
    startInboundCall(ctx, leg, options.voiceUrl);
    return handle;
  };

  const sendSms = async (input: { from: string; body: string; to?: string }): Promise<SmsResult> => {
    if (!options.smsUrl) throw new Error('carrier-sim: no smsUrl configured');
    const now = clock.now();
    const msg: SimMessage = { sid: newSid('SM'), from: toE164(input.from), to: toE164(input.to ?? hotline), body: input.body, direction: 'inbound', status: 'received', createdAt: now, updatedAt: now };
    rest.messages.push(msg);
    const reply = await sendSignedWebhook({
      url: options.smsUrl,
      authToken: ctx.authToken,
      timeoutMs: ctx.webhookTimeoutMs,
      params: {
        AccountSid: ctx.accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: msg.sid,
        SmsSid: msg.sid,
        SmsMessageSid: msg.sid,
        SmsStatus: 'received',
        From: msg.from,
        To: msg.to,
        Body: msg.body,
        NumMedia: '0',
        NumSegments: '1',
      },
    });
    const replies: string[] = [];
    if (reply.status >= 200 && reply.status < 300 && reply.body.trim()) {
      for (const verb of parseTwiml(reply.body)) {
        if (verb.name !== 'Message') continue;
        const text = verb.children.find((c) => c.name === 'Body')?.text ?? verb.text;
        replies.push(text);
        const t = clock.now();
        rest.messages.push({ sid: newSid('SM'), from: msg.to, to: verb.attrs.to ?? msg.from, body: text, direction: 'outbound-reply', status: 'delivered', createdAt: t, updatedAt: t });
      }
    }
    return { messageSid: msg.sid, status: reply.status, replies };
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use('/sim', express.json());
  const restHandler = createRestHandler(ctx, rest);
  app.use('/2010-04-01/Accounts', (req, res) => {
    // Mounted routers strip the prefix; the handler wants the full path.
    const full = Object.create(req, { path: { value: '/2010-04-01/Accounts' + req.path } }) as Request;
    void restHandler(full, res).catch((err: unknown) => {
      ctx.log.error({ err: String(err) }, 'carrier-sim: REST handler failed');
      if (!res.headersSent) res.status(500).json({ code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
    });
  });
  mountControlApi(app, ctx, rest, { placeCall, sendSms, hotline });

  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  ctx.baseUrl = `http://${options.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url: ctx.baseUrl,
    accountSid: ctx.accountSid,
    hotlineNumber: hotline,
    clock,
    handsets: ctx.handsets,
    events: ctx.events,
    placeCall,
    sendSms,
    sendInput: (sid, answer) => {
      const leg = findLeg(ctx, sid);
      return leg ? sendInput(leg, answer) : false;
    },
    answerCall: (sid) => {
      const leg = findLeg(ctx, sid);
      return leg ? answerLeg(leg) : false;
    },
    hangupCall: (sid) => {
      const leg = findLeg(ctx, sid);
      if (!leg || leg.endAt !== undefined) return false;
      hangupLeg(ctx, leg, leg.role === 'caller' ? 'caller' : 'callee');
      return true;
    },
    calls: () => [...ctx.calls.values()].map((l) => summarise(ctx, l)),
    call: (sid) => {
      const leg = findLeg(ctx, sid);
      return leg && summarise(ctx, leg);
    },
    messages: () => [...rest.messages],
    conferences: () =>
      [...ctx.conferences.values()].map((c) => ({
        sid: c.sid,
        name: c.name,
        status: c.status,
        participants: c.participants.map((p) => ({ callSid: p.leg.sid, label: p.label, status: p.status, hold: p.hold, muted: p.muted })),
      })),
    recordings: () =>
      [...ctx.recordings.values()].map((r) => ({
        sid: r.sid,
        callSid: r.callSid,
        conferenceSid: r.conferenceSid,
        durationSeconds: r.durationSeconds,
        source: r.source,
        url: `${ctx.baseUrl}/2010-04-01/Accounts/${ctx.accountSid}/Recordings/${r.sid}`,
        wav: r.audio.wav,
      })),
    failNext: (fault) => void rest.faults.push({ path: fault.path, method: fault.method, status: fault.status, left: fault.times ?? 1 }),
    clearFaults: () => void (rest.faults.length = 0),
    loseCallbacks: (match) => void (ctx.lostCallbacks ??= []).push({ url: match.url, ...(match.callSid ? { callSid: match.callSid } : {}), left: match.times ?? 1 }),
    stop: async () => {
      ctx.stopped = true;
      for (const leg of ctx.calls.values()) if (leg.endAt === undefined) hangupLeg(ctx, leg, 'carrier');
      for (const res of rest.stalled) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function makeHandle(ctx: SimContext, callSid: string): CallHandle {
  const leg = findLeg(ctx, callSid);
  if (!leg) throw new Error(`unknown call ${callSid}`);
  const done = leg.ended.then(() => summarise(ctx, leg));
  const onStep = (fn: (step: TimedStep) => void): (() => void) => {
    for (const s of [...leg.steps]) fn(s);
    const listener = (sid: string, step: TimedStep): void => {
      if (sid === callSid) fn(step);
    };
    ctx.events.on('step', listener);
    return () => void ctx.events.off('step', listener);
  };
  return {
    callSid,
    steps: leg.steps,
    onStep,
    done,
    hangup: () => hangupLeg(ctx, leg, 'caller'),
    then: (ok, fail) => done.then(ok, fail),
    [Symbol.asyncIterator]: () => iterateSteps(onStep, done),
  };
}

/** Turns the step callbacks into an async iterator that ends with the call. */
function iterateSteps(onStep: (fn: (s: TimedStep) => void) => () => void, done: Promise<unknown>): AsyncIterator<TimedStep> {
  const buffer: TimedStep[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const off = onStep((s) => {
    buffer.push(s);
    wake?.();
  });
  void done.then(() => {
    finished = true;
    off();
    wake?.();
  });
  return {
    async next() {
      while (buffer.length === 0 && !finished) await new Promise<void>((r) => (wake = r));
      const value = buffer.shift();
      return value ? { value, done: false } : { value: undefined, done: true };
    },
  };
}

const scriptSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1).optional(),
  press: z.string().regex(/^[0-9*#w,\s]*$/).optional(),
  say: z.string().optional(),
  holdFor: z.number().positive().optional(),
  hangupAfter: z.number().nonnegative().optional(),
  leaveMessage: z.string().optional(),
  talk: z.string().optional(),
  interactive: z.boolean().optional(),
});

const handsetSchema = z.object({
  answer: z.enum(['auto', 'no-answer', 'busy', 'machine', 'manual']).optional(),
  afterSeconds: z.number().nonnegative().optional(),
  press: z.string().optional(),
  say: z.string().optional(),
  hangupAfter: z.number().nonnegative().optional(),
  leaveMessage: z.string().optional(),
  talk: z.string().optional(),
  leaveWhenAlone: z.boolean().optional(),
  smsDelivery: z.enum(['delivered', 'undelivered', 'failed']).optional(),
});

/**
 * The simulator's own HTTP API for the CLI and the browser caller phone. Loopback only and unauthenticated:
 * it is a developer tool, never exposed.
 */
function mountControlApi(
  app: express.Express,
  ctx: SimContext,
  rest: RestState,
  api: { placeCall: (s: CallerScript) => CallHandle; sendSms: CarrierSim['sendSms']; hotline: string },
): void {
  const bad = (res: Response, message: string): void => void res.status(400).json({ error: 'VALIDATION', message });
  app.get('/sim/health', (_req, res) => void res.json({ ok: true, hotlineNumber: api.hotline, accountSid: ctx.accountSid }));
  app.post('/sim/calls', async (req: Request, res: Response) => {
    const parsed = scriptSchema.safeParse(req.body);
    if (!parsed.success) return bad(res, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const lang: Lang = req.query.lang === 'en' ? 'en' : 'zh-CN';
    const handle = api.placeCall(parsed.data);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.write(JSON.stringify({ event: 'call', callSid: handle.callSid }) + '\n');
    // A client that goes away (Ctrl-C in the CLI) hangs the call up, as a caller putting the phone down.
    res.on('close', () => {
      if (!res.writableFinished) handle.hangup();
    });
    for await (const step of handle) res.write(JSON.stringify({ event: 'step', ...step, text: renderStep(step, lang) }) + '\n');
    const summary = await handle.done;
    res.end(JSON.stringify({ event: 'end', ...summary, steps: undefined }) + '\n');
  });
  app.get('/sim/calls', (_req, res) => void res.json([...ctx.calls.values()].map((l) => ({ ...summarise(ctx, l), steps: undefined }))));
  app.get('/sim/calls/:sid', (req, res) => {
    const leg = findLeg(ctx, req.params.sid);
    if (!leg) return void res.status(404).json({ error: 'NOT_FOUND' });
    res.json(summarise(ctx, leg));
  });
  app.post('/sim/calls/:sid/input', (req, res) => {
    const leg = findLeg(ctx, req.params.sid);
    const body = z.object({ press: z.string().optional(), say: z.string().optional() }).safeParse(req.body);
    if (!leg || !body.success) return bad(res, 'unknown call or bad input');
    res.json({ accepted: sendInput(leg, body.data) });
  });
  app.post('/sim/calls/:sid/answer', (req, res) => {
    const leg = findLeg(ctx, req.params.sid);
    res.json({ accepted: leg ? answerLeg(leg) : false });
  });
  app.post('/sim/calls/:sid/hangup', (req, res) => {
    const leg = findLeg(ctx, req.params.sid);
    if (leg && leg.endAt === undefined) hangupLeg(ctx, leg, leg.role === 'caller' ? 'caller' : 'callee');
    res.json({ accepted: Boolean(leg) });
  });
  app.get('/sim/messages', (_req, res) => void res.json(rest.messages));
  app.post('/sim/sms', async (req, res) => {
    const body = z.object({ from: z.string().min(1), body: z.string().min(1), to: z.string().optional() }).safeParse(req.body);
    if (!body.success) return bad(res, 'from and body are required');
    try {
      res.json(await api.sendSms(body.data));
    } catch (err) {
      res.status(502).json({ error: 'PROVIDER_FAILED', message: String(err) });
    }
  });
  app.get('/sim/handsets', (_req, res) => void res.json(ctx.handsets.list()));
  app.put('/sim/handsets/:id', (req, res) => {
    const body = handsetSchema.safeParse(req.body);
    if (!body.success) return bad(res, body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    ctx.handsets.set(req.params.id, body.data as HandsetBehaviour);
    res.json({ id: req.params.id, behaviour: body.data });
  });
  app.get('/sim/recordings', (_req, res) =>
    void res.json([...ctx.recordings.values()].map((r) => ({ sid: r.sid, callSid: r.callSid, conferenceSid: r.conferenceSid, durationSeconds: r.durationSeconds, source: r.source }))),
  );
}

/** Writes the discovery file the CLI reads (`{"url": …}`), for the platform to call at start-up. */
export async function writeSimDiscoveryFile(url: string, projectRoot = process.cwd()): Promise<string> {
  const file = join(projectRoot, SIM_DISCOVERY_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ url }) + '\n');
  return file;
}
