/**
 * The administrator's deadline settings: the deadline table (type × urgency → sign, handle, return windows) and
 * local calendar overrides. Changes apply to work dispatched afterwards; deadlines already stamped stay.
 */
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { ticketTypes, urgencies, type DeadlineWindows, type TicketType, type Urgency } from '../calendar/index.ts';
import { loadDeadlinePolicy, loadWorkingCalendar } from './deadlines.ts';
import { canManageDeadlines, holdsAbility } from './tickets.policy.ts';
import * as repo from './tickets.repository.ts';

function authorizeAdmin(actor: UserActor): void {
  if (!canManageDeadlines(actor)) throw new AppError('FORBIDDEN');
}

/** The whole table, every cell, saying which the admin changed. Hotline staff may read it; admins change it. */
export async function getDeadlineTable(ctx: AppContext, actor: UserActor) {
  if (!holdsAbility(actor, 'tickets.register') && actor.role !== 'auditor') throw new AppError('FORBIDDEN');
  const [policy, rows] = await Promise.all([loadDeadlinePolicy(ctx.db), repo.listDeadlineRules(ctx.db)]);
  const custom = new Set(rows.map((r) => `${r.type}/${r.urgency}`));
  const rules = ticketTypes.flatMap((type) =>
    urgencies.map((urgency) => ({ type, urgency, windows: policy.windows[type][urgency], custom: custom.has(`${type}/${urgency}`) })),
  );
  return { rules, warnAtFraction: policy.warnAtFraction, handleClockStartsAt: policy.handleClockStartsAt, maxExtension: policy.maxExtension };
}

export async function updateDeadlineRules(ctx: AppContext, actor: UserActor, rules: { type: TicketType; urgency: Urgency; windows: DeadlineWindows }[]) {
  authorizeAdmin(actor);
  await ctx.db.transaction().execute(async (trx) => {
    for (const rule of rules) await repo.upsertDeadlineRule(trx, { ...rule, updatedBy: actor.id });
    await recordAudit(trx, actor, { action: 'deadlines.updated', entity: 'deadline_rules', data: { rules } });
  });
  return getDeadlineTable(ctx, actor);
}

export async function listCalendarOverrides(ctx: AppContext, actor: UserActor) {
  if (actor.role === 'department_staff') throw new AppError('FORBIDDEN');
  const rows = await repo.listCalendarOverrides(ctx.db);
  return { items: rows.map((r) => ({ date: r.date, kind: r.kind, note: r.note })) };
}

export async function putCalendarOverride(ctx: AppContext, actor: UserActor, date: string, input: { kind: 'workday' | 'holiday'; note?: string | undefined }) {
  authorizeAdmin(actor);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.upsertCalendarOverride(trx, { date, kind: input.kind, note: input.note ?? null, updatedBy: actor.id });
    // Build the calendar once to refuse a date the calendar module cannot read, before committing it.
    await loadWorkingCalendar(trx, ctx.config.timezone);
    await recordAudit(trx, actor, { action: 'calendar.override_set', entity: 'calendar_override', entityId: date, data: { kind: input.kind, note: input.note ?? null } });
  });
  return { date, kind: input.kind, note: input.note ?? null };
}

export async function deleteCalendarOverride(ctx: AppContext, actor: UserActor, date: string): Promise<void> {
  authorizeAdmin(actor);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteCalendarOverride(trx, date))) throw notFound('entity.calendar_override');
    await recordAudit(trx, actor, { action: 'calendar.override_removed', entity: 'calendar_override', entityId: date });
  });
}
