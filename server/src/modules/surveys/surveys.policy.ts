/**
 * Who may do what with follow-up. Supervisors (and admins) work the queue of unsatisfied and unreachable
 * citizens; the admin edits the policy; hotline staff read results and figures for everyone, a department
 * only its own (the repository turns `figuresScope` into a WHERE clause).
 */
import type { Subject } from '../../platform/actor.ts';

const hotlineRoles = new Set(['admin', 'supervisor', 'agent', 'auditor']);

/** Reopen or close an unsatisfied survey. */
export function mayDecide(actor: Subject): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}

export function mayEditPolicy(actor: Subject): boolean {
  return actor.role === 'admin';
}

/** Survey results on a ticket: whoever may see the ticket (the tickets module checks the ticket itself). */
export function mayReadResults(actor: Subject): boolean {
  return hotlineRoles.has(actor.role) || (actor.role === 'department_staff' && actor.departmentId !== null);
}

/** The citizen's own words stay with the hotline on confidential tickets. */
export function maySeeComment(actor: Subject, ticket: { confidential: boolean }): boolean {
  return hotlineRoles.has(actor.role) || !ticket.confidential;
}

export type FiguresScope = { kind: 'all' } | { kind: 'department'; departmentId: string };

export function figuresScope(actor: Subject): FiguresScope | null {
  if (hotlineRoles.has(actor.role)) return { kind: 'all' };
  if (actor.role === 'department_staff' && actor.departmentId) return { kind: 'department', departmentId: actor.departmentId };
  return null;
}

/** The module's flags for the console's navigation. */
export function surveyAbilities(actor: Subject): Record<string, boolean> {
  return {
    'surveys.queue': mayDecide(actor),
    'surveys.policy': mayEditPolicy(actor),
    'surveys.read': mayReadResults(actor),
    'surveys.figures': figuresScope(actor) !== null,
  };
}
