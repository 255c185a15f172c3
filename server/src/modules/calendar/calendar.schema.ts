/**
 * Shapes an admin edits: the working calendar's settings (hours, local overrides) and the deadline policy.
 * Types are inferred from the schemas so the stored JSON and the code cannot drift apart.
 */
import * as z from 'zod';
import { assertTimeZone, parseClockTime, parseIsoDate } from './zoned-time.ts';

/** 咨询 求助 投诉 举报 建议 表扬 */
export const ticketTypes = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type TicketType = (typeof ticketTypes)[number];

/** 一般 紧急 特急 */
export const urgencies = ['normal', 'urgent', 'critical'] as const;
export type Urgency = (typeof urgencies)[number];

export const IsoDateSchema = z
  .string()
  .refine((value) => parseIsoDate(value) !== undefined, { message: '日期须为 YYYY-MM-DD / date must be YYYY-MM-DD' });

export const ClockTimeSchema = z
  .string()
  .refine((value) => parseClockTime(value) !== undefined, { message: '时间须为 HH:MM / time must be HH:MM' });

/** One span of office hours on a workday, local time, e.g. 09:00–12:00. */
export const WorkingHoursSpanSchema = z
  .object({ start: ClockTimeSchema, end: ClockTimeSchema })
  .refine((span) => (parseClockTime(span.start) ?? 0) < (parseClockTime(span.end) ?? 0), {
    message: '结束时间须晚于开始时间 / end must be after start',
  });
export type WorkingHoursSpan = z.infer<typeof WorkingHoursSpanSchema>;

/** A workday's office hours: at least one span, in order, not overlapping (a lunch break is the gap between). */
export const WorkingHoursSchema = z
  .array(WorkingHoursSpanSchema)
  .min(1)
  .max(12)
  .refine(
    (spans) =>
      spans.every((span, index) => {
        const previous = spans[index - 1];
        return previous === undefined || (parseClockTime(previous.end) ?? 0) <= (parseClockTime(span.start) ?? 0);
      }),
    { message: '工作时段须按时间先后排列且不重叠 / spans must be in order and not overlap' },
  );

/** A local decision that beats the national calendar for one date: a typhoon day off, a local make-up workday. */
export const CalendarOverrideSchema = z.object({
  date: IsoDateSchema,
  kind: z.enum(['workday', 'holiday']),
  note: z.string().max(200).optional(),
});
export type CalendarOverride = z.infer<typeof CalendarOverrideSchema>;

export const CalendarOverridesSchema = z
  .array(CalendarOverrideSchema)
  .max(5000)
  .refine((overrides) => new Set(overrides.map((override) => override.date)).size === overrides.length, {
    message: '同一日期只能有一条调整 / each date may be overridden once',
  });

export const TimeZoneSchema = z.string().refine(
  (value) => {
    try {
      assertTimeZone(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: '未知时区 / unknown time zone' },
);

/** Everything a working calendar is built from (besides the national data in chinese-days). */
export const WorkingCalendarSettingsSchema = z.object({
  timezone: TimeZoneSchema.default('Asia/Shanghai'),
  workingHours: WorkingHoursSchema.default([
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ]),
  overrides: CalendarOverridesSchema.default([]),
});
export type WorkingCalendarSettings = z.infer<typeof WorkingCalendarSettingsSchema>;
export type WorkingCalendarSettingsInput = z.input<typeof WorkingCalendarSettingsSchema>;

/**
 * A time window. `hours` run around the clock (urgent work does not wait for Monday); `working_hours` count only
 * office hours on workdays; `working_days` end at the close of the Nth working day after the start day.
 */
export const DurationSchema = z
  .object({
    amount: z.number().positive().max(24 * 400),
    unit: z.enum(['working_hours', 'working_days', 'hours']),
  })
  .refine((duration) => duration.unit !== 'working_days' || Number.isInteger(duration.amount), {
    message: '工作日须为整数 / working days must be a whole number',
  });
export type Duration = z.infer<typeof DurationSchema>;
export type DurationUnit = Duration['unit'];

/** The three windows an assignment gets at dispatch: 签收 sign, 办理 handle, 退单 return. */
export const DeadlineWindowsSchema = z.object({ sign: DurationSchema, handle: DurationSchema, return: DurationSchema });
export type DeadlineWindows = z.infer<typeof DeadlineWindowsSchema>;

const WindowsByUrgencySchema = z.object({
  normal: DeadlineWindowsSchema,
  urgent: DeadlineWindowsSchema,
  critical: DeadlineWindowsSchema,
});

/** The whole policy an admin edits; stored by the tickets module. */
export const DeadlinePolicySchema = z.object({
  /** type × urgency → windows */
  windows: z.object({
    consult: WindowsByUrgencySchema,
    help: WindowsByUrgencySchema,
    complaint: WindowsByUrgencySchema,
    report: WindowsByUrgencySchema,
    suggestion: WindowsByUrgencySchema,
    praise: WindowsByUrgencySchema,
  }),
  /** The handling window of a matter approved as complex (疑难复杂件). */
  complexHandle: DurationSchema,
  /** The longest single extension (延期) a department may be granted beyond its current deadline. */
  maxExtension: DurationSchema,
  /** Share of the handling time after which the assignment turns yellow and an urge goes out. */
  warnAtFraction: z.number().gt(0).lt(1),
  /** Whether the handling clock starts when the order is dispatched or when the department signs for it. */
  handleClockStartsAt: z.enum(['dispatch', 'sign']),
});
export type DeadlinePolicy = z.infer<typeof DeadlinePolicySchema>;
