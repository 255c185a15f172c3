/** Helpers for the knowledge-base tests: signed-in people of each kind, and a second platform on one database. */
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { startPlatform } from '../../server/src/server.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { apiClient, type TestPlatform } from '../support/platform.ts';
import type { Role } from '../../server/src/schema.ts';

export type Person = { id: string; token: string; departmentId: string | null };

export async function person(platform: TestPlatform, role: Role, departmentId?: string): Promise<Person> {
  const user = await buildUser(platform.ctx.db, { role, departmentId: departmentId ?? null });
  const { accessToken } = await signIn(platform.api, user);
  return { id: user.id, token: accessToken, departmentId: user.departmentId };
}

/** A department whose code owns sample entries (gongjijin, renshe …), created if this database lacks it. */
export async function departmentWithCode(platform: TestPlatform, code: string) {
  const existing = await platform.ctx.db.selectFrom('departments').select(['id', 'code']).where('code', '=', code).executeTakeFirst();
  return existing ?? (await buildDepartment(platform.ctx.db, { code, name: `部门-${code}` }));
}

/** Another platform (HTTP, worker, LISTEN connection) on the same database: a second server process's view. */
export async function startSecondPlatform(first: TestPlatform): Promise<TestPlatform> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: first.databaseUrl,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: '0',
    DB_POOL_SIZE: '5',
  });
  const platform = await startPlatform(config, createLogger(config.logLevel));
  return Object.assign(platform, { url: platform.url!, api: apiClient(platform.url!) });
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The best search hit's code for a question, through the agents' search API. */
export async function topHit(platform: TestPlatform, token: string, q: string): Promise<{ code: string; confidence: number } | undefined> {
  const res = await platform.api.get(`/api/knowledge/search?q=${encodeURIComponent(q)}&limit=3`, token);
  if (res.status !== 200) throw new Error(`search ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items[0];
}
