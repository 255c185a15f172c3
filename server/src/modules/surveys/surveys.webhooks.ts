/**
 * The survey and rating webhooks, mounted on the signature-checked `/twilio` router under `/surveys/…`.
 * Parameters are parsed with zod; a malformed request is a 400, and any failure while a citizen is on the line
 * ends the call politely (an outbound survey has no queue to fall back to).
 */
import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { handleRatingInput, handleSurveyAnswered, handleSurveyInput, handleSurveyStatus, inputOf } from './surveys.calls.ts';

const callSid = z.string().regex(/^CA[0-9a-f]{32}$/);
const params = (req: Request) => ({ ...(req.body as Record<string, string>), ...(req.query as Record<string, string>) });
const xml = (res: Response, body: string) => void res.status(200).type('text/xml').send(body);

const SORRY = '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="cmn-CN" voice="Polly.Zhiyu">抱歉，系统暂时无法完成回访，我们会另行联系您。再见。</Say><Hangup/></Response>';

const gathered = {
  Digits: z.string().regex(/^[0-9*#]{0,32}$|^hangup$/).optional(),
  SpeechResult: z.string().max(2000).optional(),
  Confidence: z.coerce.number().min(0).max(1).optional(),
  RecordingSid: z.string().regex(/^RE[0-9a-f]{32}$/).optional(),
  RecordingUrl: z.url().optional(),
  RecordingDuration: z.coerce.number().min(0).optional(),
  timeout: z.literal('1').optional(),
};

function document<S extends z.ZodType>(ctx: AppContext, schema: S, handle: (p: z.infer<S>) => Promise<string>) {
  return async (req: Request, res: Response) => {
    const parsed = schema.safeParse(params(req));
    if (!parsed.success) return void res.status(400).type('text/plain').send(`bad webhook parameters: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    try {
      xml(res, await handle(parsed.data));
    } catch (error) {
      ctx.logger.error({ err: error, path: req.path }, 'survey webhook failed; call ended politely');
      xml(res, SORRY);
    }
  };
}

export function surveyWebhooks(ctx: AppContext, router: Router): void {
  router.post(
    '/surveys/voice',
    document(ctx, z.object({ CallSid: callSid, attempt: z.uuid(), AnsweredBy: z.string().max(32).optional() }), (p) =>
      handleSurveyAnswered(ctx, { attemptId: p.attempt, callSid: p.CallSid, ...(p.AnsweredBy ? { answeredBy: p.AnsweredBy } : {}) }),
    ),
  );
  router.post(
    '/surveys/input',
    document(ctx, z.object({ CallSid: callSid, attempt: z.uuid(), seq: z.coerce.number().int().min(0), ...gathered }), (p) =>
      handleSurveyInput(ctx, { attemptId: p.attempt, callSid: p.CallSid, seq: p.seq, input: inputOf({ ...p, timeout: p.timeout === '1' }) }),
    ),
  );
  router.post(
    '/surveys/rating',
    document(ctx, z.object({ CallSid: callSid, call: z.uuid(), seq: z.coerce.number().int().min(0).optional(), ...gathered }), (p) =>
      handleRatingInput(ctx, { callId: p.call, callSid: p.CallSid, ...(p.seq === undefined ? {} : { seq: p.seq, input: inputOf({ ...p, timeout: p.timeout === '1' }) }) }),
    ),
  );
  router.post('/surveys/status', async (req, res) => {
    const parsed = z.object({ CallSid: callSid, CallStatus: z.string().min(1).max(32), attempt: z.uuid() }).safeParse(params(req));
    if (!parsed.success) return void res.status(400).type('text/plain').send('bad webhook parameters');
    try {
      await handleSurveyStatus(ctx, { attemptId: parsed.data.attempt, callSid: parsed.data.CallSid, status: parsed.data.CallStatus });
      res.status(204).end();
    } catch (error) {
      ctx.logger.error({ err: error }, 'survey status callback failed');
      // 500 makes the carrier retry; the handler is idempotent.
      res.status(500).type('text/plain').send('internal error');
    }
  });
}
