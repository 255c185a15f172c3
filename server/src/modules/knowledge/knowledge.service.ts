/**
 * Knowledge-base use cases: the editing workflow (draft → review → published → archived, every save a new
 * version, every change audited), import and export, agents' search and suggestions, and the questions the
 * bot could not answer. Publishing or retiring NOTIFYs every server process so their live indexes follow.
 */
import { analyseText, normaliseText } from '../../../../knowledge-base/src/index.ts';
import type { AppContext } from '../../context.ts';
import type { Actor, UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { ChatChannel, GapReason, KbState } from '../../schema.ts';
import { can, departmentScope, entryTransitions, type EntryAction, type KnowledgeAction } from './knowledge.policy.ts';
import { presentEntry, presentVersion } from './knowledge.presenter.ts';
import * as repo from './knowledge.repository.ts';
import { ALTERNATES_LIMIT, type CreateEntryInput, type EntryContentInput, type ImportInput, type ListEntriesFilters, type UpdateEntryInput } from './knowledge.schema.ts';
import { parseJsonLines, parseXlsx, parseYaml, toJsonLines, toXlsx, toYaml, type ParseProblem, type TransferRecord } from './knowledge.transfer.ts';
import { liveIndex, refreshEntries, type LiveEntry } from './live-index.ts';

function authorize(actor: UserActor, action: KnowledgeAction): void {
  if (!can(actor, action)) throw new AppError('FORBIDDEN');
}

const entryNotFound = () => new AppError('NOT_FOUND', { params: { entity: 'entity.knowledge_entry' } });

/** The department code a department clerk writes for; null for the hotline (it writes for any). */
async function ownDepartmentCode(ctx: AppContext, actor: UserActor): Promise<string | null> {
  if (actor.role !== 'department_staff') return null;
  const code = await repo.departmentCodeOf(ctx.db, actor.departmentId);
  if (!code) throw new AppError('FORBIDDEN');
  return code;
}

/** A clerk's entries always belong to their department; naming another one is refused, not silently changed. */
function owningDepartment(own: string | null, requested: string | null | undefined): string | null {
  if (own === null) return requested ?? null;
  if (requested && requested !== own) throw new AppError('FORBIDDEN', { messageKey: 'knowledge.error.other_department' });
  return own;
}

// ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────

export async function listEntries(ctx: AppContext, actor: UserActor, filters: ListEntriesFilters) {
  authorize(actor, 'manage');
  const scope = departmentScope(actor);
  const [rows, counts] = await Promise.all([repo.listEntries(ctx.db, scope, filters), repo.countEntries(ctx.db, scope)]);
  const byState: Record<string, number> = { draft: 0, review: 0, published: 0, archived: 0 };
  let stale = 0;
  for (const c of counts) {
    byState[c.state] = c.count;
    stale += c.stale;
  }
  return { items: rows.map((r) => presentEntry(actor, r)), counts: { ...byState, stale } };
}

export async function getEntry(ctx: AppContext, actor: UserActor, id: string) {
  authorize(actor, 'manage');
  const row = await repo.findEntry(ctx.db, id, departmentScope(actor));
  if (!row) throw entryNotFound();
  const versions = await repo.listVersions(ctx.db, id);
  return { ...presentEntry(actor, row), versions: versions.map(presentVersion) };
}

// ── writing ─────────────────────────────────────────────────────────────────────────────────────────────────

function versionOf(content: EntryContentInput, actor: Actor, note: string | null | undefined): repo.VersionValues {
  return {
    question: content.question,
    answer: content.answer,
    alternates: content.alternates,
    keywords: content.keywords,
    topic: content.topic ?? null,
    note: note ?? null,
    createdBy: actor.kind === 'user' ? actor.id : null,
  };
}

/** A new entry, as a draft of its owning department. */
export async function createEntry(ctx: AppContext, actor: UserActor, input: CreateEntryInput) {
  authorize(actor, 'manage');
  const departmentCode = owningDepartment(await ownDepartmentCode(ctx, actor), input.departmentCode);
  const code = input.code ?? `${departmentCode ?? 'kb'}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const id = await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findEntryIdByCode(trx, code)) throw new AppError('CONFLICT', { messageKey: 'knowledge.error.code_taken', params: { code } });
    const [created] = await repo.insertEntries(trx, [
      { code, departmentCode, state: 'draft', reviewDueOn: input.reviewDueOn ?? null, isSample: false, createdBy: actor.id, published: false },
    ]);
    await repo.insertVersions(trx, [{ entryId: created!.id, version: 1, ...versionOf(input, actor, input.note) }]);
    await recordAudit(trx, actor, { action: 'knowledge.entry_created', entity: 'knowledge_entry', entityId: created!.id, data: { code, departmentCode } });
    return created!.id;
  });
  return getEntry(ctx, actor, id);
}

/** Saves new content as the next version; the entry goes back to draft (a published version stays live). */
export async function updateEntry(ctx: AppContext, actor: UserActor, id: string, input: UpdateEntryInput) {
  authorize(actor, 'manage');
  const own = await ownDepartmentCode(ctx, actor);
  await ctx.db.transaction().execute(async (trx) => {
    const entry = await repo.lockEntry(trx, id, departmentScope(actor));
    if (!entry) throw entryNotFound();
    requireState(entry.state, 'edit', actor);
    if (input.expectedVersion !== undefined && input.expectedVersion !== entry.current_version) {
      throw new AppError('CONFLICT', { messageKey: 'knowledge.error.stale', params: { expected: input.expectedVersion, current: entry.current_version } });
    }
    const departmentCode = owningDepartment(own, input.departmentCode === undefined ? entry.department_code : input.departmentCode);
    const version = await saveDraftVersion(trx, actor, entry, input, input.note, {
      department_code: departmentCode,
      ...(input.reviewDueOn !== undefined ? { review_due_on: input.reviewDueOn } : {}),
    });
    await recordAudit(trx, actor, { action: 'knowledge.entry_updated', entity: 'knowledge_entry', entityId: id, data: { code: entry.code, version, from: entry.state } });
  });
  return getEntry(ctx, actor, id);
}

/**
 * Writes content as the entry's next version and puts the entry back to draft, with `changes` to its row
 * (the published version stays live until this one is published). Returns the new version's number.
 */
async function saveDraftVersion(
  trx: Executor,
  actor: UserActor,
  entry: { id: string; current_version: number },
  content: EntryContentInput,
  note: string | null | undefined,
  changes: Parameters<typeof repo.updateEntry>[2] = {},
): Promise<number> {
  const version = entry.current_version + 1;
  await repo.insertVersions(trx, [{ entryId: entry.id, version, ...versionOf(content, actor, note) }]);
  await repo.updateEntry(trx, entry.id, { ...changes, state: 'draft', current_version: version, updated_by: actor.id });
  return version;
}

function requireState(state: KbState, action: EntryAction, actor: UserActor): void {
  const rule = entryTransitions[action];
  if (!can(actor, rule.needs)) throw new AppError('FORBIDDEN');
  if (!rule.from.includes(state)) {
    throw new AppError('CONFLICT', { messageKey: 'knowledge.error.illegal_transition', params: { state: `knowledge.state.${state}`, action: `knowledge.action.${action}` } });
  }
}

/** submit / publish / reject / archive / restore. */
export async function transitionEntry(ctx: AppContext, actor: UserActor, id: string, action: Exclude<EntryAction, 'edit'>, body: { note?: string; expectedVersion?: number }) {
  const changedLive = await ctx.db.transaction().execute(async (trx) => {
    const entry = await repo.lockEntry(trx, id, departmentScope(actor));
    if (!entry) throw entryNotFound();
    requireState(entry.state, action, actor);
    if (body.expectedVersion !== undefined && body.expectedVersion !== entry.current_version) {
      throw new AppError('CONFLICT', { messageKey: 'knowledge.error.stale', params: { expected: body.expectedVersion, current: entry.current_version } });
    }
    const to = entryTransitions[action].to;
    const note = body.note ?? null;
    let liveChanged = false;
    switch (action) {
      case 'submit':
        await repo.updateEntry(trx, id, { state: to, updated_by: actor.id });
        break;
      case 'publish':
        await repo.updateEntry(trx, id, { state: to, live_version: entry.current_version, published_at: new Date(), review_note: note, updated_by: actor.id });
        liveChanged = true;
        break;
      case 'reject':
        await repo.updateEntry(trx, id, { state: to, review_note: note, updated_by: actor.id });
        break;
      case 'archive':
        await repo.updateEntry(trx, id, { state: to, live_version: null, archived_at: new Date(), review_note: note, updated_by: actor.id });
        liveChanged = entry.live_version !== null;
        break;
      case 'restore':
        await repo.updateEntry(trx, id, { state: to, archived_at: null, updated_by: actor.id });
        break;
    }
    if (liveChanged) await repo.notifyLiveChange(trx, [id]);
    const past = { submit: 'submitted', publish: 'published', reject: 'rejected', archive: 'archived', restore: 'restored' }[action];
    await recordAudit(trx, actor, {
      action: `knowledge.entry_${past}`,
      entity: 'knowledge_entry',
      entityId: id,
      data: { code: entry.code, from: entry.state, to, version: entry.current_version, ...(note ? { note } : {}) },
    });
    return liveChanged;
  });
  // Other processes follow through NOTIFY; this one applies it now so its next answer already reflects it.
  if (changedLive) await refreshEntries(ctx, [id]);
  return getEntry(ctx, actor, id);
}

// ── import / export ─────────────────────────────────────────────────────────────────────────────────────────

function sameContent(row: repo.EntryRow, r: TransferRecord): boolean {
  const eq = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    row.question === r.question &&
    row.answer === r.answer &&
    eq(row.alternates, r.alternates) &&
    eq(row.keywords, r.keywords) &&
    (row.topic ?? null) === (r.topic ?? null) &&
    (row.department_code ?? null) === (r.department ?? null) &&
    (row.review_due_on ?? null) === (r.reviewDueOn ?? null)
  );
}

async function parseImport(input: ImportInput) {
  switch (input.format) {
    case 'jsonl':
      return parseJsonLines(input.content);
    case 'yaml':
      return parseYaml(input.content);
    case 'xlsx':
      return parseXlsx(input.content);
  }
}

/**
 * Imports entries by code: new codes become entries, changed ones a new version, identical ones are left
 * alone. Content lands as drafts (or for review); reviewers may publish it at once. Records outside the
 * caller's department are refused one by one; the rest are applied in one transaction.
 */
export async function importEntries(ctx: AppContext, actor: UserActor, input: ImportInput) {
  authorize(actor, 'manage');
  if (input.as === 'published') authorize(actor, 'review');
  const own = await ownDepartmentCode(ctx, actor);
  const scope = departmentScope(actor);
  const parsed = await parseImport(input);
  const problems: ParseProblem[] = [...parsed.problems];
  const seen = new Set<string>();
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const liveIds: string[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    for (const { line, record } of parsed.records) {
      if (seen.has(record.id)) {
        problems.push({ line, code: record.id, message: '编号重复 (duplicate id in the file)' });
        continue;
      }
      seen.add(record.id);
      if (own !== null && record.department && record.department !== own) {
        problems.push({ line, code: record.id, message: '只能导入本部门的条目 (only your department’s entries)' });
        continue;
      }
      const departmentCode = own ?? record.department ?? null;
      const existing = await repo.findEntryIdByCode(trx, record.id);
      const content = { ...record, department: departmentCode };
      const version = versionOf({ ...record, departmentCode, topic: record.topic ?? null }, actor, 'import');
      if (!existing) {
        const publish = input.as === 'published';
        const [created] = await repo.insertEntries(trx, [
          { code: record.id, departmentCode, state: input.as, reviewDueOn: record.reviewDueOn ?? null, isSample: false, createdBy: actor.id, published: publish },
        ]);
        await repo.insertVersions(trx, [{ entryId: created!.id, version: 1, ...version }]);
        await recordAudit(trx, actor, { action: 'knowledge.entry_imported', entity: 'knowledge_entry', entityId: created!.id, data: { code: record.id, state: input.as, version: 1 } });
        if (publish) liveIds.push(created!.id);
        counts.created++;
        continue;
      }
      const entry = await repo.lockEntry(trx, existing.id, scope);
      const row = entry && (await repo.findEntry(trx, existing.id, scope));
      if (!entry || !row) {
        problems.push({ line, code: record.id, message: '该编号属于其他部门 (this id belongs to another department)' });
        continue;
      }
      const wantsLive = input.as === 'published';
      if (sameContent(row, content) && (!wantsLive || (entry.state === 'published' && entry.live_version === entry.current_version))) {
        counts.unchanged++;
        continue;
      }
      const changed = !sameContent(row, content);
      const next = changed ? entry.current_version + 1 : entry.current_version;
      if (changed) await repo.insertVersions(trx, [{ entryId: entry.id, version: next, ...version }]);
      await repo.updateEntry(trx, entry.id, {
        state: input.as,
        current_version: next,
        department_code: departmentCode,
        review_due_on: record.reviewDueOn ?? null,
        updated_by: actor.id,
        ...(wantsLive ? { live_version: next, published_at: new Date(), archived_at: null } : {}),
      });
      await recordAudit(trx, actor, { action: 'knowledge.entry_imported', entity: 'knowledge_entry', entityId: entry.id, data: { code: record.id, state: input.as, version: next, from: entry.state } });
      if (wantsLive) liveIds.push(entry.id);
      counts.updated++;
    }
    await recordAudit(trx, actor, { action: 'knowledge.imported', entity: 'knowledge_base', data: { format: input.format, as: input.as, ...counts, problems: problems.length } });
    await repo.notifyLiveChange(trx, liveIds);
  });
  if (liveIds.length) await refreshEntries(ctx, liveIds);
  return { ...counts, errors: problems.sort((a, b) => a.line - b.line) };
}

export async function exportEntries(ctx: AppContext, actor: UserActor, query: { format: 'jsonl' | 'yaml' | 'xlsx'; state?: KbState; departmentCode?: string }) {
  authorize(actor, 'manage');
  const rows = await repo.listForExport(ctx.db, departmentScope(actor), query);
  const records: TransferRecord[] = rows.map((r) => ({
    id: r.code,
    question: r.question,
    answer: r.answer,
    alternates: r.alternates,
    keywords: r.keywords,
    department: r.department_code,
    topic: r.topic,
    reviewDueOn: r.review_due_on,
    state: r.state,
  }));
  await ctx.db.transaction().execute((trx) =>
    recordAudit(trx, actor, { action: 'knowledge.exported', entity: 'knowledge_base', data: { format: query.format, count: records.length } }),
  );
  const stamp = new Date().toISOString().slice(0, 10);
  switch (query.format) {
    case 'jsonl':
      return { filename: `knowledge-${stamp}.jsonl`, contentType: 'application/x-ndjson; charset=utf-8', body: toJsonLines(records) };
    case 'yaml':
      return { filename: `knowledge-${stamp}.yaml`, contentType: 'application/yaml; charset=utf-8', body: toYaml(records) };
    case 'xlsx':
      return { filename: `knowledge-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await toXlsx(records) };
  }
}

// ── matching: search, suggestions, dispatch hints, the bot ──────────────────────────────────────────────────

export type KnowledgeMatch = {
  outcome: 'answer' | 'suggest' | 'handoff';
  confidence: number;
  /** The entry to answer with (outcome 'answer'). */
  best: LiveEntry | null;
  /** Ranked candidates with their calibrated confidence. */
  candidates: { entry: LiveEntry; score: number }[];
  /** Entries to offer as numbered choices (outcome 'suggest'). */
  suggestions: LiveEntry[];
  truncated: boolean;
};

/** Matches a question against the published entries of this process's live index. */
export async function matchKnowledge(ctx: AppContext, text: string, limit = 5): Promise<KnowledgeMatch> {
  const index = await liveIndex(ctx);
  const result = index.matcher.match(text, { limit });
  const entry = (id: string | null) => (id ? index.entries.get(id) : undefined);
  return {
    outcome: result.outcome,
    confidence: result.confidence,
    best: entry(result.match) ?? null,
    candidates: result.candidates.flatMap((c) => {
      const e = entry(c.id);
      return e ? [{ entry: e, score: c.score }] : [];
    }),
    suggestions: result.suggestions.flatMap((id) => entry(id) ?? []),
    truncated: result.truncated,
  };
}

/** Splits text into highlighted and plain runs where the query's words (and two-character runs) occur. */
export function highlight(text: string, terms: readonly string[]): { text: string; hit: boolean }[] {
  const lower = text.toLowerCase();
  const mask = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    if (!term) continue;
    for (let at = lower.indexOf(term); at !== -1; at = lower.indexOf(term, at + 1)) {
      for (let i = at; i < at + term.length; i++) mask[i] = true;
    }
  }
  const segments: { text: string; hit: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = segments.at(-1);
    if (last && last.hit === mask[i]) last.text += text[i];
    else segments.push({ text: text[i]!, hit: mask[i]! });
  }
  return segments;
}

function queryTerms(q: string): string[] {
  const analysed = analyseText(q);
  const normalised = normaliseText(q);
  const terms = new Set<string>();
  for (const w of analysed.words) if ([...w].length >= 2 || normalised.length <= 2) terms.add(w);
  // Character bigrams of the query as typed (after normalising) catch words the segmenter split differently.
  const han = [...normalised.replace(/\s+/g, '')];
  for (let i = 0; i + 1 < han.length; i++) terms.add(han[i]! + han[i + 1]!);
  for (const latin of analysed.latin) terms.add(latin);
  return [...terms].sort((a, b) => b.length - a.length);
}

/** Agents' search over the published entries, best first, with the matched words marked. */
export async function searchKnowledge(ctx: AppContext, actor: UserActor, q: string, limit: number) {
  authorize(actor, 'search');
  if (!q.trim()) return { outcome: 'handoff' as const, items: [] };
  const match = await matchKnowledge(ctx, q, limit);
  const terms = queryTerms(q);
  return {
    outcome: match.outcome,
    items: match.candidates.map(({ entry, score }) => ({
      id: entry.id,
      code: entry.code,
      question: highlight(entry.question, terms),
      answer: highlight(entry.answer, terms),
      departmentCode: entry.departmentCode,
      confidence: round(score),
    })),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
/** Below this, a best candidate says nothing about which department a ticket is for. */
const DEPARTMENT_HINT_FLOOR = 0.05;
/** Below this, a candidate is noise rather than a suggestion worth an agent's glance. */
const SUGGEST_FLOOR = 0.05;

/**
 * The entries worth a glance for a text, best first: candidates scoring `floor` or more, then those the matcher
 * offers a citizen (a described situation scores low as "the same question", yet the offer model puts its entry
 * first; matcher.ts offerFrom).
 */
function worthShowing(match: KnowledgeMatch, floor: number): KnowledgeMatch['candidates'] {
  const shown = match.candidates.filter((c) => c.score >= floor);
  for (const entry of match.suggestions) {
    if (shown.some((c) => c.entry.id === entry.id)) continue;
    shown.push({ entry, score: match.candidates.find((c) => c.entry.id === entry.id)?.score ?? 0 });
  }
  return shown;
}

/** Up to three answers for what an agent is typing into a ticket description. */
export async function suggestAnswers(ctx: AppContext, actor: UserActor, text: string) {
  authorize(actor, 'search');
  if (!text.trim()) return { items: [] };
  const match = await matchKnowledge(ctx, text, 5);
  return {
    items: worthShowing(match, SUGGEST_FLOOR)
      .slice(0, 3)
      .map(({ entry, score }) => ({ id: entry.id, code: entry.code, question: entry.question, answer: entry.answer, departmentCode: entry.departmentCode, confidence: round(score) })),
  };
}

/**
 * The department owning the best-matching entry, as a dispatch suggestion for a ticket's text; null when
 * nothing matches well enough to suggest anything.
 */
export async function suggestDepartment(
  ctx: AppContext,
  text: string,
): Promise<{ departmentCode: string; departmentId: string | null; departmentName: string | null; entryId: string; question: string; confidence: number } | null> {
  if (!text.trim()) return null;
  const match = await matchKnowledge(ctx, text, 5);
  // Ticket texts are long and chatty, so even a right match scores low as "the same question"; as a hint
  // for the dispatcher's choice a weak but clear lead (or the entry the bot would offer) is still useful.
  const top = worthShowing(match, DEPARTMENT_HINT_FLOOR).find((c) => c.entry.departmentCode);
  if (!top) return null;
  const department = await repo.findDepartmentByCode(ctx.db, top.entry.departmentCode!);
  return {
    departmentCode: top.entry.departmentCode!,
    departmentId: department?.id ?? null,
    departmentName: department?.name ?? null,
    entryId: top.entry.id,
    question: top.entry.question,
    confidence: round(top.score),
  };
}

// ── gaps: what the bot could not answer ─────────────────────────────────────────────────────────────────────

/** Below this the best candidate says nothing about the question, so it does not cluster it. */
const CLUSTER_FLOOR = 0.15;

/** Records a question the bot could not answer well, in the caller's transaction. */
export async function recordKnowledgeGap(
  db: Executor,
  gap: { channel: ChatChannel | 'agent'; reason: GapReason; text: string; bestEntryId: string | null; confidence: number; sessionId: string | null },
): Promise<void> {
  const normalised = normaliseText(gap.text).slice(0, 300);
  if (!normalised) return;
  // A picked offer settles the gap its offer left (one question, one row), naming the entry it turned out to be.
  if (gap.reason === 'offer_taken' && gap.sessionId && gap.bestEntryId) {
    if (await repo.markOfferTaken(db, { sessionId: gap.sessionId, normalised, entryId: gap.bestEntryId })) return;
  }
  await repo.insertGap(db, {
    ...gap,
    text: gap.text.slice(0, 500),
    normalised,
    bestEntryId: gap.reason === 'unhelpful' || gap.reason === 'offer_taken' || gap.confidence >= CLUSTER_FLOOR ? gap.bestEntryId : null,
  });
}

export async function listGaps(ctx: AppContext, actor: UserActor, query: { days: number; limit: number }) {
  authorize(actor, 'curate');
  const rows = await repo.groupGaps(ctx.db, query.days, query.limit);
  return {
    items: rows.map((r) => ({
      key: r.key,
      count: r.count,
      lastAt: new Date(r.last_at).toISOString(),
      channels: r.channels,
      reasons: r.reasons,
      examples: r.examples,
      bestEntry: r.best_entry_id && r.best_code ? { id: r.best_entry_id, code: r.best_code, question: r.best_question ?? '' } : null,
    })),
  };
}

/**
 * The questions citizens picked this entry for (offer_taken) become its phrasings: a new version with them added
 * to the alternates, back to draft for review like any edit (the published version stays live until then), and
 * those questions are dealt with — in one transaction with its audit row. `added` is 0 when there was none to add.
 */
export async function adoptGapPhrasings(ctx: AppContext, actor: UserActor, entryId: string) {
  authorize(actor, 'curate');
  const added = await ctx.db.transaction().execute(async (trx) => {
    const entry = await repo.lockEntry(trx, entryId, departmentScope(actor));
    if (!entry) throw entryNotFound();
    requireState(entry.state, 'edit', actor);
    const [current] = await repo.listVersions(trx, entryId);
    if (!current) throw entryNotFound();
    const known = new Set([current.question, ...current.alternates].map((t) => normaliseText(t)));
    const phrasings: string[] = [];
    for (const text of await repo.openOfferTakenTexts(trx, entryId)) {
      const phrasing = text.trim().slice(0, ALTERNATES_LIMIT.chars);
      const key = normaliseText(phrasing);
      if (!key || known.has(key) || current.alternates.length + phrasings.length >= ALTERNATES_LIMIT.items) continue;
      known.add(key);
      phrasings.push(phrasing);
    }
    if (phrasings.length === 0) return 0;
    const content = { question: current.question, answer: current.answer, alternates: [...current.alternates, ...phrasings], keywords: current.keywords, topic: current.topic };
    const version = await saveDraftVersion(trx, actor, entry, content, `市民问法 ${phrasings.length} 条（来自未答好的问题）`);
    const resolved = await repo.resolveOfferTaken(trx, entryId, actor.id);
    await recordAudit(trx, actor, { action: 'knowledge.phrasings_adopted', entity: 'knowledge_entry', entityId: entryId, data: { code: entry.code, version, from: entry.state, added: phrasings.length, resolved } });
    return phrasings.length;
  });
  return { added, entry: await getEntry(ctx, actor, entryId) };
}

export async function resolveGap(ctx: AppContext, actor: UserActor, key: string) {
  authorize(actor, 'curate');
  const resolved = await ctx.db.transaction().execute(async (trx) => {
    const n = await repo.resolveGapGroup(trx, key, actor.id);
    await recordAudit(trx, actor, { action: 'knowledge.gap_resolved', entity: 'knowledge_gap', data: { key: key.slice(0, 200), count: n } });
    return n;
  });
  return { resolved };
}

/** Liveness of this process's index, for tests and the console. */
export async function indexStatus(ctx: AppContext) {
  const index = await liveIndex(ctx);
  return { entries: index.matcher.size(), updates: index.updates, lastUpdateAt: new Date(index.lastUpdateAt).toISOString() };
}

