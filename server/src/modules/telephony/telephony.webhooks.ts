/**
 * The voice webhooks, mounted on the signature-checked `/twilio` router (a bad signature never gets here).
 * Each parses Twilio's parameters with zod and calls one use case. Malformed parameters answer 400 — except
 * where a caller is on the line and waiting for a document: they get an apology and the general queue. Any
 * failure while a caller waits does the same; never silence.
 */
import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import * as service from './telephony.service.ts';
import { handleVoicebotInput, voicebotWebhookSchema } from './telephony.voicebot.ts';

const callSid = z.string().regex(/^CA[0-9a-f]{32}$/);
const uuid = z.uuid();
const recordingSid = z.string().regex(/^RE[0-9a-f]{32}$/);

/**
 * A TwiML answer, written as res.type('text/xml').send() would but without its ETag (a SHA-1 of every
 * document, for a client that never revalidates) and content-type lookup: headers and body leave in one write.
 */
const xml = (res: Response, body: string) => void res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
const params = (req: Request) => ({ ...(req.body as Record<string, string>), ...(req.query as Record<string, string>) });

/**
 * Wraps a handler that answers a caller: a malformed request with a valid CallSid, or any failure, becomes
 * the rescue document; without a CallSid there is no caller to help, so it is a plain 400.
 */
function voiceDocument<S extends z.ZodType>(ctx: AppContext, schema: S, handle: (input: z.infer<S>) => Promise<string>) {
  return async (req: Request, res: Response) => {
    const raw = params(req);
    const parsed = schema.safeParse(raw);
    // The CallSid alone, for the rescue: only a failure needs it.
    const sidOf = () => callSid.safeParse(raw.CallSid);
    if (!parsed.success) {
      const sid = sidOf();
      if (!sid.success) return void res.status(400).type('text/plain').send(`bad webhook parameters: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return xml(res, await service.rescueCaller(ctx, sid.data, 'malformed parameters', raw.From));
    }
    try {
      xml(res, await handle(parsed.data));
    } catch (error) {
      ctx.logger.error({ err: error, path: req.path }, 'voice webhook failed; caller rescued');
      const sid = sidOf();
      if (!sid.success) return void res.status(500).type('text/plain').send('internal error');
      xml(res, await service.rescueCaller(ctx, sid.data, 'internal failure', raw.From));
    }
  };
}

/** Wraps a callback whose answer Twilio ignores (status, conference, recording): 400 when malformed, else 204. */
function callback<S extends z.ZodType>(ctx: AppContext, schema: S, handle: (input: z.infer<S>) => Promise<void>) {
  return async (req: Request, res: Response) => {
    const parsed = schema.safeParse(params(req));
    if (!parsed.success) return void res.status(400).type('text/plain').send(`bad webhook parameters: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    try {
      await handle(parsed.data);
      res.status(204).end();
    } catch (error) {
      ctx.logger.error({ err: error, path: req.path }, 'telephony callback failed');
      // 500 makes the carrier retry; the handler is idempotent, so a retry is safe.
      res.status(500).type('text/plain').send('internal error');
    }
  };
}

const digitsOrSpeech = z.object({
  Digits: z.string().regex(/^[0-9*#]{0,32}$|^hangup$/).optional(),
  SpeechResult: z.string().max(2000).optional(),
  Confidence: z.coerce.number().min(0).max(1).optional(),
  RecordingSid: recordingSid.optional(),
  RecordingUrl: z.url().optional(),
  RecordingDuration: z.coerce.number().min(0).optional(),
});

/** Mounts every voice webhook on the router. */
export function telephonyWebhooks(ctx: AppContext, router: Router): void {
  router.post(
    '/voice/incoming',
    voiceDocument(ctx, z.object({ CallSid: callSid, From: z.string().max(64).default('') }), (p) => service.handleIncomingCall(ctx, { callSid: p.CallSid, from: p.From })),
  );

  router.post(
    '/voice/gather',
    voiceDocument(ctx, digitsOrSpeech.extend({ CallSid: callSid, call: uuid, seq: z.coerce.number().int().min(0), timeout: z.literal('1').optional() }), (p) => {
      let input: Parameters<typeof service.handleIvrInput>[1]['input'];
      if (p.timeout) input = { kind: 'timeout' };
      else if (p.RecordingSid) input = { kind: 'recorded', recordingId: p.RecordingSid, durationSeconds: p.RecordingDuration ?? 0, ...(p.RecordingUrl ? { url: p.RecordingUrl } : {}) };
      else if (p.Digits) input = { kind: 'digits', digits: p.Digits };
      else if (p.SpeechResult) input = { kind: 'speech', text: p.SpeechResult, confidence: p.Confidence ?? 0 };
      else input = { kind: 'timeout' };
      return service.handleIvrInput(ctx, { callId: p.call, callSid: p.CallSid, seq: p.seq, input });
    }),
  );

  router.post(
    '/voice/wait',
    voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid.optional(), From: z.string().optional() }), (p) => service.handleWait(ctx, { callId: p.call, callSid: p.CallSid, from: p.From })),
  );

  router.post(
    '/voice/wait-key',
    voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid, at: z.string().regex(/^\d{1,16}$/), Digits: z.string().regex(/^[0-9*#]{0,8}$/).default('') }), (p) =>
      service.handleWaitKey(ctx, { callId: p.call, callSid: p.CallSid, at: p.at, digits: p.Digits }),
    ),
  );

  router.post('/voice/connect', voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid }), (p) => service.handleConnect(ctx, { callId: p.call, callSid: p.CallSid })));
  router.post('/voice/voicemail', voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid }), (p) => service.handleVoicemailStart(ctx, { callId: p.call, callSid: p.CallSid })));
  router.post('/voice/bot', voiceDocument(ctx, voicebotWebhookSchema, (p) => handleVoicebotInput(ctx, p)));

  router.post(
    '/voice/transfer-out',
    voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid, number: z.string().regex(/^\+?\d{3,15}$/), lang: z.enum(['zh-CN', 'en']).default('zh-CN') }), async (p) =>
      service.renderTransferOut(ctx, { id: p.call, language: p.lang }, p.number),
    ),
  );

  router.post(
    '/voice/after-dial',
    voiceDocument(ctx, z.object({ CallSid: callSid, call: uuid, DialCallStatus: z.string().default('unknown') }), (p) => service.handleAfterDial(ctx, { callId: p.call, callSid: p.CallSid, dialStatus: p.DialCallStatus })),
  );

  // Hold music: fetched by the carrier for a held participant; no caller document depends on state.
  router.all('/voice/hold', (_req, res) => xml(res, service.renderHoldMusic(ctx)));

  router.post(
    '/voice/status',
    callback(ctx, z.object({ CallSid: callSid, CallStatus: z.string().min(1).max(32), From: z.string().max(64).optional(), Direction: z.string().max(32).optional() }), (p) =>
      service.handleCallerStatus(ctx, { callSid: p.CallSid, status: p.CallStatus, from: p.From, direction: p.Direction }),
    ),
  );

  router.post(
    '/voice/agent-leg',
    callback(ctx, z.object({ CallSid: callSid, CallStatus: z.string().min(1).max(32), offer: uuid }), (p) =>
      service.handleAgentLeg(ctx, { offerId: p.offer, legSid: p.CallSid, status: p.CallStatus }),
    ),
  );

  router.post(
    '/voice/callee',
    callback(ctx, z.object({ CallSid: callSid, CallStatus: z.string().min(1).max(32), call: uuid }), (p) =>
      service.handleCalleeStatus(ctx, { callId: p.call, legSid: p.CallSid, status: p.CallStatus }),
    ),
  );

  router.post(
    '/voice/leg',
    callback(ctx, z.object({ CallSid: callSid, CallStatus: z.string().min(1).max(32), call: uuid }), (p) =>
      service.handleOtherLeg(ctx, { callId: p.call, legSid: p.CallSid, status: p.CallStatus }),
    ),
  );

  router.post(
    '/voice/conference',
    callback(
      ctx,
      z.object({
        call: uuid,
        ConferenceSid: z.string().regex(/^CF[0-9a-f]{32}$/),
        StatusCallbackEvent: z.string().min(1).max(64),
        SequenceNumber: z.string().regex(/^\d{1,10}$/),
        CallSid: callSid.optional(),
        ParticipantLabel: z.string().max(64).optional(),
      }),
      (p) => service.handleConferenceEvent(ctx, { callId: p.call, conferenceSid: p.ConferenceSid, event: p.StatusCallbackEvent, sequence: p.SequenceNumber, callSid: p.CallSid, label: p.ParticipantLabel }),
    ),
  );

  router.post(
    '/voice/recording',
    callback(
      ctx,
      z.object({ call: uuid, RecordingSid: recordingSid, RecordingUrl: z.url(), RecordingDuration: z.coerce.number().min(0).default(0), RecordingSource: z.string().max(32).optional() }),
      (p) => service.handleRecording(ctx, { callId: p.call, recordingSid: p.RecordingSid, url: p.RecordingUrl, durationSeconds: p.RecordingDuration, source: p.RecordingSource }),
    ),
  );
}
