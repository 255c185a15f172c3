/** Who may read the bot's conversations and the requests citizens left for a person: the hotline's supervisors. */
import type { Subject } from '../../platform/actor.ts';

export function canReadConversations(actor: Subject): boolean {
  return actor.role === 'admin' || actor.role === 'supervisor';
}

export function chatAbilities(actor: Subject): Record<string, boolean> {
  return { 'chat.read': canReadConversations(actor) };
}
