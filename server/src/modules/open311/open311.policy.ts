/** Who may manage Open311 API keys: administrators. */
import type { Subject } from '../../platform/actor.ts';

export function canManageOpen311Keys(actor: Subject): boolean {
  return actor.role === 'admin';
}

/** The module's flags for the console's navigation. */
export function open311Abilities(actor: Subject): Record<string, boolean> {
  return { 'open311.keys': canManageOpen311Keys(actor) };
}
