/**
 * Composes the platform: database (embedded or external) → migrations → signing secret → demo seed →
 * job worker → HTTP + socket.io. main.ts runs it for `npm start`; the tests run it on their own databases.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import { silentPublisher, type AppContext } from './context.ts';
import type { Logger } from './platform/logger.ts';
import { createDb, createPool, migrateToLatest, migrationsApplied, pingDatabase } from './platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded.ts';
import { migrateJobQueue, startWorker, type Worker } from './platform/jobs.ts';
import { createHttpApp } from './platform/http/app.ts';
import type { RouteSpec } from './platform/http/route.ts';
import { createRealtime, type Realtime } from './platform/realtime.ts';
import { isPortTaken } from './platform/net.ts';
import { authJobs, authRoutes, authenticateAccessToken, loadSigningSecret } from './modules/auth/index.ts';
import { authSchedule } from './modules/auth/auth.jobs.ts';
import { directoryRoutes } from './modules/directory/index.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { seedDemoOnce } from './seed/demo.ts';

export const consoleDir = fileURLToPath(new URL('../../agent-console/dist', import.meta.url));

export type Platform = {
  ctx: AppContext;
  /** Base URL of the HTTP server, when this process has the web role. */
  url: string | undefined;
  port: number | undefined;
  databaseUrl: string;
  embedded: EmbeddedDatabase | undefined;
  demoSeeded: boolean;
  isReady(): Promise<{ database: boolean; migrations: boolean; worker: boolean }>;
  /** Stop accepting, finish in-flight requests, stop the worker, close the pool, stop PostgreSQL. */
  stop(): Promise<void>;
};

export async function startPlatform(config: Config, logger: Logger): Promise<Platform> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'hotline', logger });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const pool = createPool(databaseUrl, config.dbPoolSize, (err) => logger.warn({ err }, 'database connection failed'));
  const db = createDb(pool);

  try {
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await migrateJobQueue(pool, logger);

    const ctx: AppContext = { config, db, logger, publish: silentPublisher, jwtSecret: await loadSigningSecret(db, config.jwtSecret) };
    const demoSeeded = config.seedDemo ? await seedDemoOnce(ctx, config.demoPassword) : false;

    const worker: Worker | undefined = config.roles.worker
      ? await startWorker({ pool, jobs: [...authJobs(ctx)], concurrency: config.workerConcurrency, logger: logger.child({ role: 'worker' }), schedule: [...authSchedule] })
      : undefined;

    const isReady = async () => {
      const database = await pingDatabase(db).then(() => true, () => false);
      return {
        database,
        migrations: database && (await migrationsApplied(db).catch(() => false)),
        worker: config.roles.worker ? worker!.isRunning() : true,
      };
    };

    let httpServer: http.Server | undefined;
    let realtime: Realtime | undefined;
    let port: number | undefined;
    if (config.roles.web) {
      const authenticate = (token: string, origin: Parameters<typeof authenticateAccessToken>[2]) => authenticateAccessToken(ctx, token, origin);
      const routes: RouteSpec[] = [...healthRoutes(isReady), ...authRoutes(ctx), ...directoryRoutes(ctx), ...auditRoutes(ctx)];
      const app = createHttpApp({ logger, routes, authenticate, consoleDir });
      httpServer = http.createServer(app);
      // Keep-alive sockets must not hold a shutdown open for long.
      httpServer.keepAliveTimeout = 5_000;
      realtime = createRealtime({ httpServer, pool, authenticate, logger });
      ctx.publish = realtime;
      port = await listen(httpServer, config);
    }

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        if (httpServer) {
          const closed = new Promise<void>((resolve) => httpServer!.close(() => resolve()));
          httpServer.closeIdleConnections();
          await realtime?.close();
          // In-flight requests get a few seconds to finish; then their connections are cut.
          const timer = setTimeout(() => httpServer!.closeAllConnections(), 5_000);
          await closed;
          clearTimeout(timer);
        }
        await worker?.stop();
        await db.destroy();
        await embedded?.stop();
      })());

    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      ctx,
      url: port === undefined ? undefined : `http://${host}:${port}`,
      port,
      databaseUrl,
      embedded,
      demoSeeded,
      isReady,
      stop,
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Listens on PORT when it is set (and says exactly what to do when it is taken), otherwise on 3000 or the next
 * free port after it, so a crashed earlier run holding 3000 does not stop this one.
 */
async function listen(server: http.Server, config: Config): Promise<number> {
  let port = config.port ?? 3000;
  if (config.port === undefined) {
    while (port < 3100 && (await isPortTaken(port, config.host))) port++;
  } else if (config.port !== 0 && (await isPortTaken(config.port, config.host))) {
    throw new StartError(
      `端口 ${config.port} 已被占用：请结束占用它的进程（lsof -i :${config.port}），或换一个 PORT，或不设 PORT 让平台自动选择 ` +
        `(port ${config.port} is in use: stop the process holding it, pick another PORT, or leave PORT unset to choose a free one)`,
    );
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, () => resolve());
  });
  return (server.address() as { port: number }).port;
}

/** A start-up failure whose message is the whole story: printed as one line, no stack. */
export class StartError extends Error {
  override name = 'StartError';
}
