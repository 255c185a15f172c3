/** SQL for sign-in: users by name, the sign-in throttle, sessions and refresh tokens. */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export async function findUserByUsername(db: Executor, username: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'department_id', 'password_hash', 'active'])
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

export async function findThrottle(db: Executor, key: string) {
  return db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

/**
 * Counts one more failure for `key`. Failures older than the lock window no longer count, and a lock that
 * has run out starts the count again; reaching `maxFailures` locks the key for `lockMinutes`.
 */
export async function recordFailure(db: Executor, key: string, maxFailures: number, lockMinutes: number) {
  const window = sql`make_interval(mins => ${lockMinutes})`;
  return db
    .insertInto('login_throttle')
    .values({ key, failures: 1, last_failed_at: sql`now()`, locked_until: maxFailures <= 1 ? sql`now() + ${window}` : null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when login_throttle.last_failed_at < now() - ${window}
                             or login_throttle.locked_until < now() then 1
                           else login_throttle.failures + 1 end`,
        last_failed_at: sql`now()`,
        locked_until: sql`case when (case when login_throttle.last_failed_at < now() - ${window}
                                           or login_throttle.locked_until < now() then 1
                                         else login_throttle.failures + 1 end) >= ${maxFailures}
                               then now() + ${window} else null end`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export async function insertSession(db: Executor, userId: string, ip: string | null, userAgent: string | null) {
  return db
    .insertInto('auth_sessions')
    .values({ user_id: userId, ip, user_agent: userAgent?.slice(0, 400) ?? null, last_refreshed_at: null, revoked_at: null, revoke_reason: null })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertRefreshToken(db: Executor, sessionId: string, tokenHash: Buffer, ttlDays: number): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({ session_id: sessionId, token_hash: tokenHash, expires_at: sql<Date>`now() + make_interval(days => ${ttlDays})`, used_at: null })
    .execute();
}

/** Locks the token and its session so two concurrent uses of one token are decided one after the other. */
export async function findRefreshTokenForUpdate(db: Executor, tokenHash: Buffer) {
  return db
    .selectFrom('refresh_tokens as t')
    .innerJoin('auth_sessions as s', 's.id', 't.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['t.id', 't.session_id', 't.used_at', sql<boolean>`t.expires_at < now()`.as('expired'), 's.revoked_at', 's.user_id', 'u.active'])
    .where('t.token_hash', '=', tokenHash)
    .forUpdate(['t', 's'])
    .executeTakeFirst();
}

export async function markRefreshTokenUsed(db: Executor, id: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ used_at: sql`now()` }).where('id', '=', id).execute();
}

export async function touchSession(db: Executor, sessionId: string): Promise<void> {
  await db.updateTable('auth_sessions').set({ last_refreshed_at: sql`now()` }).where('id', '=', sessionId).execute();
}

export async function revokeSession(db: Executor, sessionId: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ revoked_at: sql`now()`, revoke_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every live sign-in of a user. */
export async function revokeUserSessions(db: Executor, userId: string, reason: string): Promise<number> {
  const result = await db.updateTable('auth_sessions').set({ revoked_at: sql`now()`, revoke_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The signed-in user behind an access token, only while the user is active and the session not revoked. */
export async function findActiveSessionUser(db: Executor, userId: string, sessionId: string) {
  return db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.department_id'])
    .where('s.id', '=', sessionId)
    .where('u.id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export async function deleteExpiredTokens(db: Executor): Promise<number> {
  const result = await db.deleteFrom('refresh_tokens').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
