/** zod shapes of the knowledge-base API: request bodies and queries (validated at the edge) and responses. */
import * as z from 'zod';

export const kbStates = ['draft', 'review', 'published', 'archived'] as const;
export const KbStateSchema = z.enum(kbStates).meta({ description: '状态 草稿/待审核/已发布/已下线' });

const text = (max: number) => z.string().trim().min(1).max(max);
const list = (maxItems: number, maxChars: number) =>
  z
    .array(z.string().trim().max(maxChars))
    .max(maxItems)
    .default([])
    .transform((items) => [...new Set(items.filter((s) => s.length > 0))]);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期须为 YYYY-MM-DD (date must be YYYY-MM-DD)');

export const EntryCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, '编号只能包含字母、数字、点、下划线和连字符 (letters, digits, ".", "_" and "-")');

/** How many alternate phrasings an entry keeps, and how long each may be. */
export const ALTERNATES_LIMIT = { items: 30, chars: 500 } as const;

/** The editable content of an entry (one version). */
export const EntryContent = z.object({
  question: text(500),
  answer: text(10_000),
  alternates: list(ALTERNATES_LIMIT.items, ALTERNATES_LIMIT.chars),
  keywords: list(30, 50),
  topic: z.string().trim().max(50).nullish(),
  departmentCode: z.string().trim().max(50).nullish().meta({ description: '归属部门编码（部门人员只能是本部门）' }),
  reviewDueOn: date.nullish().meta({ description: '复核日期 YYYY-MM-DD' }),
});
export type EntryContentInput = z.infer<typeof EntryContent>;

export const CreateEntryBody = EntryContent.extend({ code: EntryCode.optional(), note: z.string().trim().max(500).optional() });
export type CreateEntryInput = z.infer<typeof CreateEntryBody>;

export const UpdateEntryBody = EntryContent.extend({
  /** The version the editor started from; a newer one means someone else saved first. */
  expectedVersion: z.number().int().positive().optional(),
  note: z.string().trim().max(500).optional(),
});
export type UpdateEntryInput = z.infer<typeof UpdateEntryBody>;

export const EntryActionBody = z.object({ note: z.string().trim().max(500).optional(), expectedVersion: z.number().int().positive().optional() });

export const IdParams = z.object({ id: z.uuid() });
export const ActionParams = z.object({ id: z.uuid(), action: z.enum(['submit', 'publish', 'reject', 'archive', 'restore']) });

export const ListEntriesQuery = z.object({
  state: KbStateSchema.optional(),
  departmentCode: z.string().max(50).optional(),
  stale: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListEntriesFilters = z.infer<typeof ListEntriesQuery>;

export const SearchQuery = z.object({
  q: z.string().max(2000).default(''),
  limit: z.coerce.number().int().min(1).max(20).default(10),
});
export const SuggestBody = z.object({ text: z.string().max(20_000) });

export const transferFormats = ['jsonl', 'yaml', 'xlsx'] as const;
export const ExportQuery = z.object({
  format: z.enum(transferFormats).default('jsonl'),
  state: KbStateSchema.optional(),
  departmentCode: z.string().max(50).optional(),
});
export const ImportBody = z.object({
  format: z.enum(transferFormats),
  /** Text for jsonl and yaml; base64 for xlsx. */
  content: z.string().min(1).max(8_000_000),
  /** Reviewers may publish what they import at once; otherwise new content waits as drafts (or for review). */
  as: z.enum(['draft', 'review', 'published']).default('draft'),
});
export type ImportInput = z.infer<typeof ImportBody>;

export const GapsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ResolveGapBody = z.object({ key: z.string().min(1).max(600) });

// ── responses ───────────────────────────────────────────────────────────────────────────────────────────────

export const EntrySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    state: KbStateSchema,
    departmentCode: z.string().nullable(),
    departmentName: z.string().nullable(),
    topic: z.string().nullable(),
    question: z.string(),
    answer: z.string(),
    alternates: z.array(z.string()),
    keywords: z.array(z.string()),
    version: z.number(),
    liveVersion: z.number().nullable(),
    reviewDueOn: z.string().nullable(),
    stale: z.boolean().meta({ description: '已过复核日期' }),
    isSample: z.boolean(),
    reviewNote: z.string().nullable(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
    actions: z.array(z.string()).meta({ description: '当前用户可执行的操作' }),
  })
  .meta({ id: 'KnowledgeEntry' });

export const VersionSchema = z.object({
  version: z.number(),
  question: z.string(),
  answer: z.string(),
  alternates: z.array(z.string()),
  keywords: z.array(z.string()),
  topic: z.string().nullable(),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});

export const EntryDetailSchema = EntrySchema.extend({ versions: z.array(VersionSchema) });

export const SegmentSchema = z.object({ text: z.string(), hit: z.boolean() });
export const SearchHitSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  question: z.array(SegmentSchema).meta({ description: '问题，按命中切分（hit=true 处高亮）' }),
  answer: z.array(SegmentSchema),
  departmentCode: z.string().nullable(),
  confidence: z.number(),
});
export const SearchResultSchema = z.object({ outcome: z.enum(['answer', 'suggest', 'handoff']), items: z.array(SearchHitSchema) });

export const SuggestionSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  question: z.string(),
  answer: z.string(),
  departmentCode: z.string().nullable(),
  confidence: z.number(),
});

export const GapGroupSchema = z.object({
  key: z.string(),
  count: z.number(),
  lastAt: z.string(),
  channels: z.array(z.string()),
  reasons: z.array(z.string()),
  examples: z.array(z.string()),
  bestEntry: z.object({ id: z.uuid(), code: z.string(), question: z.string() }).nullable(),
});

export const ImportResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(z.object({ line: z.number(), code: z.string().nullable(), message: z.string() })),
});
