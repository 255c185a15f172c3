/**
 * Who may see and change the directory. Pure functions of the actor; the repository turns `departmentScope`
 * into a WHERE clause, so isolation holds in the query itself and not only in this file.
 */
import type { Subject } from '../../platform/actor.ts';

export type DirectoryAction = 'read' | 'manage';

export function can(actor: Subject, action: DirectoryAction): boolean {
  if (action === 'manage') return actor.role === 'admin';
  return true;
}

/** Department staff see only their own department and its people; everyone else sees the whole directory. */
export function departmentScope(actor: Subject): string | null {
  return actor.role === 'department_staff' ? actor.departmentId : null;
}

export function directoryAbilities(actor: Subject): Record<string, boolean> {
  return { 'directory.read': can(actor, 'read'), 'directory.manage': can(actor, 'manage') };
}
