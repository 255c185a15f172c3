/** Who may read the bot's conversations and the requests citizens left for a person: the hotline's supervisors. */
import type { Subject } from '../../platform/actor.ts';

export function canReadConversations(actor: Subject): boolean {
  return actor.role === 'admin' || actor.role === 'supervisor';
}

/** Who may take web chats handed to a person (转人工): agents, and supervisors who step in. */
export function canServeLiveChat(actor: Subject): boolean {
  return actor.role === 'agent' || actor.role === 'supervisor';
}

export function chatAbilities(actor: Subject): Record<string, boolean> {
  return { 'chat.read': canReadConversations(actor), 'chat.live': canServeLiveChat(actor) };
}
