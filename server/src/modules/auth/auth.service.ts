/**
 * Sign-in use cases: sign in, refresh (rotating, with reuse detection), sign out, and turning an access token
 * into an actor. Each state change commits together with its audit row.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../context.ts';
import { systemActor, type RequestOrigin, type UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { loadOrCreateSecret } from '../../platform/secrets.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { getUserProfile, type UserProfile } from '../directory/index.ts';
import * as repo from './auth.repository.ts';
import { verifyPassword } from './passwords.ts';
import { runSessionEndHooks } from './session-end.ts';
import { hashRefreshToken, newRefreshToken, signAccessToken, verifyAccessToken } from './tokens.ts';

export type IssuedSession = { accessToken: string; refreshToken: string; user: UserProfile; sessionId: string };

const throttleKey = (username: string) => `user:${username.toLowerCase()}`;

/** The JWT signing key: JWT_SECRET when set, otherwise one generated once and shared through the database. */
export function loadSigningSecret(db: Db, configured: string | undefined): Promise<string> {
  return loadOrCreateSecret(db, 'jwt', configured, () => randomBytes(48).toString('base64url'));
}

/**
 * Checks a username and password. Failures are counted per account: after `slowAfter` failures each answer
 * is delayed (doubling), and at `maxFailures` the account is locked for `lockMinutes`.
 */
export async function signIn(ctx: AppContext, input: { username: string; password: string }, origin: RequestOrigin): Promise<IssuedSession> {
  const { login } = ctx.config;
  const key = throttleKey(input.username);
  const throttle = await repo.findThrottle(ctx.db, key);
  if (throttle?.locked_until && throttle.locked_until > new Date()) throw lockedError(throttle.locked_until);
  if (throttle && throttle.failures >= login.slowAfter && throttle.last_failed_at && !isStale(throttle.last_failed_at, login.lockMinutes)) {
    await sleep(Math.min(250 * 2 ** (throttle.failures - login.slowAfter), 4000));
  }

  const user = await repo.findUserByUsername(ctx.db, input.username);
  const passwordOk = await verifyPassword(user?.password_hash ?? null, input.password);

  if (!user || !passwordOk) {
    const after = await ctx.db.transaction().execute(async (trx) => {
      const counted = await repo.recordFailure(trx, key, login.maxFailures, login.lockMinutes);
      await recordAudit(trx, { kind: 'anonymous', ...origin }, {
        action: counted.locked_until ? 'auth.locked_out' : 'auth.sign_in_failed',
        entity: 'user',
        entityId: user?.id ?? null,
        data: { username: input.username.slice(0, 64), failures: counted.failures },
      });
      return counted;
    });
    if (after.locked_until) throw lockedError(after.locked_until);
    throw new AppError('UNAUTHENTICATED', { messageKey: 'error.credentials' });
  }
  if (!user.active) throw new AppError('UNAUTHENTICATED', { messageKey: 'error.inactive' });

  const refresh = newRefreshToken();
  const sessionId = await ctx.db.transaction().execute(async (trx) => {
    await repo.clearThrottle(trx, key);
    const session = await repo.insertSession(trx, user.id, origin.ip, origin.userAgent);
    await repo.insertRefreshToken(trx, session.id, refresh.hash, ctx.config.refreshTokenTtlDays);
    await recordAudit(trx, actorOf(user, session.id, origin), { action: 'auth.signed_in', entity: 'user', entityId: user.id });
    return session.id;
  });
  return issue(ctx, user.id, sessionId, refresh.token);
}

/**
 * Exchanges a refresh token for a new pair. Every refresh token works once; presenting a used one means it was
 * copied, so the whole sign-in (every token descended from it) is revoked.
 */
export async function refreshSession(ctx: AppContext, refreshToken: string, origin: RequestOrigin): Promise<IssuedSession> {
  const next = newRefreshToken();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const found = await repo.findRefreshTokenForUpdate(trx, hashRefreshToken(refreshToken));
    if (!found || found.revoked_at || found.expired) return { kind: 'invalid' as const };
    if (found.used_at) {
      const actor = { kind: 'anonymous' as const, ...origin };
      await repo.revokeSession(trx, found.session_id, 'refresh_token_reused');
      // Whoever holds the sign-in now, its agent is no longer at the desk the console showed.
      const ended = await runSessionEndHooks(ctx, trx, { userId: found.user_id, reason: 'refresh_token_reused', actor });
      await recordAudit(trx, actor, {
        action: 'auth.refresh_reused',
        entity: 'auth_session',
        entityId: found.session_id,
        data: { userId: found.user_id, ...ended.audit },
      });
      return { kind: 'reused' as const, afterCommit: ended.afterCommit };
    }
    if (!found.active) {
      // Disabling the account signed the agent off already (directory → endUserSessions); this catches a user
      // made inactive any other way, and records it when it changed something.
      await repo.revokeSession(trx, found.session_id, 'user_inactive');
      const ended = await runSessionEndHooks(ctx, trx, { userId: found.user_id, reason: 'user_inactive', actor: systemActor('auth') });
      if (ended.audit) await recordAudit(trx, systemActor('auth'), { action: 'auth.session_ended', entity: 'auth_session', entityId: found.session_id, data: { userId: found.user_id, reason: 'user_inactive', ...ended.audit } });
      return { kind: 'inactive' as const, afterCommit: ended.afterCommit };
    }
    await repo.markRefreshTokenUsed(trx, found.id);
    await repo.insertRefreshToken(trx, found.session_id, next.hash, ctx.config.refreshTokenTtlDays);
    await repo.touchSession(trx, found.session_id);
    return { kind: 'rotated' as const, userId: found.user_id, sessionId: found.session_id };
  });
  switch (outcome.kind) {
    case 'invalid':
      throw new AppError('UNAUTHENTICATED', { messageKey: 'error.refresh.invalid' });
    case 'reused':
      await outcome.afterCommit();
      throw new AppError('UNAUTHENTICATED', { messageKey: 'error.refresh.reused' });
    case 'inactive':
      await outcome.afterCommit();
      throw new AppError('UNAUTHENTICATED', { messageKey: 'error.inactive' });
    case 'rotated':
      return issue(ctx, outcome.userId, outcome.sessionId, next.token);
  }
}

/**
 * Ends a sign-in: its refresh tokens stop working and its access tokens are refused from now on. What hangs on
 * being signed in ends with it, in the same transaction (session-end hooks: the agent leaves the phone queue),
 * and the audit row says what that changed.
 */
export async function signOut(ctx: AppContext, actor: UserActor): Promise<void> {
  const ended = await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.revokeSession(trx, actor.sessionId, 'signed_out'))) return undefined;
    const effects = await runSessionEndHooks(ctx, trx, { userId: actor.id, reason: 'signed_out', actor });
    await recordAudit(trx, actor, { action: 'auth.signed_out', entity: 'auth_session', entityId: actor.sessionId, ...(effects.audit ? { data: effects.audit } : {}) });
    return effects;
  });
  await ended?.afterCommit();
}

/** Turns a bearer token into the acting user, refusing expired, forged, revoked or deactivated ones. */
export async function authenticateAccessToken(ctx: AppContext, token: string, origin: RequestOrigin): Promise<UserActor> {
  const verified = verifyAccessToken(token, ctx.jwtSecret);
  if (!verified.ok) {
    throw new AppError('UNAUTHENTICATED', { messageKey: verified.reason === 'expired' ? 'error.token.expired' : 'error.token.invalid' });
  }
  const user = await repo.findActiveSessionUser(ctx.db, verified.claims.sub, verified.claims.sid);
  if (!user) throw new AppError('UNAUTHENTICATED', { messageKey: 'error.token.invalid' });
  return actorOf(user, verified.claims.sid, origin);
}

/** Removes refresh tokens past their expiry (a daily job). */
export async function purgeExpiredTokens(ctx: AppContext): Promise<number> {
  return repo.deleteExpiredTokens(ctx.db);
}

async function issue(ctx: AppContext, userId: string, sessionId: string, refreshToken: string): Promise<IssuedSession> {
  const user = await getUserProfile(ctx.db, userId);
  const accessToken = signAccessToken({ sub: userId, sid: sessionId, role: user.role }, ctx.jwtSecret, ctx.config.accessTokenTtlSeconds);
  return { accessToken, refreshToken, user, sessionId };
}

function actorOf(
  user: { id: string; username: string; display_name: string; role: UserActor['role']; department_id: string | null },
  sessionId: string,
  origin: RequestOrigin,
): UserActor {
  return {
    kind: 'user',
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    departmentId: user.department_id,
    sessionId,
    ...origin,
  };
}

function lockedError(until: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError('RATE_LIMITED', { messageKey: 'error.locked', params: { minutes: Math.ceil(seconds / 60) }, retryAfterSeconds: seconds });
}

function isStale(lastFailedAt: Date, lockMinutes: number): boolean {
  return Date.now() - lastFailedAt.getTime() > lockMinutes * 60_000;
}
