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
import { surveyAbilities } from './surveys/index.ts';
import { open311Abilities } from './open311/index.ts';
import { reportAbilities } from './reports/index.ts';
import { assessmentAbilities } from './assessment/index.ts';
import { hotspotAbilities } from './hotspots/index.ts';

export function abilitiesOf(actor: Subject): Record<string, boolean> {
  return { ...directoryAbilities(actor), ...auditAbilities(actor), ...ticketAbilities(actor), ...callsAbilities(actor), ...knowledgeAbilities(actor), ...chatAbilities(actor), ...surveyAbilities(actor), ...open311Abilities(actor), ...reportAbilities(actor), ...assessmentAbilities(actor), ...hotspotAbilities(actor) };
}
