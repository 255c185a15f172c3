/** Who may do what with calls. Pure functions of the actor; the console reads the abilities. */
import type { Subject } from '../../platform/actor.ts';

/** Agents (and supervisors, who also take calls) answer; supervisors and admins see every call and manage blocks. */
export function canAnswer(actor: Subject): boolean {
  return actor.role === 'agent' || actor.role === 'supervisor';
}

export function canSupervise(actor: Subject): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}

export function callsAbilities(actor: Subject): Record<string, boolean> {
  return { 'calls.answer': canAnswer(actor), 'calls.supervise': canSupervise(actor), 'calls.manageWrapUpCodes': actor.role === 'admin' };
}
