/**
 * What the signed-in user may do, as flags the console reads (it never repeats permission rules). Each
 * module's policy contributes its own keys.
 */
import type { Subject } from '../platform/actor.ts';
import { auditAbilities } from './audit/index.ts';
import { directoryAbilities } from './directory/index.ts';
import { ticketAbilities } from './tickets/index.ts';
import { callsAbilities } from './calls/calls.policy.ts';
import { knowledgeAbilities } from './knowledge/index.ts';
import { chatAbilities } from './chat/chat.policy.ts';

export function abilitiesOf(actor: Subject): Record<string, boolean> {
  return { ...directoryAbilities(actor), ...auditAbilities(actor), ...ticketAbilities(actor), ...callsAbilities(actor), ...knowledgeAbilities(actor), ...chatAbilities(actor) };
}
