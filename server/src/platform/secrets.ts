/**
 * Secrets a deployment may leave unset (JWT signing key, data key) are generated once and kept in the
 * database, so every process of the deployment shares them and a restart keeps them. Production sets them
 * in the environment instead, which also keeps them out of database backups.
 */
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export async function loadOrCreateSecret(db: Executor, name: string, configured: string | undefined, generate: () => string): Promise<string> {
  if (configured) return configured;
  const key = `secret:${name}`;
  await db
    .insertInto('app_meta')
    .values({ key, value: JSON.stringify(generate()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('app_meta').select(sql<string>`value #>> '{}'`.as('value')).where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
