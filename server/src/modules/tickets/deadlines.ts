/**
 * The bridge between the stored deadline settings (the deadline table, local calendar overrides) and the pure
 * calendar module, plus the reminders each assignment's deadlines cause. Reminders are graphile-worker jobs
 * keyed per assignment and kind, so a moved deadline replaces its reminder instead of adding a second one.
 */
import {
  computeAssignmentDeadlines,
  createWorkingCalendar,
  defaultDeadlinePolicy,
  DeadlineWindowsSchema,
  instantAtFraction,
  measureOf,
  type AssignmentDeadlines,
  type DeadlinePolicy,
  type TicketType,
  type Urgency,
  type WorkingCalendar,
} from '../calendar/index.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addJob, removeJob } from '../../platform/jobs.ts';
import * as repo from './tickets.repository.ts';

/** The hotline's calendar: national holidays and 调休 workdays from chinese-days, local overrides from the database. */
export async function loadWorkingCalendar(db: Executor, timezone: string): Promise<WorkingCalendar> {
  const overrides = await repo.listCalendarOverrides(db);
  return createWorkingCalendar({
    timezone,
    overrides: overrides.map((o) => ({ date: o.date, kind: o.kind, ...(o.note ? { note: o.note } : {}) })),
  });
}

/** The deadline policy: the calendar module's defaults, with each type × urgency row the admin changed. */
export async function loadDeadlinePolicy(db: Executor): Promise<DeadlinePolicy> {
  const policy = structuredClone(defaultDeadlinePolicy) as DeadlinePolicy;
  for (const row of await repo.listDeadlineRules(db)) {
    const parsed = DeadlineWindowsSchema.safeParse(row.windows);
    // A row that no longer parses (an older format) must not stop dispatch: the default stands for it.
    if (parsed.success) policy.windows[row.type][row.urgency] = parsed.data;
  }
  return policy;
}

export type DeadlineSetting = { calendar: WorkingCalendar; policy: DeadlinePolicy };

export async function loadDeadlineSetting(db: Executor, timezone: string): Promise<DeadlineSetting> {
  const [calendar, policy] = await Promise.all([loadWorkingCalendar(db, timezone), loadDeadlinePolicy(db)]);
  return { calendar, policy };
}

export function stampDeadlines(
  setting: DeadlineSetting,
  input: { type: TicketType; urgency: Urgency; dispatchedAt: Date; signedAt?: Date; complex?: boolean },
): AssignmentDeadlines {
  return computeAssignmentDeadlines(setting.calendar, setting.policy, input);
}

/** The warning instant of a moved handling deadline (an approved extension): the same fraction of the new window. */
export function warnAtFor(setting: DeadlineSetting, unitOfWindow: 'working_hours' | 'working_days' | 'hours', from: Date, due: Date): Date {
  return instantAtFraction(setting.calendar, measureOf(unitOfWindow), from, due, setting.policy.warnAtFraction);
}

export const deadlineJobName = 'tickets.check-deadline';

export const deadlineJobKey = (assignmentId: string, kind: 'warning' | 'overdue') => `tickets.deadline:${assignmentId}:${kind}`;

/** (Re)schedules the warning and overdue checks of an assignment; an earlier pair for it is replaced. */
export async function scheduleDeadlineJobs(trx: Executor, a: { id: string; warnAt: Date; handleBy: Date }): Promise<void> {
  await addJob(trx, deadlineJobName, { assignmentId: a.id, kind: 'warning', dueAt: a.warnAt.toISOString() }, { jobKey: deadlineJobKey(a.id, 'warning'), runAt: a.warnAt });
  await addJob(trx, deadlineJobName, { assignmentId: a.id, kind: 'overdue', dueAt: a.handleBy.toISOString() }, { jobKey: deadlineJobKey(a.id, 'overdue'), runAt: a.handleBy });
}

/** Work that left the department's desk needs no reminders. */
export async function cancelDeadlineJobs(trx: Executor, assignmentId: string): Promise<void> {
  await removeJob(trx, deadlineJobKey(assignmentId, 'warning'));
  await removeJob(trx, deadlineJobKey(assignmentId, 'overdue'));
}
