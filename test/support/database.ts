/**
 * One real PostgreSQL (embedded) for the whole test run, and a fresh database per test file cloned from a
 * migrated template, so files cannot disturb each other and no file pays for migrations.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, createPool, migrateToLatest } from '../../server/src/platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/src/platform/db/embedded.ts';
import { migrateJobQueue } from '../../server/src/platform/jobs.ts';
import { createLogger } from '../../server/src/platform/logger.ts';

const TEMPLATE = 'hotline_template';
let cluster: { embedded: EmbeddedDatabase; dir: string } | undefined;
let counter = 0;

/** Starts the run's PostgreSQL and builds the migrated template (once per run). */
export async function startTestCluster(): Promise<void> {
  if (cluster) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-test-'));
  // As root, PostgreSQL runs as its own `postgres` user, which must be able to enter this folder.
  chmodSync(dir, 0o755);
  const logger = createLogger('silent');
  const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), database: TEMPLATE, logger });
  const pool = createPool(embedded.url, 2, () => undefined);
  const db = createDb(pool);
  await migrateToLatest(db);
  await migrateJobQueue(pool, logger);
  await db.destroy();
  cluster = { embedded, dir };
  process.env.TEST_PG_ADMIN_URL = embedded.adminUrl;
}

export async function stopTestCluster(): Promise<void> {
  if (!cluster) return;
  await cluster.embedded.stop();
  rmSync(cluster.dir, { recursive: true, force: true });
  cluster = undefined;
}

/** A new, migrated, empty database for one test file; returns its connection string. */
export async function createTestDatabase(): Promise<string> {
  await startTestCluster();
  const name = `test_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: cluster!.embedded.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  return cluster!.embedded.adminUrl.replace(/\/postgres$/, `/${name}`);
}
