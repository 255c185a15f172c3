/**
 * Every Twilio webhook passes through here: form parsing and the `X-Twilio-Signature` check against the exact
 * URL Twilio called (PUBLIC_URL + path and query when behind a proxy). A bad or missing signature is 403,
 * before any parsing of what the request claims.
 *
 * Webhooks are the platform's hottest requests, so both steps have a fast path for what the carrier actually
 * sends, measured under the calls benchmark (bench/calls.bench.ts part a): a plain UTF-8 form with a length
 * is read and split here (express.urlencoded's stream reader, charset decoder and qs cost a webhook ~15 µs),
 * and the signature is first checked against the URL as received, which is the URL the carrier signed
 * (twilio.validateRequest tries the URL without its port first, so every webhook to a URL with a port paid
 * two HMACs). Anything else — another charset, a compressed or chunked body, brackets in a name, a signature
 * that does not match at once — takes the library path, so what is accepted and what is refused is unchanged.
 */
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import express, { type Request, type RequestHandler, type Router } from 'express';
import twilio from 'twilio';

export type WebhookRequest = Request & { twilioParams: Record<string, string> };

/** The carrier's forms are a few hundred bytes; this bounds what an unsigned request can make us read. */
const BODY_LIMIT = 256 * 1024;
/** As express.urlencoded: more parameters than this is a 413. */
const PARAMETER_LIMIT = 1000;

export function twilioWebhookRouter(options: { authToken: () => string; publicUrl: string | undefined }): Router {
  const router = express.Router();
  router.use(readForm(express.urlencoded({ extended: false, limit: BODY_LIMIT })));
  router.use(verifySignature(options));
  return router;
}

function verifySignature(options: { authToken: () => string; publicUrl: string | undefined }): RequestHandler {
  const base = options.publicUrl?.replace(/\/$/, '');
  return (req, res, next) => {
    const signature = req.headers['x-twilio-signature'];
    const url = (base ?? `${protocolOf(req)}://${req.get('host')}`) + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (typeof signature !== 'string' || !signature || !isSignedBy(options.authToken(), signature, url, params)) {
      res.status(403).type('text/plain').send('invalid Twilio signature');
      return;
    }
    (req as WebhookRequest).twilioParams = params;
    next();
  };
}

/**
 * `req.protocol` without its proxy-trust check (an address parse per request) when there is no
 * X-Forwarded-Proto to trust or distrust: then both are the socket's own protocol.
 */
function protocolOf(req: Request): string {
  if (req.headers['x-forwarded-proto'] !== undefined) return req.protocol;
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/**
 * twilio.validateRequest, with the URL as received tried first: it is always one of the library's candidates
 * (its port-less or its port-ful form), so this accepts exactly what the library accepts, with one HMAC for
 * a genuine webhook instead of up to six.
 */
export function isSignedBy(authToken: string, signature: string, url: string, params: Record<string, string>): boolean {
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  return twilio.validateRequest(authToken, signature, url, params);
}

/**
 * Sets `req.body` from a plain `application/x-www-form-urlencoded` UTF-8 body with a Content-Length, as
 * express.urlencoded({ extended: false }) would; hands every other request to `fallback` (that parser), and a
 * body whose names have brackets (qs gives them meaning) to `fallback` too, replayed from what was read.
 */
function readForm(fallback: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    const encoding = req.headers['content-encoding'];
    if (!isPlainForm(req.headers['content-type']) || !(length > 0 && length <= BODY_LIMIT) || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) {
      fallback(req, res, next);
      return;
    }
    const chunks: Buffer[] = [];
    let done = false;
    const fail = (error: Error) => {
      if (done) return;
      done = true;
      req.resume();
      next(Object.assign(error, { status: 400, statusCode: 400, expose: true, type: 'request.aborted' }));
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', fail);
    req.on('aborted', () => fail(new Error('request aborted')));
    req.on('end', () => {
      if (done) return;
      done = true;
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const form = parseForm(raw.toString('utf8'));
      if (form === 'too many') return next(Object.assign(new Error('too many parameters'), { status: 413, statusCode: 413, expose: true, type: 'parameters.too.many' }));
      if (form === 'brackets') return replayTo(fallback, req, res, next, raw);
      req.body = form;
      next();
    });
  };
}

/** Runs `parser` on a body already read from `req`, and copies what it parsed onto `req`. */
function replayTo(parser: RequestHandler, req: Request, res: Parameters<RequestHandler>[1], next: (err?: unknown) => void, raw: Buffer): void {
  const replay = Object.assign(Readable.from([raw]), { headers: req.headers }) as unknown as Request;
  parser(replay, res, (error?: unknown) => {
    if (error) return next(error);
    req.body = replay.body;
    next();
  });
}

/** `application/x-www-form-urlencoded`, with no charset or a UTF-8 one (what Twilio sends). */
function isPlainForm(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.toLowerCase();
  return type === 'application/x-www-form-urlencoded' || /^application\/x-www-form-urlencoded\s*;\s*charset="?utf-8"?$/.test(type);
}

/**
 * A form body as express.urlencoded({ extended: false }) parses it (qs with depth 0): `+` is a space, a
 * malformed escape leaves the text as sent, a repeated name collects its values in an array, a part without
 * a name is skipped. Names with brackets (qs gives them meaning) are left to qs: this answers 'brackets'.
 */
export function parseForm(body: string): Record<string, string | string[]> | 'too many' | 'brackets' {
  const form: Record<string, string | string[]> = {};
  if (body === '') return form;
  const parts = body.split('&');
  if (parts.length > PARAMETER_LIMIT) return 'too many';
  if (BRACKETS.test(body)) return 'brackets';
  // qs collects into a prototype-less object and copies it out at the end; a name such as `__proto__` or
  // `toString` is data here, never the object's own machinery.
  const values: Record<string, string | string[]> = Object.create(null);
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = decodeFormText(eq === -1 ? part : part.slice(0, eq));
    if (name === '') continue;
    const value = eq === -1 ? '' : decodeFormText(part.slice(eq + 1));
    const existing = values[name];
    values[name] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  for (const name in values) if (name !== '__proto__') form[name] = values[name]!;
  return form;
}

const BRACKETS = /[[\]]|%5[bd]/i;

function decodeFormText(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
