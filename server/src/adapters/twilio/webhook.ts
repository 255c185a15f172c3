/**
 * Every Twilio webhook passes through here: form parsing and the `X-Twilio-Signature` check against the exact
 * URL Twilio called (PUBLIC_URL + path and query when behind a proxy). A bad or missing signature is 403,
 * before any parsing of what the request claims.
 */
import express, { type Request, type RequestHandler, type Router } from 'express';
import twilio from 'twilio';

export type WebhookRequest = Request & { twilioParams: Record<string, string> };

export function twilioWebhookRouter(options: { authToken: () => string; publicUrl: string | undefined }): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '256kb' }));
  router.use(verifySignature(options));
  return router;
}

function verifySignature(options: { authToken: () => string; publicUrl: string | undefined }): RequestHandler {
  return (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const base = options.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
    const url = base + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(options.authToken(), signature, url, params)) {
      res.status(403).type('text/plain').send('invalid Twilio signature');
      return;
    }
    (req as WebhookRequest).twilioParams = params;
    next();
  };
}
