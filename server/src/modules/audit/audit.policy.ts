/** The audit log is read by admins and auditors only; nobody may change it (the database refuses). */
import type { Subject } from '../../platform/actor.ts';

export function canReadAudit(actor: Subject): boolean {
  return actor.role === 'admin' || actor.role === 'auditor';
}

export function auditAbilities(actor: Subject): Record<string, boolean> {
  return { 'audit.read': canReadAudit(actor) };
}
