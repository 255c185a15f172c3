/**
 * Wrap-up codes (话后小结): what the agent says a call was about, chosen after each call. They are data the
 * hotline admins manage (add, rename, reorder, retire — never delete: old calls keep their code). The
 * platform's own code `unselected` (未选择) is recorded when a wrap-up times out without a choice; agents
 * cannot choose it and admins cannot retire it.
 *
 * Every way out of wrap-up leaves a code on the call: the agent's choice (required before going available or on
 * a break by hand), 未选择 on the timeout, and 未选择 with an audit row when the agent signs off without one.
 */
import * as z from 'zod';
import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import type { Executor } from '../../platform/db/database.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { WrapUpCodesTable } from '../../schema.ts';
import type { Subject } from '../../platform/actor.ts';
import { callsAbilities } from './calls.policy.ts';
import { addCallEvent } from './calls.repository.ts';

/** The code recorded when the wrap-up time ran out before the agent chose one. */
export const UNSELECTED_WRAP_UP_CODE = 'unselected';

type WrapUpCodeRow = Selectable<WrapUpCodesTable>;

/** Whoever an audit row names: a user, the platform, or nobody signed in. */
type AuditActor = Parameters<typeof recordAudit>[1];

export const WrapUpCodeSchema = z
  .object({
    code: z.string(),
    label: z.object({ 'zh-CN': z.string(), en: z.string() }),
    active: z.boolean(),
    system: z.boolean(),
    sortOrder: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WrapUpCode' });
export type WrapUpCodeJson = z.infer<typeof WrapUpCodeSchema>;

export function presentWrapUpCode(row: WrapUpCodeRow): WrapUpCodeJson {
  return {
    code: row.code,
    label: { 'zh-CN': row.label_zh, en: row.label_en },
    active: row.active,
    system: row.system,
    sortOrder: row.sort_order,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Codes are short identifiers, so reports and exports stay stable while labels are reworded. */
export const wrapUpCodeKey = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, { message: '编码须为 2–40 位小写字母、数字或下划线，以字母开头 (2–40 lowercase letters, digits or _, starting with a letter)' });

export const CreateWrapUpCodeBody = z.object({
  code: wrapUpCodeKey,
  label: z.object({ 'zh-CN': z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(80) }),
  sortOrder: z.number().int().min(0).max(10_000).default(100),
});

export const UpdateWrapUpCodeBody = z
  .object({
    label: z.object({ 'zh-CN': z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(80) }).partial(),
    active: z.boolean(),
    sortOrder: z.number().int().min(0).max(10_000),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: '没有要修改的内容 (nothing to change)' });

/** Hotline admins manage the codes; everyone who answers or supervises calls reads them. */
export function canManageWrapUpCodes(actor: Subject): boolean {
  return callsAbilities(actor)['calls.manageWrapUpCodes'] === true;
}

/** The codes in display order: active ones for agents, all of them for whoever manages them. */
export async function listWrapUpCodes(ctx: AppContext, options: { includeInactive: boolean; includeSystem: boolean }): Promise<WrapUpCodeJson[]> {
  let q = ctx.db.selectFrom('wrap_up_codes').selectAll().orderBy('sort_order').orderBy('code');
  if (!options.includeInactive) q = q.where('active', '=', true);
  if (!options.includeSystem) q = q.where('system', '=', false);
  return (await q.execute()).map(presentWrapUpCode);
}

export async function createWrapUpCode(ctx: AppContext, actor: UserActor, input: z.infer<typeof CreateWrapUpCodeBody>): Promise<WrapUpCodeJson> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const saved = await trx
      .insertInto('wrap_up_codes')
      .values({ code: input.code, label_zh: input.label['zh-CN'], label_en: input.label.en, sort_order: input.sortOrder, updated_by: actor.id })
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!saved) throw new AppError('CONFLICT', { messageKey: 'calls.error.wrap_up_code_exists', params: { code: input.code } });
    await recordAudit(trx, actor, { action: 'wrap_up_code.created', entity: 'wrap_up_code', entityId: input.code, data: { label: input.label, sortOrder: input.sortOrder } });
    return saved;
  });
  return presentWrapUpCode(row);
}

export async function updateWrapUpCode(ctx: AppContext, actor: UserActor, code: string, input: z.infer<typeof UpdateWrapUpCodeBody>): Promise<WrapUpCodeJson> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('wrap_up_codes').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
    if (!before) throw new AppError('NOT_FOUND', { messageKey: 'calls.error.wrap_up_code_not_found', params: { code } });
    if (before.system && input.active === false) throw new AppError('CONFLICT', { messageKey: 'calls.error.wrap_up_code_system', params: { code } });
    const saved = await trx
      .updateTable('wrap_up_codes')
      .set({
        ...(input.label?.['zh-CN'] !== undefined ? { label_zh: input.label['zh-CN'] } : {}),
        ...(input.label?.en !== undefined ? { label_en: input.label.en } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.sortOrder !== undefined ? { sort_order: input.sortOrder } : {}),
        updated_at: new Date(),
        updated_by: actor.id,
      })
      .where('code', '=', code)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: 'wrap_up_code.updated',
      entity: 'wrap_up_code',
      entityId: code,
      data: { before: presentWrapUpCode(before), change: input },
    });
    return saved;
  });
  return presentWrapUpCode(row);
}

/** A code an agent may choose now: it exists, is active and is not the platform's own. */
export async function requireChoosableCode(db: Executor, code: string): Promise<void> {
  const row = await db.selectFrom('wrap_up_codes').select(['active', 'system']).where('code', '=', code).executeTakeFirst();
  if (!row || !row.active || row.system) throw new AppError('VALIDATION', { messageKey: 'calls.error.unknown_wrap_up_code', params: { code } });
}

/** True when this agent chose a wrap-up code for this call (the requirement before leaving wrap-up). */
export async function hasChosenWrapUpCode(db: Executor, callId: string, agentId: string): Promise<boolean> {
  const row = await db.selectFrom('call_events').select('id').where('call_id', '=', callId).where('kind', '=', 'wrapped_up').where('actor_id', '=', agentId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Leaving wrap-up by hand (the state switcher) needs the call's wrap-up code first; routing calls this inside
 * its transaction (through `leaveWrapUp`). The timeout path (`expireWrapUp`) records 未选择 instead.
 */
export async function requireWrapUpChosen(trx: Executor, agentId: string, callId: string | null): Promise<void> {
  if (!callId) return;
  if (!(await hasChosenWrapUpCode(trx, callId, agentId))) throw new AppError('CONFLICT', { messageKey: 'calls.error.wrap_up_required' });
}

/**
 * An agent leaves a call's wrap-up without having chosen a code (`event` says how: the time ran out, they signed
 * off): 未选择 is recorded on the call, unless another agent of a transferred call already coded it, and the
 * event is logged with what was recorded. Undefined when this agent had chosen a code (nothing to record);
 * otherwise whether 未选择 was written.
 */
export async function recordUnselectedWrapUp(
  trx: Executor,
  callId: string,
  agentId: string,
  event: 'wrap_up_timed_out' | 'wrap_up_signed_off',
  actorId: string | null = null,
): Promise<boolean | undefined> {
  if (await hasChosenWrapUpCode(trx, callId, agentId)) return undefined;
  const coded = await trx
    .updateTable('calls')
    .set({ wrap_up_code: UNSELECTED_WRAP_UP_CODE, updated_at: new Date() })
    .where('id', '=', callId)
    .where('wrap_up_code', 'is', null)
    .executeTakeFirst();
  const recorded = coded.numUpdatedRows > 0n;
  await addCallEvent(trx, callId, event, { agentId, recorded: recorded ? UNSELECTED_WRAP_UP_CODE : null }, actorId);
  return recorded;
}

/**
 * Signing off from wrap-up is allowed (a shift ends, a browser is closed), as in other ACDs, but it must not
 * leave the call without a code: when the agent chose none, 未选择 is recorded on the call (unless another
 * agent of a transferred call already coded it), with a call event and an audit row, in the sign-off's
 * transaction. `signOff` names the agent and why: `signed_off` from the state switcher (the agent is the
 * actor); when a sign-in ends (routing's signOffAgent) the session's end reason, and the actor may be an admin
 * who disabled the account, or nobody (a replayed refresh token). Returns whether 未选择 was written.
 */
export async function recordUnselectedOnSignOff(
  trx: Executor,
  actor: AuditActor,
  callId: string | null,
  signOff: { agentId: string; reason: string },
): Promise<boolean> {
  if (!callId) return false;
  const actorId = actor.kind === 'user' ? actor.id : null;
  const recorded = await recordUnselectedWrapUp(trx, callId, signOff.agentId, 'wrap_up_signed_off', actorId);
  if (recorded === undefined) return false;
  await recordAudit(trx, actor, {
    action: 'call.wrap_up_unselected',
    entity: 'call',
    entityId: callId,
    data: { agentId: signOff.agentId, reason: signOff.reason, recorded: recorded ? UNSELECTED_WRAP_UP_CODE : null },
  });
  return recorded;
}

/**
 * The rule for leaving wrap-up by the agent's own choice, inside routing's transaction: to `available` or a
 * break only with the call's code chosen (a break is no way round the code: the agent is still at the desk);
 * signing off always, recording 未选择 when no code was chosen.
 */
export async function leaveWrapUp(trx: Executor, actor: UserActor, callId: string | null, to: 'available' | 'break' | 'offline'): Promise<void> {
  if (to === 'offline') await recordUnselectedOnSignOff(trx, actor, callId, { agentId: actor.id, reason: 'signed_off' });
  else await requireWrapUpChosen(trx, actor.id, callId);
}
