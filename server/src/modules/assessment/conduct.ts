/**
 * 效能投诉: a complaint about a department's own conduct (slow, rude, passing the buck) is handled by the
 * supervision office, never by the department complained about. A ticket is flagged with the department it
 * is against; from then on every dispatch of it (first dispatch, 改派 after a return) must name the supervision
 * office as lead and may not involve the accused department at all. The office's finding feeds the assessment:
 * each substantiated complaint is a deduction in the period it was decided in.
 */
import type { AppContext } from '../../context.ts';
import type { Actor, UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Language } from '../../platform/i18n.ts';
import { mayAssess } from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';

/**
 * Flags `ticketId` as a 效能投诉 against `departmentId`, inside the caller's transaction (ticket registration
 * calls it before dispatching). Only complaints can be flagged, and not while the accused department holds it.
 */
export async function flagConductComplaint(trx: Executor, actor: Actor, input: { ticketId: string; departmentId: string }): Promise<void> {
  if (actor.kind === 'user' && !mayAssess(actor, 'flagConduct')) throw new AppError('FORBIDDEN');
  const ticket = await trx.selectFrom('tickets').select(['id', 'number', 'type']).where('id', '=', input.ticketId).forUpdate().executeTakeFirst();
  if (!ticket) throw notFound('entity.ticket');
  if (ticket.type !== 'complaint') throw new AppError('VALIDATION', { messageKey: 'assessment.error.not_complaint', field: 'type' });
  const department = await repo.findDepartment(trx, input.departmentId);
  if (!department || department.kind === 'hotline') {
    throw new AppError('VALIDATION', { messageKey: 'assessment.error.bad_department', field: 'departmentId' });
  }
  const held = await trx
    .selectFrom('ticket_assignments')
    .select('id')
    .where('ticket_id', '=', ticket.id)
    .where('department_id', '=', department.id)
    .where('state', 'not in', ['returned', 'withdrawn', 'done'])
    .executeTakeFirst();
  if (held) throw new AppError('CONFLICT', { messageKey: 'assessment.error.accused_holds_ticket', params: { department: department.name } });
  const existing = await repo.findConductComplaint(trx, ticket.id);
  if (existing?.finding) throw new AppError('CONFLICT', { messageKey: 'assessment.error.conduct_decided' });
  await trx
    .insertInto('conduct_complaints')
    .values({ ticket_id: ticket.id, department_id: department.id, flagged_by: actor.kind === 'user' ? actor.id : null, finding: null, finding_note: null, decided_by: null, decided_at: null })
    .onConflict((oc) => oc.column('ticket_id').doUpdateSet({ department_id: department.id }))
    .execute();
  await recordAudit(trx, actor, { action: 'ticket.conduct_complaint_flagged', entity: 'ticket', entityId: ticket.id, data: { number: ticket.number, departmentId: department.id, department: department.name } });
}

/** Flags an existing ticket (its own transaction), for complaints recognised after registration. */
export async function flagTicketAsConductComplaint(ctx: AppContext, actor: UserActor, input: { ticketId: string; departmentId: string }): Promise<void> {
  await ctx.db.transaction().execute((trx) => flagConductComplaint(trx, actor, input));
}

function refuse(messageKey: string, field: string, params: Record<string, string>): AppError {
  return new AppError('VALIDATION', { messageKey, params, field });
}

/**
 * The dispatch rule, called by the tickets module before it creates assignments: a 效能投诉 goes to the
 * supervision office as lead, and never to the department it is about (neither as lead nor assisting).
 */
export async function checkConductDispatch(trx: Executor, ticketId: string, targets: { lead?: string | undefined; assists: string[] }, _language: Language): Promise<void> {
  const complaint = await repo.findConductComplaint(trx, ticketId);
  if (!complaint) return;
  const accused = await repo.findDepartment(trx, complaint.department_id);
  const name = accused?.name ?? complaint.department_id;
  if (targets.lead === complaint.department_id) throw refuse('assessment.error.conduct_to_accused', 'leadDepartmentId', { department: name });
  if (targets.assists.includes(complaint.department_id)) throw refuse('assessment.error.conduct_to_accused', 'assistDepartmentIds', { department: name });
  if (targets.lead === undefined) return;
  const office = await repo.findSupervisionOffice(trx);
  if (!office) throw refuse('assessment.error.no_supervision_office', 'leadDepartmentId', {});
  if (targets.lead !== office.id) throw refuse('assessment.error.conduct_lead', 'leadDepartmentId', { office: office.name });
}

/** The supervision office's finding on a 效能投诉 (supervisors and admins record it), audited. */
export async function decideConductComplaint(
  ctx: AppContext,
  actor: UserActor,
  ticketId: string,
  input: { finding: 'substantiated' | 'unsubstantiated'; note: string; evidence: string[] },
  now = new Date(),
): Promise<void> {
  if (!mayAssess(actor, 'score')) throw new AppError('FORBIDDEN');
  await ctx.db.transaction().execute(async (trx) => {
    const complaint = await trx.selectFrom('conduct_complaints').selectAll().where('ticket_id', '=', ticketId).forUpdate().executeTakeFirst();
    if (!complaint) throw notFound('entity.conduct_complaint');
    if (complaint.finding) throw new AppError('CONFLICT', { messageKey: 'assessment.error.conduct_decided' });
    await trx
      .updateTable('conduct_complaints')
      .set({ finding: input.finding, finding_note: input.note, evidence: input.evidence, decided_by: actor.id, decided_at: now })
      .where('ticket_id', '=', ticketId)
      .execute();
    await recordAudit(trx, actor, { action: 'assessment.conduct_decided', entity: 'ticket', entityId: ticketId, data: { departmentId: complaint.department_id, ...input } });
  });
}

/** Names the supervision office (admins). At most one department holds the flag. */
export async function setSupervisionOffice(ctx: AppContext, actor: UserActor, departmentId: string): Promise<void> {
  if (!mayAssess(actor, 'manage')) throw new AppError('FORBIDDEN');
  await ctx.db.transaction().execute(async (trx) => {
    const d = await repo.findDepartment(trx, departmentId);
    if (!d || !d.active || d.kind === 'hotline') throw new AppError('VALIDATION', { messageKey: 'assessment.error.bad_department', field: 'departmentId' });
    await repo.setSupervisionOffice(trx, departmentId);
    await recordAudit(trx, actor, { action: 'department.supervision_office_set', entity: 'department', entityId: departmentId, data: { name: d.name } });
  });
}

export async function supervisionOffice(ctx: AppContext) {
  return (await repo.findSupervisionOffice(ctx.db)) ?? null;
}
