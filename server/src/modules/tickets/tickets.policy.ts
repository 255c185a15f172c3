/**
 * Who may do what with work orders. Pure functions of the actor and the ticket; the lifecycle table says which
 * ability an action needs and from which states, this file says who holds the ability and where department
 * isolation applies. The repository turns `ticketScope` into a WHERE clause, so isolation holds in SQL too.
 */
import type { Subject } from '../../platform/actor.ts';
import {
  assignmentLevelActions,
  isAllowedFrom,
  ticketLevelActions,
  transitions,
  type AssignmentFacts,
  type AssignmentLevelAction,
  type TicketAbility,
  type TicketAction,
  type TicketLevelAction,
  type TicketState,
} from './lifecycle.ts';

const hotlineRoles = new Set(['admin', 'supervisor', 'agent', 'auditor']);

/** The ability flags of a role (before any particular ticket is considered). */
export function holdsAbility(actor: Subject, ability: TicketAbility | 'tickets.read'): boolean {
  switch (ability) {
    case 'tickets.read':
      return true;
    case 'tickets.register':
      return actor.role === 'agent' || actor.role === 'supervisor' || actor.role === 'admin';
    case 'tickets.review':
    case 'tickets.supervise':
      return actor.role === 'supervisor' || actor.role === 'admin';
    case 'assignments.work':
      return actor.role === 'department_staff' && actor.departmentId !== null;
  }
}

/** The module's flags for the console's navigation. */
export function ticketAbilities(actor: Subject): Record<string, boolean> {
  return {
    'tickets.read': holdsAbility(actor, 'tickets.read'),
    'tickets.register': holdsAbility(actor, 'tickets.register'),
    'tickets.review': holdsAbility(actor, 'tickets.review'),
    'tickets.supervise': holdsAbility(actor, 'tickets.supervise'),
    'assignments.work': holdsAbility(actor, 'assignments.work'),
    'tickets.admin': canManageDeadlines(actor),
  };
}

/** Which tickets an actor may know exist: every ticket, or those of one department. */
export type TicketScope = { kind: 'all' } | { kind: 'department'; departmentId: string };

export function ticketScope(actor: Subject): TicketScope {
  if (hotlineRoles.has(actor.role)) return { kind: 'all' };
  // A department-staff account without a department sees nothing: the database forbids it anyway.
  return { kind: 'department', departmentId: actor.departmentId ?? '00000000-0000-0000-0000-000000000000' };
}

/** The facts about a ticket the rules look at. */
export type TicketFacts = {
  state: TicketState;
  confidential: boolean;
  assignments: readonly AssignmentFacts[];
  /** For a sub-unit's child ticket: the department that passed it down (it reviews the child's reply). */
  parentDepartmentId: string | null;
};

/**
 * May the actor take this action now? Checks the ability and department ownership and the lifecycle table's
 * states. For assignment actions, `assignment` is the one acted on; for reviews of a request, the one reviewed.
 */
export function can(actor: Subject, action: TicketAction, ticket: TicketFacts, assignment?: AssignmentFacts): boolean {
  if (!mayAttempt(actor, action, ticket, assignment)) return false;
  return isAllowedFrom(action, ticket.state, ticket.assignments, assignment);
}

/** The ability and ownership half of `can`, without the states: failing it is 403/404, failing states is 409. */
export function mayAttempt(actor: Subject, action: TicketAction, ticket: Pick<TicketFacts, 'parentDepartmentId'>, assignment?: AssignmentFacts): boolean {
  const t = transitions[action];
  if (t.scope === 'assignment') {
    return holdsAbility(actor, 'assignments.work') && assignment !== undefined && assignment.departmentId === actor.departmentId;
  }
  // A department reviews the reply of the sub-unit it passed the work down to.
  if ((action === 'passReview' || action === 'rejectReview') && ticket.parentDepartmentId !== null) {
    if (actor.role === 'department_staff') return actor.departmentId === ticket.parentDepartmentId;
  }
  return holdsAbility(actor, t.ability);
}

/** Every ticket-level action the actor may take now: the presenter's abilities and the 409 message. */
export function allowedTicketActions(actor: Subject, ticket: TicketFacts): TicketLevelAction[] {
  return ticketLevelActions.filter((action) => can(actor, action, ticket));
}

/** Every action the actor may take now on one assignment. */
export function allowedAssignmentActions(actor: Subject, ticket: TicketFacts, assignment: AssignmentFacts): AssignmentLevelAction[] {
  return assignmentLevelActions.filter((action) => can(actor, action, ticket, assignment));
}

/** Confidential tickets: the caller's name and phone never reach a department (not even masked). */
export function canSeeCaller(actor: Subject, ticket: Pick<TicketFacts, 'confidential'>): boolean {
  return hotlineRoles.has(actor.role) || !ticket.confidential;
}

/**
 * The full number: hotline staff who work tickets, and a department handling a non-confidential ticket (it has
 * to call the citizen back). Auditors read, they do not dial. Every reveal is audited by the service.
 */
export function canRevealPhone(actor: Subject, ticket: Pick<TicketFacts, 'confidential'>): boolean {
  if (actor.role === 'auditor') return false;
  if (actor.role === 'department_staff') return !ticket.confidential;
  return hotlineRoles.has(actor.role);
}

/** Searching by a caller's phone would tell a department who has complained about what: hotline only. */
export function canSearchByCaller(actor: Subject): boolean {
  return hotlineRoles.has(actor.role);
}

/** The deadline table and the local calendar are the administrator's. */
export function canManageDeadlines(actor: Subject): boolean {
  return actor.role === 'admin';
}
