/**
 * Twilio's inbound message webhook, on the signature-checked `/twilio` router (a forged request got its 403
 * before reaching here). Parameters are checked with zod; the answer is TwiML with the bot's `<Message>`.
 */
import type { Request, Response, Router } from 'express';
import type { AppContext } from '../../context.ts';
import { InboundSmsParams } from './chat.schema.ts';
import { handleInboundSms } from './chat.service.ts';

export function chatWebhooks(ctx: AppContext, router: Router): void {
  router.post('/sms/incoming', async (req: Request, res: Response) => {
    const parsed = InboundSmsParams.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).type('text/plain').send(`bad webhook parameters: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return;
    }
    try {
      const twiml = await handleInboundSms(ctx, { messageSid: parsed.data.MessageSid, from: parsed.data.From, body: parsed.data.Body });
      res.status(200).type('text/xml').send(twiml);
    } catch (error) {
      ctx.logger.error({ err: error }, 'inbound SMS failed');
      // 500 lets the carrier retry; the MessageSid claim was released, so the retry runs afresh.
      res.status(500).type('text/plain').send('internal error');
    }
  });
}
