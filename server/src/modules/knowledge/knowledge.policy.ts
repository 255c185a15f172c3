/**
 * Who may do what with the knowledge base. Pure functions of the actor (and of the entry's state); the
 * repository turns `departmentScope` into a WHERE clause, so department isolation holds in SQL too.
 *
 * Departments write their own entries (draft → review); the hotline (supervisors, admins) reviews,
 * publishes, retires and restores every entry, and curates the questions the bot could not answer.
 */
import type { Subject } from '../../platform/actor.ts';
import type { KbState } from '../../schema.ts';

export type KnowledgeAction = 'search' | 'manage' | 'review' | 'curate';
export type EntryAction = 'edit' | 'submit' | 'publish' | 'reject' | 'archive' | 'restore';

export function can(actor: Subject, action: KnowledgeAction): boolean {
  switch (action) {
    case 'search':
      return true;
    case 'manage':
      return actor.role === 'admin' || actor.role === 'supervisor' || actor.role === 'department_staff';
    case 'review':
    case 'curate':
      return actor.role === 'admin' || actor.role === 'supervisor';
  }
}

/** The workflow: which states each entry action starts from, and where it leads. */
export const entryTransitions: Record<EntryAction, { from: readonly KbState[]; to: KbState; needs: KnowledgeAction }> = {
  // Editing a published entry makes a new draft version; the published one stays live until the new one is.
  edit: { from: ['draft', 'review', 'published'], to: 'draft', needs: 'manage' },
  submit: { from: ['draft'], to: 'review', needs: 'manage' },
  // Reviewers may publish their own drafts straight away: they are the review.
  publish: { from: ['draft', 'review'], to: 'published', needs: 'review' },
  reject: { from: ['review'], to: 'draft', needs: 'review' },
  archive: { from: ['draft', 'review', 'published'], to: 'archived', needs: 'review' },
  restore: { from: ['archived'], to: 'draft', needs: 'manage' },
};

/** Entry actions open to this actor on an entry in this state (the console shows buttons from this). */
export function entryActionsOf(actor: Subject, state: KbState): EntryAction[] {
  return (Object.keys(entryTransitions) as EntryAction[]).filter((a) => entryTransitions[a].from.includes(state) && can(actor, entryTransitions[a].needs));
}

/** Department staff see and change only their department's entries; the hotline sees every entry. */
export function departmentScope(actor: Subject): string | null {
  return actor.role === 'department_staff' ? actor.departmentId : null;
}

export function knowledgeAbilities(actor: Subject): Record<string, boolean> {
  return {
    'knowledge.search': can(actor, 'search'),
    'knowledge.manage': can(actor, 'manage'),
    'knowledge.review': can(actor, 'review'),
    'knowledge.curate': can(actor, 'curate'),
  };
}
