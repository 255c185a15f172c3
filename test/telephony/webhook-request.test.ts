/**
 * The webhook router's fast paths (form reading and the signature check) must accept, refuse and parse exactly
 * what the library path did: express.urlencoded({ extended: false }) then twilio.validateRequest. Both
 * pipelines run side by side here on the same requests, over real HTTP.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import express, { type ErrorRequestHandler } from 'express';
import twilio from 'twilio';
import { isSignedBy, parseForm, twilioWebhookRouter } from '../../server/src/adapters/twilio/webhook.ts';

const TOKEN = 'f'.repeat(32);

/** The pipeline as it was: the library's body parser and signature check. */
function libraryRouter(): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '256kb' }));
  router.use((req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const url = `${req.protocol}://${req.get('host')}${req.originalUrl}`;
    if (!signature || !twilio.validateRequest(TOKEN, signature, url, (req.body ?? {}) as Record<string, string>)) return void res.status(403).send('invalid Twilio signature');
    next();
  });
  return router;
}

/** Parses `body` with express.urlencoded, as the library pipeline does. */
function parseWithLibrary(body: string): Promise<unknown> {
  const raw = Buffer.from(body);
  const req = Object.assign(Readable.from([raw]), { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(raw.length) } });
  return new Promise((resolve, reject) =>
    express.urlencoded({ extended: false })(req as never, {} as never, (error?: unknown) => (error ? reject(error) : resolve((req as unknown as { body: unknown }).body))),
  );
}

describe('twilio webhook requests', () => {
  let server: http.Server;
  let base: string;

  before(async () => {
    const app = express();
    const echo = (req: express.Request, res: express.Response) => void res.json({ body: req.body ?? null, proto: req.body ? Object.getPrototypeOf(req.body) === Object.prototype : null });
    const fast = twilioWebhookRouter({ authToken: () => TOKEN, publicUrl: undefined });
    fast.post('/echo', echo);
    const library = libraryRouter();
    library.post('/echo', echo);
    app.use('/fast', fast);
    app.use('/library', library);
    const errors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => void res.status(err.status ?? 500).json({ type: err.type ?? null });
    app.use(errors);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** One request to both pipelines; the signature is made for `signedParams` (defaults to the body parsed). */
  async function both(body: string | Buffer, headers: Record<string, string>, sign?: { params: Record<string, string | string[]> } | { signature: string }) {
    const send = async (prefix: string) => {
      const url = `${base}/${prefix}/echo`;
      const signature = !sign ? undefined : 'signature' in sign ? sign.signature : twilio.getExpectedTwilioSignature(TOKEN, url, sign.params as Record<string, string>);
      const res = await fetch(url, { method: 'POST', headers: { ...headers, ...(signature ? { 'x-twilio-signature': signature } : {}) }, body: typeof body === 'string' ? body : new Uint8Array(body) });
      return { status: res.status, body: await res.text() };
    };
    return { fast: await send('fast'), library: await send('library') };
  }
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('parses form bodies exactly as express.urlencoded does (random bodies, names that are Object methods, bad escapes)', async () => {
    const pieces = ['a', 'B', '=', '=', '&', '&', '+', '%', '%2', '%41', '%E4%B8%AD', '中', ' ', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '0', '7', '%zz', 'CallSid'];
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      let body = '';
      for (let n = Math.floor(Math.random() * 12); n > 0; n--) body += pieces[Math.floor(Math.random() * pieces.length)];
      const mine = parseForm(body);
      if (typeof mine === 'string') continue;
      const theirs = await parseWithLibrary(body);
      expect(JSON.stringify(Object.entries(mine)), body).to.equal(JSON.stringify(Object.entries(theirs as object)));
      expect(Object.getPrototypeOf(mine)).to.equal(Object.getPrototypeOf(theirs));
      compared++;
    }
    expect(compared).to.be.greaterThan(2500);
    expect(parseForm('a[b]=1')).to.equal('brackets');
    expect(parseForm(Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&'))).to.equal('too many');
  });

  it('accepts a signed webhook and refuses a forged, missing or tampered one, as the library does', async () => {
    const params = { CallSid: `CA${'0'.repeat(32)}`, From: '+86 139 0000 0001', SpeechResult: '你好 & <再见>' };
    const body = new URLSearchParams(params).toString();
    const signed = await both(body, form, { params });
    expect(signed.fast.status).to.equal(200);
    expect(signed.fast).to.deep.equal(signed.library);
    expect(JSON.parse(signed.fast.body).body).to.deep.equal(params);
    for (const sign of [{ signature: 'Zm9yZ2Vk' }, undefined, { params: { ...params, From: '+8613900000002' } }]) {
      const refused = await both(body, form, sign);
      expect(refused.fast.status).to.equal(403);
      expect(refused.fast).to.deep.equal(refused.library);
    }
  });

  it('leaves brackets, other charsets, chunked and compressed bodies and oversized forms to the library parser, with the same outcome', async () => {
    const cases: { body: string | Buffer; headers: Record<string, string> }[] = [
      { body: 'a[b]=1&c[]=2&c[]=3&CallSid=CA1', headers: form },
      { body: 'a%5Bb%5D=1', headers: form },
      { body: 'Body=caf%E9', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' } },
      { body: 'Body=x', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' } },
      { body: 'CallSid=CA1&Body=%E4%BD%A0', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } },
      { body: Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&'), headers: form },
      { body: 'x='.padEnd(300 * 1024, 'y'), headers: form },
      { body: '{"CallSid":"CA1"}', headers: { 'content-type': 'application/json' } },
      { body: gzipSync('CallSid=CA1&From=%2B8613900000001'), headers: { ...form, 'content-encoding': 'gzip' } },
    ];
    for (const { body, headers } of cases) {
      // Signed over what the library parsed, so the comparison reaches the parsed body when there is one.
      const parsed = await parseWithLibrary(body.toString()).catch(() => ({}));
      const outcome = await both(body, headers, { params: parsed as Record<string, string> });
      expect(outcome.fast, `${headers['content-type']} ${body.toString().slice(0, 40)}`).to.deep.equal(outcome.library);
    }
    // Chunked (no Content-Length): a stream body.
    const chunked = async (prefix: string) => {
      const url = `${base}/${prefix}/echo`;
      const params = { CallSid: 'CA1', From: '+8613900000001' };
      const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(new URLSearchParams(params).toString())), c.close()) });
      const res = await fetch(url, { method: 'POST', headers: { ...form, 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, url, params) }, body: stream, duplex: 'half' } as RequestInit);
      return { status: res.status, body: await res.text() };
    };
    const streamed = { fast: await chunked('fast'), library: await chunked('library') };
    expect(streamed.fast.status).to.equal(200);
    expect(streamed.fast).to.deep.equal(streamed.library);
    const bracketed = await both('a[b]=1&CallSid=CA1', form, { params: (await parseWithLibrary('a[b]=1&CallSid=CA1')) as Record<string, string> });
    expect(bracketed.fast.status).to.equal(200);
    expect(JSON.parse(bracketed.fast.body).body).to.deep.equal({ 'a[b]': '1', CallSid: 'CA1' });
  });

  it('checks signatures against the URL as received first, and otherwise accepts exactly what validateRequest accepts', () => {
    const params = { CallSid: 'CA1', Digits: '1' };
    const urls = ['http://127.0.0.1:3000/twilio/voice/gather?call=1&seq=2', 'https://hotline.example.cn/twilio/voice/incoming', 'https://hotline.example.cn:443/twilio/voice/incoming', "https://hotline.example.cn/twilio/voice/x?q=it's"];
    for (const signedUrl of urls) {
      const signature = twilio.getExpectedTwilioSignature(TOKEN, signedUrl, params);
      for (const receivedUrl of urls) {
        expect(isSignedBy(TOKEN, signature, receivedUrl, params), `${signedUrl} received as ${receivedUrl}`).to.equal(twilio.validateRequest(TOKEN, signature, receivedUrl, params));
      }
      expect(isSignedBy(TOKEN, signature, signedUrl, params)).to.equal(true);
      expect(isSignedBy(TOKEN, signature, signedUrl, { ...params, Digits: '2' })).to.equal(false);
      expect(isSignedBy(TOKEN, `${signature}x`, signedUrl, params)).to.equal(false);
    }
  });
});
