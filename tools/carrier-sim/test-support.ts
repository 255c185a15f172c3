import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import twilio from 'twilio';

/** One webhook the tiny TwiML app received, with whether its signature checked out. */
export interface ReceivedWebhook {
  path: string;
  params: Record<string, string>;
  signatureValid: boolean;
  at: number;
}

/** A stand-in for the platform in tests: answers TwiML per path and checks every X-Twilio-Signature. */
export interface TwimlApp {
  url: string;
  received: ReceivedWebhook[];
  /** Webhooks received on one path, in order. */
  on(path: string): ReceivedWebhook[];
  stop(): Promise<void>;
}

export const TEST_ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789abcdef';

/** Starts the app; a route returns a TwiML string (or '' for an empty 204-like answer). */
export async function startTwimlApp(
  routes: Record<string, (params: Record<string, string>, app: TwimlApp) => string | Promise<string>>,
  authToken = TEST_AUTH_TOKEN,
): Promise<TwimlApp> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const received: ReceivedWebhook[] = [];
  const self: TwimlApp = {
    url: '',
    received,
    on: (path) => received.filter((r) => r.path === path),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  app.all(/.*/, async (req, res) => {
    const params = (req.method === 'GET' ? {} : (req.body ?? {})) as Record<string, string>;
    const fullUrl = `${self.url}${req.originalUrl}`;
    const signatureValid = twilio.validateRequest(authToken, req.header('X-Twilio-Signature') ?? '', fullUrl, params);
    const query = req.query as Record<string, string>;
    received.push({ path: req.path, params: { ...query, ...params }, signatureValid, at: Date.now() });
    if (!signatureValid) return void res.status(403).send('bad signature');
    const route = routes[req.path];
    if (!route) return void res.type('text/xml').send('<Response/>');
    const body = await route({ ...query, ...params }, self);
    res.type('text/xml').send(body);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return self;
}

/** Waits until `check` is true (polling), failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
