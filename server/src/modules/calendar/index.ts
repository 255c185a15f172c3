/**
 * The working-day calendar and the deadline policy of 12345 work orders. Pure: no database, no network, no clock
 * reads (pass `now`). The tickets module stores the settings and the policy and calls these to stamp deadlines.
 *
 * @example
 *   const calendar = createWorkingCalendar({ overrides: [{ date: '2025-07-21', kind: 'holiday', note: '台风' }] });
 *   const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
 *     type: 'complaint', urgency: 'normal', dispatchedAt: new Date(),
 *   });
 *   deadlineStatus(calendar, { start: deadlines.handleFrom, due: deadlines.handleBy, now: new Date(), measure: deadlines.measure });
 */
export {
  createWorkingCalendar,
  nationalCoverage,
  type CalendarDay,
  type DaySource,
  type WorkingCalendar,
  type WorkingSpan,
} from './working-calendar.ts';
export {
  addDuration,
  computeAssignmentDeadlines,
  deadlineStatus,
  defaultDeadlinePolicy,
  elapsedMillis,
  extendByWorkingDays,
  instantAtFraction,
  maxExtension,
  measureOf,
  validateExtensionRequest,
  type AssignmentDeadlineInput,
  type AssignmentDeadlines,
  type DeadlineColour,
  type DeadlineStatus,
  type ExtensionCheck,
  type ExtensionRefusal,
  type Measure,
} from './deadline-policy.ts';
export {
  CalendarOverrideSchema,
  CalendarOverridesSchema,
  DeadlinePolicySchema,
  DeadlineWindowsSchema,
  DurationSchema,
  WorkingCalendarSettingsSchema,
  WorkingHoursSchema,
  ticketTypes,
  urgencies,
  type CalendarOverride,
  type DeadlinePolicy,
  type DeadlineWindows,
  type Duration,
  type DurationUnit,
  type TicketType,
  type Urgency,
  type WorkingCalendarSettings,
  type WorkingCalendarSettingsInput,
  type WorkingHoursSpan,
} from './calendar.schema.ts';
export type { HolidayName } from './national-holidays.ts';
