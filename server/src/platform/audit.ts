/**
 * The audit trail: one append-only row per change, written with the same transaction as the change itself,
 * so a change without its audit row (or the reverse) cannot be committed. The table refuses UPDATE, DELETE
 * and TRUNCATE at the database level.
 */
import type { Executor } from './db/database.ts';
import type { Actor, RequestOrigin } from './actor.ts';

export type AuditEntry = {
  /** Past-tense event name, e.g. `auth.signed_in`, `user.updated`, `phone.revealed`. */
  action: string;
  entity: string;
  entityId?: string | null;
  /** Facts worth keeping (changed fields, reasons); never passwords or tokens. */
  data?: Record<string, unknown>;
};

/** Writes one audit row inside the caller's transaction. */
export async function recordAudit(executor: Executor, actor: Actor | (RequestOrigin & { kind: 'anonymous' }), entry: AuditEntry): Promise<void> {
  await executor
    .insertInto('audit_log')
    .values({
      actor_id: actor.kind === 'user' ? actor.id : null,
      actor_username: actor.kind === 'user' ? actor.username : actor.kind === 'system' ? `system:${actor.name}` : null,
      actor_role: actor.kind === 'user' ? actor.role : actor.kind,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      ip: actor.ip,
      user_agent: actor.userAgent?.slice(0, 400) ?? null,
      data: JSON.stringify(entry.data ?? {}),
    })
    .execute();
}
