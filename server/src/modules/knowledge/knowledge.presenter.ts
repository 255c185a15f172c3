/** Entry rows → JSON for the console, with the actions this user may take (the console repeats no rules). */
import type { Subject } from '../../platform/actor.ts';
import { entryActionsOf } from './knowledge.policy.ts';
import type { EntryRow, listVersions } from './knowledge.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentEntry(actor: Subject, row: EntryRow) {
  return {
    id: row.id,
    code: row.code,
    state: row.state,
    departmentCode: row.department_code,
    departmentName: row.department_name ?? null,
    topic: row.topic,
    question: row.question,
    answer: row.answer,
    alternates: row.alternates,
    keywords: row.keywords,
    version: row.current_version,
    liveVersion: row.live_version,
    reviewDueOn: row.review_due_on,
    stale: row.stale,
    isSample: row.is_sample,
    reviewNote: row.review_note,
    updatedAt: iso(row.updated_at)!,
    publishedAt: iso(row.published_at),
    actions: entryActionsOf(actor, row.state),
  };
}

export function presentVersion(v: Awaited<ReturnType<typeof listVersions>>[number]) {
  return {
    version: v.version,
    question: v.question,
    answer: v.answer,
    alternates: v.alternates,
    keywords: v.keywords,
    topic: v.topic,
    note: v.note,
    createdBy: v.created_by_name ?? null,
    createdAt: iso(v.created_at)!,
  };
}
