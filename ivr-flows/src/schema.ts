/**
 * The shape of a call flow file, of the facts the server knows about a call, of the call state it stores,
 * and of the inputs and steps that pass between the server and the interpreter.
 *
 * Flow files are data written by people, so the schemas are strict (an unknown key is a typo, not an
 * extension) and every default lives here, where a flow author can find it.
 */
import { z } from 'zod';

/** Languages a prompt can be spoken in. The Twilio adapter maps them to its own voice/language codes. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

/** Desks a queue node may name unless the loader is told otherwise (综合, 方言, 涉企, 外语). */
export const DEFAULT_DESKS: readonly string[] = ['general', 'dialect', 'business', 'foreign'];

/** The emergency and police numbers a 12345 agent hands callers to (公安, 消防, 急救, 交警). */
export const EMERGENCY_NUMBERS: readonly string[] = ['110', '119', '120', '122'];

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'node ids use letters, digits, "-" and "_"');

const textSchema = z.string().trim().min(1, 'must not be empty');
const outcomeNameSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'outcome names use lower-case letters, digits, "-" and "_"');

/**
 * One spoken segment: either the same sentence in every language (`zh-CN` and `en` both required, so an
 * English-speaking caller never meets a silent node), or a sentence pinned to one language — such as
 * "For English, press 3", which is said in English whatever the caller's language.
 */
const promptSegmentSchema = z
  .strictObject({
    'zh-CN': textSchema.optional(),
    en: textSchema.optional(),
    text: textSchema.optional(),
    language: languageSchema.optional(),
  })
  .superRefine((segment, ctx) => {
    const localized = segment['zh-CN'] !== undefined || segment.en !== undefined;
    const fixed = segment.text !== undefined || segment.language !== undefined;
    if (localized && fixed) {
      ctx.addIssue({ code: 'custom', message: 'a prompt has either zh-CN and en text, or text with one language, not both' });
    } else if (fixed) {
      if (segment.text === undefined || segment.language === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a fixed-language prompt needs both text and language' });
      }
    } else if (segment['zh-CN'] === undefined || segment.en === undefined) {
      const missing = segment['zh-CN'] === undefined ? 'zh-CN' : 'en';
      ctx.addIssue({ code: 'custom', message: `prompt needs text in both zh-CN and en (${missing} is missing)` });
    }
  });
export type PromptSegment = z.infer<typeof promptSegmentSchema>;

/** A prompt is one segment or a list of them; it is always a list after parsing. */
export const promptSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value : [value]),
  z.array(promptSegmentSchema).min(1, 'prompt must not be empty'),
);
export type Prompt = PromptSegment[];

const inputModesSchema = z
  .array(z.enum(['dtmf', 'speech']))
  .min(1)
  .default(['dtmf', 'speech']);

const keySchema = z.string().regex(/^[0-9*#]{1,4}$/, 'keys are 1 to 4 of 0-9, * and #');
const keywordsSchema = z.array(textSchema).min(1);
const timeRangeSchema = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'time ranges look like "08:00-20:00"');

/** What a menu or rating node shares: how input is gathered and how often the caller is asked again. */
const gatherFields = {
  prompt: promptSchema,
  input: inputModesSchema,
  /** Seconds of silence after the prompt before the gather gives up. */
  timeoutSeconds: z.number().int().min(1).max(30).default(5),
  /** How many times the caller is asked again after silence or an unrecognised answer. */
  retries: z.number().int().min(0).max(5).default(1),
  /** Said before asking again after an unrecognised answer. */
  invalidPrompt: promptSchema.optional(),
  /** Said before asking again after silence. */
  noInputPrompt: promptSchema.optional(),
  /** Speech below this recogniser confidence counts as unrecognised. */
  minConfidence: z.number().min(0).max(1).default(0.3),
};

const sayNodeSchema = z.strictObject({
  kind: z.literal('say'),
  prompt: promptSchema,
  pauseAfterSeconds: z.number().int().min(1).max(10).optional(),
  next: nodeIdSchema,
});

const menuOptionSchema = z
  .strictObject({
    key: keySchema.optional(),
    keywords: keywordsSchema.optional(),
    /** Choosing this option switches the call's language from here on (the 外语 desk). */
    language: languageSchema.optional(),
    next: nodeIdSchema,
  })
  .refine((option) => option.key !== undefined || option.keywords !== undefined, {
    message: 'an option needs a key, keywords or both',
  });

const menuNodeSchema = z.strictObject({
  kind: z.literal('menu'),
  ...gatherFields,
  options: z.array(menuOptionSchema).min(1),
  /** Silence goes here at once instead of asking again (the hotline: no choice means the general desk). */
  noInput: nodeIdSchema.optional(),
  /** Speech that matches no option goes here at once (a caller who starts telling their problem wants a person). */
  speechNoMatch: nodeIdSchema.optional(),
  /** Where the call goes when the retries are used up; without it that is a failure (apology, general desk). */
  default: nodeIdSchema.optional(),
});

const ratingChoiceSchema = z.strictObject({
  key: keySchema,
  keywords: keywordsSchema.optional(),
  value: outcomeNameSchema,
  next: nodeIdSchema.optional(),
});

const ratingNodeSchema = z.strictObject({
  kind: z.literal('rating'),
  ...gatherFields,
  /** Name of the outcome the answer is recorded under (e.g. `satisfaction`). */
  outcome: outcomeNameSchema,
  choices: z.array(ratingChoiceSchema).min(1),
  /** Where a choice without its own `next` goes. */
  next: nodeIdSchema.optional(),
  /** Recorded and followed when the caller gives no valid answer before the retries run out. */
  noAnswer: z.strictObject({ value: outcomeNameSchema, next: nodeIdSchema }),
});

const queueNodeSchema = z.strictObject({
  kind: z.literal('queue'),
  prompt: promptSchema.optional(),
  desk: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'desk ids use lower-case letters, digits, "-" and "_"'),
  priority: z.number().int().min(0).max(9).default(0),
});

const voicebotNodeSchema = z.strictObject({
  kind: z.literal('voicebot'),
  prompt: promptSchema.optional(),
  /** The bot is not running or failed: usually a queue. */
  unavailable: nodeIdSchema,
  /** The caller asked for a person. */
  wantsAgent: nodeIdSchema,
  /** The bot answered the question; without it the call ends. */
  resolved: nodeIdSchema.optional(),
});

const recordFields = {
  prompt: promptSchema,
  maxSeconds: z.number().int().min(5).max(600),
  next: nodeIdSchema,
  outcome: outcomeNameSchema.optional(),
};

const voicemailNodeSchema = z.strictObject({ kind: z.literal('voicemail'), ...recordFields, maxSeconds: recordFields.maxSeconds.default(120) });
const recordNodeSchema = z.strictObject({ kind: z.literal('record'), ...recordFields, maxSeconds: recordFields.maxSeconds.default(60) });

const transferNodeSchema = z.strictObject({
  kind: z.literal('transfer'),
  prompt: promptSchema,
  number: z.string().regex(/^\+?[0-9]{3,15}$/, 'a transfer number is 3 to 15 digits'),
});

const hoursNodeSchema = z.strictObject({
  kind: z.literal('hours'),
  timezone: z.string().default('Asia/Shanghai'),
  /** Open ranges per weekday; `daily` applies to every weekday not listed. A day with no ranges is closed. */
  weekly: z.partialRecord(z.enum([...WEEKDAYS, 'daily']), z.array(timeRangeSchema)),
  /** Open ranges on a public holiday (the caller of the interpreter says whether today is one); closed by default. */
  holidays: z.array(timeRangeSchema).default([]),
  open: nodeIdSchema,
  closed: nodeIdSchema,
});

/** Facts a branch can test; `outcome` tests something collected earlier in the call. */
const conditionSchema = z
  .strictObject({
    fact: z.enum(['callerBlocked', 'repeatCaller', 'holiday', 'language']).optional(),
    outcome: outcomeNameSchema.optional(),
    equals: z.union([z.boolean(), z.string()]),
  })
  .superRefine((condition, ctx) => {
    if ((condition.fact === undefined) === (condition.outcome === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a condition names either a fact or an outcome' });
      return;
    }
    if (condition.fact === 'language') {
      if (!LANGUAGES.includes(condition.equals as Language)) {
        ctx.addIssue({ code: 'custom', message: `language is compared with one of ${LANGUAGES.join(', ')}` });
      }
    } else if (condition.fact !== undefined && typeof condition.equals !== 'boolean') {
      ctx.addIssue({ code: 'custom', message: `${condition.fact} is compared with true or false` });
    } else if (condition.outcome !== undefined && typeof condition.equals !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'an outcome is compared with a value name' });
    }
  });
export type Condition = z.infer<typeof conditionSchema>;

const branchNodeSchema = z.strictObject({
  kind: z.literal('branch'),
  cases: z.array(z.strictObject({ when: conditionSchema, next: nodeIdSchema })).min(1),
  default: nodeIdSchema,
});

const hangupNodeSchema = z.strictObject({
  kind: z.literal('hangup'),
  prompt: promptSchema.optional(),
});

export const NODE_KINDS = [
  'say', 'menu', 'rating', 'queue', 'voicebot', 'voicemail', 'record', 'transfer', 'hours', 'branch', 'hangup',
] as const;

export const flowNodeSchema = z.discriminatedUnion('kind', [
  sayNodeSchema,
  menuNodeSchema,
  ratingNodeSchema,
  queueNodeSchema,
  voicebotNodeSchema,
  voicemailNodeSchema,
  recordNodeSchema,
  transferNodeSchema,
  hoursNodeSchema,
  branchNodeSchema,
  hangupNodeSchema,
]);
export type FlowNode = z.infer<typeof flowNodeSchema>;
export type NodeKind = FlowNode['kind'];
export type MenuNode = z.infer<typeof menuNodeSchema>;
export type RatingNode = z.infer<typeof ratingNodeSchema>;
export type HoursNode = z.infer<typeof hoursNodeSchema>;

/** The apology every flow falls back to unless it says otherwise. */
export const DEFAULT_APOLOGY: Prompt = [
  {
    'zh-CN': '抱歉，系统暂时无法处理您的操作，正在为您转接人工服务，请稍候。',
    en: 'Sorry, something went wrong. We are connecting you to an agent, please hold.',
  },
];

/** Said before asking again after an unrecognised answer, unless the node has its own. */
export const DEFAULT_INVALID_PROMPT: Prompt = [
  { 'zh-CN': '对不起，您的输入有误。', en: 'Sorry, that is not one of the choices.' },
];

export const flowFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'flow ids use lower-case letters, digits and "-"').optional(),
  description: z.string().optional(),
  /** The language a call starts in unless the server knows the caller's language. */
  language: languageSchema.default('zh-CN'),
  start: nodeIdSchema,
  /** Where every failure inside the flow goes: an apology, then a queue. */
  fallback: z
    .strictObject({
      desk: z.string().default('general'),
      priority: z.number().int().min(0).max(9).default(0),
      prompt: promptSchema.default(DEFAULT_APOLOGY),
    })
    .default({ desk: 'general', priority: 0, prompt: DEFAULT_APOLOGY }),
  nodes: z.record(nodeIdSchema, flowNodeSchema),
});

/** A validated flow, ready for the interpreter. */
export interface Flow {
  readonly id: string;
  /** The file it was read from, for messages. */
  readonly fileName: string;
  readonly description?: string;
  readonly language: Language;
  readonly start: string;
  readonly fallback: { readonly desk: string; readonly priority: number; readonly prompt: Prompt };
  readonly nodes: Readonly<Record<string, FlowNode>>;
}

/** What the server knows about a call when it starts the flow. */
export const callFactsSchema = z.strictObject({
  /** The moment the call arrived, ISO 8601 with offset; hours nodes read it (the interpreter has no clock). */
  now: z.iso.datetime({ offset: true }),
  callerBlocked: z.boolean().default(false),
  repeatCaller: z.boolean().default(false),
  /** Today is a public holiday in the hotline's calendar (the server works it out, e.g. with chinese-days). */
  holiday: z.boolean().default(false),
  /** The caller's known language; the call starts in it. */
  language: languageSchema.optional(),
});
export type CallFacts = z.infer<typeof callFactsSchema>;
export type CallFactsInput = z.input<typeof callFactsSchema>;

/** What the caller did, as the telephony adapter understood it. */
export const callInputSchema = z.discriminatedUnion('kind', [
  /** The call entered the flow, or the server asks for the current node again (a retried webhook). */
  z.strictObject({ kind: z.literal('start') }),
  z.strictObject({ kind: z.literal('digits'), digits: z.string().regex(/^[0-9*#]{1,32}$/) }),
  z.strictObject({ kind: z.literal('speech'), text: z.string(), confidence: z.number().min(0).max(1) }),
  z.strictObject({ kind: z.literal('timeout') }),
  z.strictObject({
    kind: z.literal('recorded'),
    recordingId: z.string().min(1),
    durationSeconds: z.number().min(0),
    url: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('bot'), result: z.enum(['resolved', 'wants-agent', 'unavailable']) }),
]);
export type CallInput = z.infer<typeof callInputSchema>;

export type SayStep = { kind: 'say'; text: string; language: Language };
export type PauseStep = { kind: 'pause'; seconds: number };
export type GatherStep = {
  kind: 'gather';
  input: Array<'dtmf' | 'speech'>;
  numDigits: number;
  timeoutSeconds: number;
  language: Language;
  /** Words the speech recogniser should expect. */
  hints?: string[];
  /** Said while listening, so the caller can answer before it ends. */
  prompt: Array<SayStep | PauseStep>;
};
export type EnqueueStep = { kind: 'enqueue'; desk: string; priority: number };
export type VoicebotStep = { kind: 'voicebot'; language: Language };
export type RecordStep = { kind: 'record'; maxSeconds: number; purpose: 'voicemail' | 'comment' };
export type DialStep = {
  kind: 'dial';
  number: string;
  record: true;
  purpose: 'emergency-transfer' | 'outside-transfer';
};
export type OutcomeStep = { kind: 'outcome'; name: string; value: string };
export type HangupStep = { kind: 'hangup' };

/** One thing the telephony adapter does, in order. Vendor-neutral: the Twilio adapter renders it as TwiML. */
export type Step =
  | SayStep
  | PauseStep
  | GatherStep
  | EnqueueStep
  | VoicebotStep
  | RecordStep
  | DialStep
  | OutcomeStep
  | HangupStep;

/** A step after which the flow has handed the call on (queue, outside number) or ended it. */
export type TerminalStep = EnqueueStep | DialStep | HangupStep;

/** The steps that end the flow's part in a call, as stored in the state. */
const terminalStepSchema: z.ZodType<TerminalStep> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enqueue'), desk: z.string(), priority: z.number() }),
  z.object({
    kind: z.literal('dial'),
    number: z.string(),
    record: z.literal(true),
    purpose: z.enum(['emergency-transfer', 'outside-transfer']),
  }),
  z.object({ kind: z.literal('hangup') }),
]);

/**
 * Everything the interpreter needs between two webhooks. Plain JSON: the server stores it per call and
 * hands it back with the next input.
 */
export const callStateSchema = z.object({
  version: z.literal(1),
  flowId: z.string(),
  /** `active`: waiting for the caller at `node`. `ended`: the flow handed the call on or hung up. */
  status: z.enum(['active', 'ended']),
  node: z.string(),
  /** Times the caller has been asked again at `node`. */
  retries: z.number().int().min(0),
  language: languageSchema,
  facts: callFactsSchema,
  /** Answers collected so far, by outcome name (e.g. `satisfaction: unsatisfied`). */
  outcomes: z.record(z.string(), z.string()),
  recordings: z.array(
    z.object({
      node: z.string(),
      purpose: z.enum(['voicemail', 'comment']),
      recordingId: z.string(),
      durationSeconds: z.number(),
    }),
  ),
  /** Nodes entered, oldest first (capped), for the call record and for debugging a flow. */
  path: z.array(z.string()),
  /** The step that ended the flow; repeated if the server asks again, so a retried webhook is never silent. */
  final: terminalStepSchema.optional(),
  /** Why the flow fell back to an agent, when it did. */
  failure: z.object({ reason: z.string(), node: z.string().optional() }).optional(),
});
export type CallState = z.infer<typeof callStateSchema>;

/** What `step` returns: what to do now, and the state to store until the next input. */
export interface StepResult {
  steps: Step[];
  state: CallState;
}
