/**
 * Composes the platform: database (embedded or external) → migrations → secrets → demo seed → job worker →
 * HTTP + socket.io → telephony (Twilio, or the local carrier simulator). main.ts runs it for `npm start`;
 * the tests run it on their own databases.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Config } from './config.ts';
import { silentPublisher, type AppContext } from './context.ts';
import type { Logger } from './platform/logger.ts';
import { createDb, createPool, migrateToLatest, migrationsApplied, pingDatabase } from './platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded.ts';
import { migrateJobQueue, startWorker, type Worker } from './platform/jobs.ts';
import { createHttpApp } from './platform/http/app.ts';
import type { RouteSpec } from './platform/http/route.ts';
import { createRealtime } from './platform/realtime.ts';
import { isPortTaken } from './platform/net.ts';
import { createPiiVault, newDataKey } from './platform/pii.ts';
import { loadOrCreateSecret } from './platform/secrets.ts';
import { AppError } from './platform/errors.ts';
import { authenticateAccessToken, loadSigningSecret } from './modules/auth/index.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { platformModules } from './modules/registry.ts';
import { observePool, timeWebhooks } from './modules/metrics/index.ts';
import { connectTwilio, type TwilioConnection } from './adapters/twilio/client.ts';
import { createTwilioSmsSender } from './adapters/twilio/sms.ts';
import { twilioWebhookRouter } from './adapters/twilio/webhook.ts';
import { createSimulatedSoftphones, createTwilioTelephony } from './adapters/twilio/telephony.ts';
import { createGoogleSpeechToText } from './adapters/google-speech/index.ts';
import { startCarrierSim, type CarrierSim } from '../../tools/carrier-sim/index.ts';
import { seedDemoOnce } from './seed/demo.ts';

export const consoleDir = fileURLToPath(new URL('../../agent-console/dist', import.meta.url));

export type Platform = {
  ctx: AppContext;
  /** Base URL of the HTTP server, when this process has the web role. */
  url: string | undefined;
  port: number | undefined;
  databaseUrl: string;
  embedded: EmbeddedDatabase | undefined;
  /** The local carrier simulator, in simulator mode. */
  carrierSim: CarrierSim | undefined;
  twilio: TwilioConnection | undefined;
  demoSeeded: boolean;
  isReady(): Promise<{ database: boolean; migrations: boolean; worker: boolean }>;
  /** Stop accepting, finish in-flight requests, stop the worker, close the pool, stop PostgreSQL. */
  stop(): Promise<void>;
};

export async function startPlatform(config: Config, logger: Logger): Promise<Platform> {
  // Decide the HTTP port before starting anything, so a taken PORT fails fast with nothing to undo.
  const chosenPort = config.roles.web ? await choosePort(config) : undefined;
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'hotline', logger });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  let stopping = false;
  // A connection dropped by PostgreSQL is logged by its code and message only (the error carries the whole
  // client, queries included). During shutdown the database closing its connections is expected.
  const pool = createPool(databaseUrl, config.dbPoolSize, (err: Error & { code?: string }) => {
    if (!(stopping && err.code === '57P01')) logger.warn({ code: err.code, message: err.message }, 'database connection failed');
  });
  const db = createDb(pool);
  // What has been started, newest first; stopping (or a failed start) runs it in this order, so HTTP stops
  // accepting before the worker stops, and PostgreSQL stops last.
  const teardown: (() => Promise<void>)[] = [() => db.destroy(), async () => void (await embedded?.stop())];
  const runTeardown = async () => {
    stopping = true;
    for (const step of teardown.splice(0)) await withTimeout(step(), 10_000).catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
  };

  try {
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await migrateJobQueue(pool, logger);

    let twilio: TwilioConnection | undefined;
    const ctx: AppContext = {
      config,
      db,
      logger,
      publish: silentPublisher,
      jwtSecret: await loadSigningSecret(db, config.jwtSecret),
      pii: createPiiVault(await loadOrCreateSecret(db, 'data', config.dataKey, newDataKey)),
      ports: {
        // Replaced once telephony is connected, after the HTTP port is known (the simulator calls back into it).
        sms: { send: () => Promise.reject(new AppError('UNAVAILABLE', { params: { provider: 'SMS' } })) },
        speech: createSpeechPort(config),
      },
      publicUrl: config.publicUrl ?? 'http://127.0.0.1',
    };
    observePool(ctx, pool);
    const speech = ctx.ports.speech as { close?: () => Promise<void> } | undefined;
    if (speech?.close) teardown.unshift(() => speech.close!());
    const demoSeeded = config.seedDemo ? await seedDemoOnce(ctx, config.demoPassword) : false;
    // Modules that must be ready before traffic (the call flows: a bad flow file stops the start here).
    for (const m of platformModules) {
      const stopModule = await m.start?.(ctx, { databaseUrl });
      if (stopModule) teardown.unshift(stopModule);
    }

    const worker: Worker | undefined = config.roles.worker
      ? await startWorker({
          pool,
          jobs: platformModules.flatMap((m) => m.jobs?.(ctx) ?? []),
          schedule: config.workerSchedule ? platformModules.flatMap((m) => m.schedule ?? []) : [],
          concurrency: config.workerConcurrency,
          logger: logger.child({ role: 'worker' }),
        })
      : undefined;
    if (worker) teardown.unshift(() => worker.stop());

    const isReady = async () => {
      const database = await pingDatabase(db).then(() => true, () => false);
      return {
        database,
        migrations: database && (await migrationsApplied(db).catch(() => false)),
        worker: config.roles.worker ? worker!.isRunning() : true,
      };
    };

    let port: number | undefined;
    let carrierSim: CarrierSim | undefined;
    // The simulator's token is made per start: it lives in this process only.
    const webhookToken = config.telephony.mode === 'twilio' ? config.telephony.authToken : randomBytes(16).toString('hex');
    if (config.roles.web) {
      const authenticate = (token: string, origin: Parameters<typeof authenticateAccessToken>[2]) => authenticateAccessToken(ctx, token, origin);
      const routes: RouteSpec[] = [...healthRoutes(isReady), ...platformModules.flatMap((m) => m.routes?.(ctx) ?? [])];
      const twilioRouter = twilioWebhookRouter({ authToken: () => webhookToken, publicUrl: config.publicUrl });
      twilioRouter.use(timeWebhooks(ctx));
      for (const m of platformModules) m.webhooks?.(ctx, twilioRouter);
      const app = createHttpApp({ logger, routes, authenticate, consoleDir, extraRouters: [{ path: '/twilio', router: twilioRouter as express.Router }] });
      const server = http.createServer(app);
      // Keep-alive sockets must not hold a shutdown open for long.
      server.keepAliveTimeout = 5_000;
      const io = createRealtime({
        httpServer: server,
        pool,
        authenticate,
        logger,
        whenUserLeaves: {
          afterMs: config.calls.consoleGraceSeconds * 1000,
          run: async (user) => {
            for (const m of platformModules) await m.consolesClosed?.(ctx, user);
          },
        },
      });
      ctx.publish = io;
      teardown.unshift(async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await io.close();
        // In-flight requests get a few seconds to finish; then their connections are cut.
        const timer = setTimeout(() => server.closeAllConnections(), 5_000);
        if (server.listening) await closed;
        clearTimeout(timer);
      });
      port = await listen(server, chosenPort!, config.host);
    }
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = port === undefined ? undefined : `http://${host}:${port}`;
    ctx.publicUrl = config.publicUrl?.replace(/\/$/, '') ?? url ?? ctx.publicUrl;

    if (config.telephony.mode === 'twilio') {
      twilio = connectTwilio({ ...config.telephony, timeoutMs: config.telephony.restTimeoutMs });
      if (config.telephony.simulatorUrl) ctx.ports.softphones = createSimulatedSoftphones(config.telephony.simulatorUrl);
    } else if (url) {
      const accountSid = `AC${randomBytes(16).toString('hex')}`;
      carrierSim = await startCarrierSim({
        accountSid,
        authToken: webhookToken,
        voiceUrl: `${ctx.publicUrl}/twilio/voice/incoming`,
        voiceStatusUrl: `${ctx.publicUrl}/twilio/voice/status`,
        smsUrl: `${ctx.publicUrl}/twilio/sms/incoming`,
        hotlineNumber: config.telephony.hotlineNumber,
        timeScale: config.telephony.timeScale,
        log: { info: () => {}, debug: () => {}, warn: (m: string) => logger.warn({ sim: true }, m), error: (m: string) => logger.error({ sim: true }, m) } as never,
      });
      const sim = carrierSim;
      teardown.unshift(() => sim.stop());
      twilio = connectTwilio({ accountSid, authToken: webhookToken, hotlineNumber: config.telephony.hotlineNumber, simulatorUrl: carrierSim.url, timeoutMs: config.telephony.restTimeoutMs });
      ctx.ports.softphones = createSimulatedSoftphones(carrierSim.url);
      if (config.env !== 'test') {
        mkdirSync(config.dataDir, { recursive: true });
        writeFileSync(path.join(config.dataDir, 'carrier-sim.json'), JSON.stringify({ url: carrierSim.url }));
      }
    }

    if (twilio) ctx.ports.sms = createTwilioSmsSender(twilio);
    if (twilio) {
      const simulated = config.telephony.mode === 'simulator' || Boolean(config.telephony.simulatorUrl);
      ctx.ports.telephony = createTwilioTelephony(twilio, {
        mode: simulated ? 'simulator' : 'twilio',
        voice: config.telephony.mode === 'twilio' ? config.telephony : undefined,
      });
    }

    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= runTeardown());

    return { ctx, url, port, databaseUrl, embedded, carrierSim, twilio, demoSeeded, isReady, stop };
  } catch (error) {
    await runTeardown();
    throw error;
  }
}

/** Google speech when an endpoint or Google credentials are configured; otherwise none. */
function createSpeechPort(config: Config) {
  if (config.speechEndpoint) {
    return createGoogleSpeechToText({ apiEndpoint: config.speechEndpoint.host, port: config.speechEndpoint.port, insecure: true });
  }
  if (process.env.GOOGLE_APPLICATION_CREDENTIALS) return createGoogleSpeechToText({});
  return undefined;
}

/**
 * PORT when it is set (saying exactly what to do when it is taken), otherwise 3000 or the next free port
 * after it, so a crashed earlier run holding 3000 does not stop this one.
 */
async function choosePort(config: Config): Promise<number> {
  if (config.port === 0) return 0;
  if (config.port !== undefined) {
    if (await isPortTaken(config.port, config.host)) {
      throw new StartError(
        `端口 ${config.port} 已被占用：请结束占用它的进程（lsof -i :${config.port}），或换一个 PORT，或不设 PORT 让平台自动选择 ` +
          `(port ${config.port} is in use: stop the process holding it, pick another PORT, or leave PORT unset to choose a free one)`,
      );
    }
    return config.port;
  }
  let port = 3000;
  while (port < 3100 && (await isPortTaken(port, config.host))) port++;
  return port;
}

async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as { port: number }).port;
}

/** A shutdown step that hangs must not keep the process (and PostgreSQL) up forever. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`shutdown step took over ${ms} ms`)), ms))),
  ]);
}

/** A start-up failure whose message is the whole story: printed as one line, no stack. */
export class StartError extends Error {
  override name = 'StartError';
}
