/**
 * The console's "caller phone" (simulator mode only): a signed-in user dials the hotline from the browser,
 * sees what the caller hears, presses keys and speaks text. The carrier simulator's control API listens on
 * its own loopback port without CORS, so the platform relays: it places the call on the simulator
 * (`POST /sim/calls`, an NDJSON stream of steps), pushes each step to the user's sockets as
 * `sim_phone.stepped`, and forwards keys, speech and hang-up. Steps are also kept in this process for a page
 * that reloads. Without a simulator (Twilio mode) `GET /api/sim-phone` says so and the rest answer 503.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { userRoute } from '../../platform/http/route.ts';

/** One line of the simulator's stream, as pushed to the browser: `call`, then `step`s, then `end`. */
export type SimPhoneEvent = { callSid: string; event: 'call' | 'step' | 'end'; kind?: string; text?: string; at?: number; [key: string]: unknown };

type LiveCall = { callSid: string; ownerId: string; events: SimPhoneEvent[]; ended: boolean; startedAt: number };

/** A person may keep a few calls going at once (two phones on a desk), not a flood. */
const MAX_LIVE_CALLS_PER_USER = 3;
/** Ended calls are forgotten after this long; their steps were only for the page that placed them. */
const KEEP_ENDED_MS = 30 * 60_000;

const calls = new WeakMap<AppContext, Map<string, LiveCall>>();

function liveCalls(ctx: AppContext): Map<string, LiveCall> {
  let map = calls.get(ctx);
  if (!map) calls.set(ctx, (map = new Map()));
  const now = Date.now();
  for (const [sid, call] of map) if (call.ended && now - call.startedAt > KEEP_ENDED_MS) map.delete(sid);
  return map;
}

/**
 * Where the simulator listens: `CARRIER_SIM_URL` when configured, else the discovery file the platform writes
 * when it starts the simulator (`<DATA_DIR>/carrier-sim.json`, also read by `npm run sim`). Undefined in
 * Twilio mode without a simulator.
 */
async function simulatorUrl(ctx: AppContext): Promise<string | undefined> {
  if (!ctx.ports.softphones) return undefined; // neither simulator mode nor a simulator configured
  if (ctx.config.telephony.mode === 'twilio' && ctx.config.telephony.simulatorUrl) return ctx.config.telephony.simulatorUrl.replace(/\/$/, '');
  try {
    const parsed = z.object({ url: z.url() }).safeParse(JSON.parse(await readFile(path.join(ctx.config.dataDir, 'carrier-sim.json'), 'utf8')));
    return parsed.success ? parsed.data.url.replace(/\/$/, '') : undefined;
  } catch {
    return undefined;
  }
}

async function requireSimulator(ctx: AppContext): Promise<string> {
  const url = await simulatorUrl(ctx);
  if (!url) throw new AppError('UNAVAILABLE', { params: { provider: 'carrier simulator' } });
  return url;
}

function ownCall(ctx: AppContext, userId: string, callSid: string): LiveCall {
  const call = liveCalls(ctx).get(callSid);
  if (!call || call.ownerId !== userId) throw notFound('call');
  return call;
}

/** Reads the simulator's NDJSON stream to its end, handing each parsed line to `onLine`. */
async function readLines(body: ReadableStream<Uint8Array>, onLine: (line: Record<string, unknown>) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onLine(JSON.parse(line) as Record<string, unknown>);
    }
  }
  if (buffered.trim()) onLine(JSON.parse(buffered) as Record<string, unknown>);
}

/**
 * Places an interactive call on the simulator and resolves with its CallSid once the simulator has said it;
 * the rest of the stream is relayed in the background until the call ends.
 */
async function placeCall(ctx: AppContext, userId: string, input: { from: string; lang: 'zh-CN' | 'en' }): Promise<{ callSid: string }> {
  const base = await requireSimulator(ctx);
  const map = liveCalls(ctx);
  const mine = [...map.values()].filter((c) => c.ownerId === userId && !c.ended).length;
  if (mine >= MAX_LIVE_CALLS_PER_USER) throw new AppError('CONFLICT', { params: { detail: `at most ${MAX_LIVE_CALLS_PER_USER} simulated calls at once` } });
  let response: Response;
  try {
    response = await fetch(`${base}/sim/calls?lang=${input.lang === 'en' ? 'en' : 'zh-CN'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: input.from, interactive: true }),
    });
  } catch (error) {
    throw new AppError('PROVIDER_FAILED', { params: { provider: 'carrier simulator' }, cause: error });
  }
  if (!response.ok || !response.body) throw new AppError('PROVIDER_FAILED', { params: { provider: `carrier simulator ${response.status}` } });
  const body = response.body;
  return new Promise((resolve, reject) => {
    let call: LiveCall | undefined;
    const relay = (line: Record<string, unknown>) => {
      const event = line.event === 'call' || line.event === 'end' ? line.event : 'step';
      if (!call) {
        if (event !== 'call' || typeof line.callSid !== 'string') return;
        call = { callSid: line.callSid, ownerId: userId, events: [], ended: false, startedAt: Date.now() };
        map.set(call.callSid, call);
        resolve({ callSid: call.callSid });
      }
      // The end line repeats the whole summary; the browser needs its status and who hung up.
      const payload: SimPhoneEvent =
        event === 'end'
          ? { callSid: call.callSid, event, status: line.status, endedBy: line.endedBy, talkSeconds: line.talkSeconds, durationSeconds: line.durationSeconds }
          : { ...line, callSid: call.callSid, event };
      call.events.push(payload);
      if (event === 'end') call.ended = true;
      ctx.publish.toUser(userId, 'sim_phone.stepped', payload);
    };
    readLines(body, relay)
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'caller phone: simulator stream broke'))
      .finally(() => {
        if (!call) return reject(new AppError('PROVIDER_FAILED', { params: { provider: 'carrier simulator' } }));
        if (!call.ended) {
          call.ended = true;
          const payload: SimPhoneEvent = { callSid: call.callSid, event: 'end', status: 'failed', endedBy: 'carrier' };
          call.events.push(payload);
          ctx.publish.toUser(userId, 'sim_phone.stepped', payload);
        }
      });
  });
}

async function forward(ctx: AppContext, action: 'input' | 'hangup', callSid: string, body?: { press?: string; say?: string }): Promise<boolean> {
  const base = await requireSimulator(ctx);
  try {
    const response = await fetch(`${base}/sim/calls/${encodeURIComponent(callSid)}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) return false;
    return ((await response.json()) as { accepted?: boolean }).accepted === true;
  } catch (error) {
    throw new AppError('PROVIDER_FAILED', { params: { provider: 'carrier simulator' }, cause: error });
  }
}

const SidParams = z.object({ sid: z.string().regex(/^CA[0-9a-zA-Z]{8,64}$/) });
const EventSchema = z.object({ callSid: z.string(), event: z.enum(['call', 'step', 'end']) }).loose();

/** Routes of the browser caller phone; they exist only where the simulator does. */
export function simPhoneRoutes(ctx: AppContext) {
  const tags = ['telephony 电话'];
  return [
    userRoute({
      method: 'get',
      path: '/api/sim-phone',
      summary: '模拟来电话机 Whether the browser caller phone can dial (simulator mode)',
      tags,
      response: z.object({ available: z.boolean(), hotlineNumber: z.string().nullable() }),
      handler: async () => {
        const url = await simulatorUrl(ctx);
        return { available: Boolean(url), hotlineNumber: url ? (ctx.ports.telephony?.hotlineNumber ?? null) : null };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/sim-phone/calls',
      summary: '模拟拨打热线 Dial the hotline as a citizen (simulator mode); steps arrive as sim_phone.stepped',
      tags,
      status: 201,
      body: z.object({ from: z.string().trim().regex(/^\+?\d{5,20}$/), lang: z.enum(['zh-CN', 'en']).default('zh-CN') }),
      response: z.object({ callSid: z.string() }),
      handler: async ({ actor, body }) => placeCall(ctx, actor.id, body),
    }),
    userRoute({
      method: 'get',
      path: '/api/sim-phone/calls/:sid',
      summary: '模拟来电的经过 The steps of a simulated call I placed (from this server process)',
      tags,
      params: SidParams,
      response: z.object({ callSid: z.string(), ended: z.boolean(), events: z.array(EventSchema) }),
      handler: async ({ actor, params }) => {
        const call = ownCall(ctx, actor.id, params.sid);
        return { callSid: call.callSid, ended: call.ended, events: call.events };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/sim-phone/calls/:sid/input',
      summary: '模拟来电按键或说话 Press keys or say text at the prompt the caller is at',
      tags,
      params: SidParams,
      body: z
        .object({ press: z.string().regex(/^[0-9*#]{1,20}$/).optional(), say: z.string().trim().min(1).max(500).optional() })
        .refine((b) => Boolean(b.press) !== Boolean(b.say), { message: 'press or say' }),
      response: z.object({ accepted: z.boolean() }),
      handler: async ({ actor, params, body }) => {
        ownCall(ctx, actor.id, params.sid);
        return { accepted: await forward(ctx, 'input', params.sid, body) };
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/sim-phone/calls/:sid/hangup',
      summary: '模拟来电挂机 Hang up the simulated call',
      tags,
      params: SidParams,
      response: z.object({ accepted: z.boolean() }),
      handler: async ({ actor, params }) => {
        ownCall(ctx, actor.id, params.sid);
        return { accepted: await forward(ctx, 'hangup', params.sid) };
      },
    }),
  ];
}
