/**
 * Who may see and act on hotspot alerts. Hotspots are the hotline's own early warning across every
 * department, so they stay with hotline staff: supervisors and admins read and acknowledge them, auditors read
 * them, and the admin sets the thresholds. Department staff and agents have no access at all — an alert
 * shows other departments' tickets and volumes, and a department sees its own work in its inbox.
 */
import type { Subject } from '../../platform/actor.ts';

const readers = new Set(['admin', 'supervisor', 'auditor']);

export function mayReadHotspots(actor: Subject): boolean {
  return readers.has(actor.role);
}

export function mayAcknowledgeHotspots(actor: Subject): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}

export function mayEditHotspotRules(actor: Subject): boolean {
  return actor.role === 'admin';
}

/** The roles a new alert is pushed to (socket.io rooms). */
export const alertedRoles = ['supervisor', 'admin'] as const;

/** The module's flags for the console's navigation. */
export function hotspotAbilities(actor: Subject): Record<string, boolean> {
  return {
    'hotspots.read': mayReadHotspots(actor),
    'hotspots.acknowledge': mayAcknowledgeHotspots(actor),
    'hotspots.rules': mayEditHotspotRules(actor),
  };
}
