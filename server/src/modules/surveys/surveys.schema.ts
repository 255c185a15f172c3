/**
 * The shapes at the edges of follow-up: the survey policy the admin edits, the answers a citizen can give,
 * the supervisor's decisions, job payloads and the figures' query. Types are inferred from these.
 */
import * as z from 'zod';

export const ticketTypes = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;

/** 满意 / 基本满意 / 不满意 / 联系不上 / 拒绝评价. */
export const surveyOutcomes = ['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', 'declined'] as const;
export type SurveyOutcome = (typeof surveyOutcomes)[number];

/** What a citizen can answer (联系不上 is never an answer). */
export const CitizenAnswer = z.enum(['satisfied', 'basically_satisfied', 'unsatisfied', 'declined']);
export type CitizenAnswer = z.infer<typeof CitizenAnswer>;

const clock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');
const clockEnd = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'HH:MM');

/** The survey policy (one per hotline). Defaults follow DOMAIN.md. */
export const SurveyPolicySchema = z
  .object({
    /** Share of tickets of each type that are surveyed, 0..1 (complaints and reports 1: always). */
    sampleRates: z.object(Object.fromEntries(ticketTypes.map((t) => [t, z.number().min(0).max(1)])) as Record<(typeof ticketTypes)[number], z.ZodNumber>),
    /** Working days after the review passes before the first attempt (0: as soon as calling hours allow). */
    delayWorkingDays: z.number().int().min(0).max(10),
    callingHours: z.object({ from: clock, to: clockEnd }).refine((h) => h.from < h.to, { message: 'from must be before to' }),
    /** `working`: only on working days (holidays and 调休 from the hotline calendar); `every`: any day. */
    callingDays: z.enum(['working', 'every']),
    /** Phone attempts before falling back to the next channel. */
    maxCallAttempts: z.number().int().min(0).max(10),
    /** Minutes between two call attempts (moved into calling hours when they fall outside). */
    attemptSpacingMinutes: z.number().int().min(0).max(1440),
    /** Channels in order; phone first, then SMS by default. */
    channels: z.array(z.enum(['phone', 'sms'])).max(2).refine((c) => new Set(c).size === c.length, { message: 'no duplicates' }),
    /** How long an SMS survey link stays valid. */
    smsLinkValidHours: z.number().int().min(1).max(720),
    /** 一次一评 after each answered call. */
    postCallRating: z.boolean(),
    /** An unsatisfied caller may leave a short spoken comment. */
    recordComment: z.boolean(),
  })
  .meta({ id: 'SurveyPolicy' });
export type SurveyPolicy = z.infer<typeof SurveyPolicySchema>;

export const defaultSurveyPolicy: SurveyPolicy = {
  sampleRates: { complaint: 1, report: 1, help: 1, consult: 0.3, suggestion: 0.3, praise: 0 },
  delayWorkingDays: 1,
  callingHours: { from: '08:00', to: '20:00' },
  callingDays: 'working',
  maxCallAttempts: 3,
  attemptSpacingMinutes: 120,
  channels: ['phone', 'sms'],
  smsLinkValidHours: 48,
  postCallRating: true,
  recordComment: true,
};

export const DecisionBody = z.object({
  note: z.string().trim().min(1).max(2000).meta({ description: '处理意见 The supervisor’s note' }),
});
export const ReopenBody = z.object({ note: z.string().trim().max(2000).optional() });

export const SmsAnswerBody = z.object({
  result: CitizenAnswer,
  comment: z.string().trim().max(500).optional(),
});

export const QueueQuery = z.object({
  kind: z.enum(['unsatisfied', 'unreachable']).default('unsatisfied'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const FiguresQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional().meta({ description: '统计起点，默认 30 天前' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: '统计终点，默认现在' }),
});

export const IdParams = z.object({ id: z.uuid() });
export const TicketParams = z.object({ ticketId: z.uuid() });
export const TokenParams = z.object({ token: z.string().min(10).max(200) });

export const PlanPayload = z.object({ ticketId: z.uuid() });
export const AttemptPayload = z.object({ surveyId: z.uuid(), attemptNo: z.number().int().min(1).max(50) });
export const SurveyPayload = z.object({ surveyId: z.uuid() });
export const AttemptCheckPayload = z.object({ attemptId: z.uuid() });
