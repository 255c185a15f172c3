/**
 * What else ends with a sign-in. Auth is part of the platform's spine and imports no domain module, yet ending a
 * sign-in must also end per-user state that domain modules keep: routing's agent phone state, which would
 * otherwise keep offering calls to a desk nobody sits at. Such a module registers a hook here for its platform
 * (routing's is composed in modules/registry.ts, where modules meet), and auth runs every hook inside the
 * transaction that revokes the sign-in, so the revocation, its audit row and what the hooks change commit
 * together or not at all.
 */
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { recordAudit } from '../../platform/audit.ts';
import { revokeUserSessions } from './auth.repository.ts';

/** Why sign-ins ended: the user signed out, an admin disabled the account or changed its password, a refresh token was replayed, the user was found inactive. */
export type SessionEndReason = 'signed_out' | 'account_changed' | 'refresh_token_reused' | 'user_inactive';

/** Whoever ended them, as the audit trail names them: the user, an admin, or anonymous (a replayed token). */
export type SessionEndActor = Parameters<typeof recordAudit>[1];

export type EndedSessions = { userId: string; reason: SessionEndReason; actor: SessionEndActor };

/** What a hook did: facts for the revocation's audit row, and pushes to make once the transaction committed. */
export type SessionEndOutcome = { audit?: Record<string, unknown>; afterCommit?: () => Promise<void> | void };

/** Runs inside the revoking transaction; a throw rolls the revocation back with it. */
export type SessionEndHook = (ctx: AppContext, trx: Executor, ended: EndedSessions) => Promise<SessionEndOutcome | undefined>;

const hooksByPlatform = new WeakMap<AppContext, SessionEndHook[]>();

/** Registers `hook` to run whenever a sign-in of this platform ends (at start-up, once per platform). */
export function onSessionEnded(ctx: AppContext, hook: SessionEndHook): void {
  hooksByPlatform.set(ctx, [...(hooksByPlatform.get(ctx) ?? []), hook]);
}

/**
 * Runs every registered hook in the caller's transaction. Returns their audit facts merged (undefined when no hook
 * changed anything) and one function to call after the commit, which logs instead of throwing: the change has
 * committed by then, and a failed push must not turn a done sign-out into an error.
 */
export async function runSessionEndHooks(
  ctx: AppContext,
  trx: Executor,
  ended: EndedSessions,
): Promise<{ audit: Record<string, unknown> | undefined; afterCommit: () => Promise<void> }> {
  const outcomes: SessionEndOutcome[] = [];
  for (const hook of hooksByPlatform.get(ctx) ?? []) {
    const outcome = await hook(ctx, trx, ended);
    if (outcome) outcomes.push(outcome);
  }
  const facts = outcomes.filter((o) => o.audit);
  return {
    audit: facts.length ? Object.assign({}, ...facts.map((o) => o.audit)) : undefined,
    afterCommit: async () => {
      for (const o of outcomes) {
        try {
          await o.afterCommit?.();
        } catch (error) {
          ctx.logger.warn({ err: error, userId: ended.userId }, 'a sign-out step after the commit failed');
        }
      }
    },
  };
}

/**
 * Ends every sign-in of a user in the caller's transaction (an admin disabled the account or changed its
 * password), with what hangs on them, whether or not one was live: a stale agent state ends too. Returns facts
 * for the caller's audit row and what to run after its commit.
 */
export async function endUserSessions(
  ctx: AppContext,
  trx: Executor,
  actor: SessionEndActor,
  userId: string,
): Promise<{ audit: Record<string, unknown> | undefined; afterCommit: () => Promise<void> }> {
  await revokeUserSessions(trx, userId, 'account_changed');
  return runSessionEndHooks(ctx, trx, { userId, reason: 'account_changed', actor });
}
