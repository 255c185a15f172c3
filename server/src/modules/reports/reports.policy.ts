/**
 * Who may read figures. Hotline staff see every figure; department staff only their own department's (the
 * service turns the scope into a WHERE on the facts' department). Other roles see none.
 */
import type { Subject } from '../../platform/actor.ts';

const hotlineRoles = new Set(['admin', 'supervisor', 'agent', 'auditor']);

export type ReportScope = { kind: 'all' } | { kind: 'department'; departmentId: string };

/** The figures `actor` may see, or null for none. */
export function reportScope(actor: Subject): ReportScope | null {
  if (hotlineRoles.has(actor.role)) return { kind: 'all' };
  if (actor.role === 'department_staff' && actor.departmentId) return { kind: 'department', departmentId: actor.departmentId };
  return null;
}

/** The module's flags for the console's navigation. */
export function reportAbilities(actor: Subject): Record<string, boolean> {
  return { 'reports.read': reportScope(actor) !== null };
}
