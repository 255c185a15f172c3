/**
 * The deadline policy of 12345 work orders: the default table of DOMAIN.md as data, and the arithmetic that turns
 * it into instants on a working calendar (sign-by, handle-by, return-by, the 80% warning), deadline colours, and
 * the rules for extensions.
 */
import type { DeadlinePolicy, DeadlineWindows, Duration, DurationUnit, TicketType, Urgency } from './calendar.schema.ts';
import type { WorkingCalendar } from './working-calendar.ts';

const workingHours = (amount: number): Duration => ({ amount, unit: 'working_hours' });
const workingDays = (amount: number): Duration => ({ amount, unit: 'working_days' });
const clockHours = (amount: number): Duration => ({ amount, unit: 'hours' });

/**
 * Urgent and critical orders run on clock hours around the clock, and are signed within 30 minutes.
 * DOMAIN.md gives a return window (2 working days) only for ordinary orders; a department must not sit two days
 * on a 2-hour order before saying it is not theirs, so urgent orders may be returned within 2 clock hours and
 * critical ones within 1. Admins can change all of this.
 */
function windowsFor(normalHandle: Duration, urgentHandle: Duration, criticalHandle: Duration) {
  return {
    normal: { sign: workingHours(2), handle: normalHandle, return: workingDays(2) },
    urgent: { sign: clockHours(0.5), handle: urgentHandle, return: clockHours(2) },
    critical: { sign: clockHours(0.5), handle: criticalHandle, return: clockHours(1) },
  } satisfies Record<Urgency, DeadlineWindows>;
}

/** 咨询 建议 表扬: 1 working day; urgent 4 hours; critical 2 hours. */
const quickMatter = () => windowsFor(workingDays(1), clockHours(4), clockHours(2));
/** 求助 投诉 举报: 5 working days; urgent 24 hours; critical 2 hours. */
const casework = () => windowsFor(workingDays(5), clockHours(24), clockHours(2));

/** DOMAIN.md's defaults, frozen: edit a `structuredClone` of it. */
export const defaultDeadlinePolicy: DeadlinePolicy = deepFreeze({
  windows: {
    consult: quickMatter(),
    suggestion: quickMatter(),
    praise: quickMatter(),
    help: casework(),
    complaint: casework(),
    report: casework(),
  },
  complexHandle: workingDays(15),
  maxExtension: workingDays(10),
  warnAtFraction: 0.8,
  handleClockStartsAt: 'sign',
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** How a window is measured: office time for working-hour/day windows, wall-clock time for `hours`. */
export type Measure = 'working' | 'clock';

/** The measure a window of this unit is counted in. */
export function measureOf(unit: DurationUnit): Measure {
  return unit === 'hours' ? 'clock' : 'working';
}

/** The instant a window of `duration` that opens at `from` closes. */
export function addDuration(calendar: WorkingCalendar, from: Date, duration: Duration): Date {
  switch (duration.unit) {
    case 'hours':
      return new Date(from.getTime() + Math.round(duration.amount * 3_600_000));
    case 'working_hours':
      return calendar.addWorkingHours(from, duration.amount);
    case 'working_days':
      return calendar.addWorkingDays(from, duration.amount);
  }
}

/** Time between two instants in a measure, in milliseconds. */
export function elapsedMillis(calendar: WorkingCalendar, measure: Measure, a: Date, b: Date): number {
  return measure === 'clock' ? b.getTime() - a.getTime() : calendar.workingMillisBetween(a, b);
}

/** The instant at which `fraction` of the window [start, due] is used, in the window's measure. */
export function instantAtFraction(calendar: WorkingCalendar, measure: Measure, start: Date, due: Date, fraction: number): Date {
  const used = Math.round(elapsedMillis(calendar, measure, start, due) * fraction);
  return measure === 'clock' ? new Date(start.getTime() + used) : calendar.addWorkingMillis(start, Math.max(0, used));
}

export type AssignmentDeadlineInput = {
  type: TicketType;
  urgency: Urgency;
  dispatchedAt: Date;
  /** When the department signed; under `handleClockStartsAt: 'sign'` the handling window opens here. */
  signedAt?: Date;
  /** The hotline approved the matter as complex: the handling window becomes `policy.complexHandle`. */
  complex?: boolean;
};

export type AssignmentDeadlines = {
  /** 签收期限 */
  signBy: Date;
  /** 办理期限 */
  handleBy: Date;
  /** 退单期限 (counted from dispatch) */
  returnBy: Date;
  /** Yellow from here: `policy.warnAtFraction` of the handling window used, in the window's measure. */
  warnAt: Date;
  /** Where the handling window opened (dispatch, or sign when the policy says so and the order is signed). */
  handleFrom: Date;
  handleWindow: Duration;
  /** The measure `deadlineStatus` must use for this assignment. */
  measure: Measure;
  /**
   * False when some day from dispatch to the last deadline lies in a year chinese-days does not cover: national
   * holidays there were not skipped (only weekends and local overrides were). Show it to the dispatcher.
   */
  nationalDataAvailable: boolean;
};

/**
 * Deadlines of one assignment. Under `handleClockStartsAt: 'sign'` an unsigned assignment gets a provisional
 * handling deadline counted from dispatch (never later than the real one); recompute it when the department signs.
 */
export function computeAssignmentDeadlines(
  calendar: WorkingCalendar,
  policy: DeadlinePolicy,
  input: AssignmentDeadlineInput,
): AssignmentDeadlines {
  const windows = policy.windows[input.type][input.urgency];
  const handleWindow = input.complex ? policy.complexHandle : windows.handle;
  const handleFrom = policy.handleClockStartsAt === 'sign' && input.signedAt ? input.signedAt : input.dispatchedAt;
  const signBy = addDuration(calendar, input.dispatchedAt, windows.sign);
  const handleBy = addDuration(calendar, handleFrom, handleWindow);
  const returnBy = addDuration(calendar, input.dispatchedAt, windows.return);
  const measure = measureOf(handleWindow.unit);
  const warnAt = instantAtFraction(calendar, measure, handleFrom, handleBy, policy.warnAtFraction);
  const latest = new Date(Math.max(signBy.getTime(), handleBy.getTime(), returnBy.getTime()));
  return {
    signBy,
    handleBy,
    returnBy,
    warnAt,
    handleFrom,
    handleWindow,
    measure,
    nationalDataAvailable: calendar.hasNationalDataBetween(input.dispatchedAt, latest),
  };
}

export type DeadlineColour = 'normal' | 'warning' | 'overdue';

export type DeadlineStatus = {
  status: DeadlineColour;
  /** Share of the window used so far, in the window's measure (0 before the start, above 1 once overdue). */
  fractionUsed: number;
  /** Time left in the window's measure, in milliseconds (negative once overdue). */
  remainingMillis: number;
};

/**
 * The colour of a deadline at `now`: red once `now` is past `due`, yellow from `warnAtFraction` (default 0.8) of
 * the window used, measured in office time unless `measure: 'clock'` (pass `AssignmentDeadlines.measure`).
 */
export function deadlineStatus(
  calendar: WorkingCalendar,
  input: { start: Date; due: Date; now: Date; measure?: Measure; warnAtFraction?: number },
): DeadlineStatus {
  const measure = input.measure ?? 'working';
  const warnAtFraction = input.warnAtFraction ?? 0.8;
  const total = elapsedMillis(calendar, measure, input.start, input.due);
  const used = Math.max(0, elapsedMillis(calendar, measure, input.start, input.now));
  const overdue = input.now.getTime() > input.due.getTime();
  const fractionUsed = total > 0 ? used / total : overdue || input.now.getTime() === input.due.getTime() ? 1 : 0;
  // Compare in whole milliseconds, rounded as warnAt is, so the colour turns exactly at warnAt.
  const warned = total > 0 ? used >= Math.round(total * warnAtFraction) : fractionUsed >= warnAtFraction;
  return {
    status: overdue ? 'overdue' : warned ? 'warning' : 'normal',
    fractionUsed,
    remainingMillis: total - used,
  };
}

/** The latest deadline one extension may grant: `policy.maxExtension` (10 working days) past the current one. */
export function maxExtension(calendar: WorkingCalendar, currentDue: Date, policy: DeadlinePolicy = defaultDeadlinePolicy): Date {
  return addDuration(calendar, currentDue, policy.maxExtension);
}

/** A new deadline n working days past the current one (the close of the nth workday after its date). */
export function extendByWorkingDays(calendar: WorkingCalendar, currentDue: Date, n: number): Date {
  return calendar.addWorkingDays(currentDue, n);
}

export type ExtensionRefusal = 'deadline_passed' | 'not_later' | 'too_long';

export type ExtensionCheck =
  | { ok: true; maxDue: Date; extraWorkingMillis: number }
  | {
      ok: false;
      reason: ExtensionRefusal;
      maxDue: Date;
      /** What to tell the department, in both working languages. */
      message: { 'zh-CN': string; en: string };
    };

/**
 * Checks a department's extension request (延期申请): it must be asked before the current deadline, move the
 * deadline later, and not past `maxExtension` (10 working days by default). Approval itself is the hotline's call.
 */
export function validateExtensionRequest(
  calendar: WorkingCalendar,
  request: { currentDue: Date; requestedDue: Date; requestedAt: Date },
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): ExtensionCheck {
  const maxDue = maxExtension(calendar, request.currentDue, policy);
  const limit = describeDuration(policy.maxExtension);
  const latest = formatLocal(calendar, maxDue);
  if (request.requestedAt.getTime() >= request.currentDue.getTime()) {
    return {
      ok: false,
      reason: 'deadline_passed',
      maxDue,
      message: {
        'zh-CN': '已超过办理期限，延期须在期限届满前申请',
        en: 'The deadline has passed; an extension must be asked for before it',
      },
    };
  }
  if (request.requestedDue.getTime() <= request.currentDue.getTime()) {
    return {
      ok: false,
      reason: 'not_later',
      maxDue,
      message: { 'zh-CN': '申请的期限须晚于当前期限', en: 'The requested deadline must be later than the current one' },
    };
  }
  if (request.requestedDue.getTime() > maxDue.getTime()) {
    return {
      ok: false,
      reason: 'too_long',
      maxDue,
      message: {
        'zh-CN': `延期最长 ${limit['zh-CN']}，最晚至 ${latest}`,
        en: `An extension may add at most ${limit.en}, up to ${latest}`,
      },
    };
  }
  return { ok: true, maxDue, extraWorkingMillis: calendar.workingMillisBetween(request.currentDue, request.requestedDue) };
}

function describeDuration(duration: Duration): { 'zh-CN': string; en: string } {
  switch (duration.unit) {
    case 'working_days':
      return { 'zh-CN': `${duration.amount} 个工作日`, en: `${duration.amount} working days` };
    case 'working_hours':
      return { 'zh-CN': `${duration.amount} 个工作小时`, en: `${duration.amount} working hours` };
    case 'hours':
      return { 'zh-CN': `${duration.amount} 小时`, en: `${duration.amount} hours` };
  }
}

/** 'YYYY-MM-DD HH:MM' in the hotline's zone. */
function formatLocal(calendar: WorkingCalendar, instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: calendar.timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${field('year')}-${field('month')}-${field('day')} ${field('hour')}:${field('minute')}`;
}
