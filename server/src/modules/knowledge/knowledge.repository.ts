/**
 * SQL of the knowledge base: entries, their versions, the live (published) set the matcher indexes, and the
 * questions the bot could not answer. Every read and write of entries takes the caller's department scope,
 * so a department's clerk cannot reach another department's entries even by guessing an id.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ChatChannel, GapReason, KbState } from '../../schema.ts';

/** The channel NOTIFY carries entry ids on when the live set changes (publish, retire). */
export const LIVE_CHANNEL = 'kb_live_entries';

/** Department scope null = every department; otherwise the department (by id) whose code owns the entry. */
function inScope(scope: string | null) {
  return sql<boolean>`(${scope}::uuid is null or e.department_code = (select code from departments where id = ${scope}::uuid))`;
}

const entryColumns = [
  'e.id',
  'e.code',
  'e.state',
  'e.department_code',
  'e.current_version',
  'e.live_version',
  'e.is_sample',
  'e.review_note',
  'e.updated_at',
  'e.published_at',
  'v.question',
  'v.answer',
  'v.alternates',
  'v.keywords',
  'v.topic',
  'd.name as department_name',
] as const;

function entriesQuery(db: Executor) {
  return db
    .selectFrom('kb_entries as e')
    .innerJoin('kb_entry_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
    .leftJoin('departments as d', 'd.code', 'e.department_code')
    .select(entryColumns)
    .select([
      sql<string | null>`to_char(e.review_due_on, 'YYYY-MM-DD')`.as('review_due_on'),
      sql<boolean>`coalesce(e.review_due_on < current_date and e.state <> 'archived', false)`.as('stale'),
    ]);
}

export type EntryRow = Awaited<ReturnType<typeof findEntry>> & {};

export async function findEntry(db: Executor, id: string, scope: string | null) {
  return entriesQuery(db).where('e.id', '=', id).where(inScope(scope)).executeTakeFirst();
}

export async function findEntryIdByCode(db: Executor, code: string) {
  return db.selectFrom('kb_entries').select(['id', 'department_code']).where('code', '=', code).executeTakeFirst();
}

export async function listEntries(
  db: Executor,
  scope: string | null,
  filters: { state?: KbState; departmentCode?: string; stale?: boolean; q?: string; limit: number; offset: number },
) {
  let query = entriesQuery(db).where(inScope(scope));
  if (filters.state) query = query.where('e.state', '=', filters.state);
  if (filters.departmentCode) query = query.where('e.department_code', '=', filters.departmentCode);
  if (filters.stale !== undefined) {
    query = query.where(sql<boolean>`coalesce(e.review_due_on < current_date and e.state <> 'archived', false) = ${filters.stale}`);
  }
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('v.question', 'ilike', like), eb('v.answer', 'ilike', like), eb('e.code', 'ilike', like), sql<boolean>`array_to_string(v.alternates, ' ') ilike ${like}`]));
  }
  const rows = await query.orderBy('e.department_code').orderBy('e.code').limit(filters.limit).offset(filters.offset).execute();
  return rows;
}

/** Counts per state (and stale) within the scope, for the console's tabs. */
export async function countEntries(db: Executor, scope: string | null) {
  const rows = await db
    .selectFrom('kb_entries as e')
    .select([
      'e.state',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`count(*) filter (where e.review_due_on < current_date and e.state <> 'archived')::int`.as('stale'),
    ])
    .where(inScope(scope))
    .groupBy('e.state')
    .execute();
  return rows;
}

export async function listVersions(db: Executor, entryId: string) {
  return db
    .selectFrom('kb_entry_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select(['v.version', 'v.question', 'v.answer', 'v.alternates', 'v.keywords', 'v.topic', 'v.note', 'v.created_at', 'u.display_name as created_by_name'])
    .where('v.entry_id', '=', entryId)
    .orderBy('v.version', 'desc')
    .execute();
}

export type VersionValues = { question: string; answer: string; alternates: string[]; keywords: string[]; topic: string | null; note: string | null; createdBy: string | null };

export async function insertEntries(
  db: Executor,
  rows: { code: string; departmentCode: string | null; state: KbState; reviewDueOn: string | null; isSample: boolean; createdBy: string | null; published: boolean }[],
) {
  if (rows.length === 0) return [];
  return db
    .insertInto('kb_entries')
    .values(
      rows.map((r) => ({
        code: r.code,
        department_code: r.departmentCode,
        state: r.state,
        current_version: 1,
        live_version: r.published ? 1 : null,
        review_due_on: r.reviewDueOn,
        is_sample: r.isSample,
        review_note: null,
        created_by: r.createdBy,
        updated_by: r.createdBy,
        published_at: r.published ? sql<Date>`now()` : null,
        archived_at: null,
      })),
    )
    .returning(['id', 'code'])
    .execute();
}

export async function insertVersions(db: Executor, rows: (VersionValues & { entryId: string; version: number })[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('kb_entry_versions')
    .values(
      rows.map((r) => ({
        entry_id: r.entryId,
        version: r.version,
        question: r.question,
        answer: r.answer,
        alternates: r.alternates,
        keywords: r.keywords,
        topic: r.topic,
        note: r.note,
        created_by: r.createdBy,
      })),
    )
    .execute();
}

/** Locks an entry row within the scope for a change; undefined when it does not exist for this caller. */
export async function lockEntry(db: Executor, id: string, scope: string | null) {
  return db
    .selectFrom('kb_entries as e')
    .select(['e.id', 'e.code', 'e.state', 'e.current_version', 'e.live_version', 'e.department_code'])
    .where('e.id', '=', id)
    .where(inScope(scope))
    .forUpdate()
    .executeTakeFirst();
}

export async function updateEntry(
  db: Executor,
  id: string,
  changes: Partial<{
    state: KbState;
    current_version: number;
    live_version: number | null;
    department_code: string | null;
    review_due_on: string | null;
    review_note: string | null;
    updated_by: string | null;
    published_at: Date;
    archived_at: Date | null;
  }>,
) {
  await db
    .updateTable('kb_entries')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Tells every server process (including this one) that these entries' live versions changed. Delivered on commit. */
export async function notifyLiveChange(db: Executor, ids: string[]) {
  // A NOTIFY payload is limited to 8000 bytes: send ids in chunks of 100 (37 bytes each).
  for (let i = 0; i < ids.length; i += 100) {
    await sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(ids.slice(i, i + 100))})`.execute(db);
  }
}

/** Live (published) entries with the content of their live version: what the matcher indexes. */
export async function listLiveEntries(db: Executor, ids?: string[]) {
  let query = db
    .selectFrom('kb_entries as e')
    .innerJoin('kb_entry_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.live_version'))
    .select(['e.id', 'e.code', 'e.department_code', 'v.question', 'v.answer', 'v.alternates', 'v.keywords', 'v.topic'])
    .where('e.live_version', 'is not', null);
  if (ids) {
    if (ids.length === 0) return [];
    query = query.where('e.id', 'in', ids);
  }
  return query.execute();
}

/** Everything in scope with its newest version, for export. */
export async function listForExport(db: Executor, scope: string | null, filters: { state?: KbState; departmentCode?: string }) {
  let query = entriesQuery(db).where(inScope(scope));
  if (filters.state) query = query.where('e.state', '=', filters.state);
  if (filters.departmentCode) query = query.where('e.department_code', '=', filters.departmentCode);
  return query.orderBy('e.code').execute();
}

export async function departmentCodeOf(db: Executor, departmentId: string | null): Promise<string | null> {
  if (!departmentId) return null;
  const row = await db.selectFrom('departments').select('code').where('id', '=', departmentId).executeTakeFirst();
  return row?.code ?? null;
}

export async function findDepartmentByCode(db: Executor, code: string) {
  return db.selectFrom('departments').select(['id', 'code', 'name']).where('code', '=', code).where('active', '=', true).executeTakeFirst();
}

// ── gaps ────────────────────────────────────────────────────────────────────────────────────────────────────

export async function insertGap(
  db: Executor,
  gap: { channel: ChatChannel | 'agent'; reason: GapReason; text: string; normalised: string; bestEntryId: string | null; confidence: number; sessionId: string | null },
) {
  await db
    .insertInto('kb_gaps')
    .values({
      channel: gap.channel,
      reason: gap.reason,
      text: gap.text,
      normalised: gap.normalised,
      best_entry_id: gap.bestEntryId,
      confidence: gap.confidence,
      session_id: gap.sessionId,
    })
    .execute();
}

/**
 * Open gaps grouped: questions whose best candidate is the same entry form one cluster (the entry needs
 * another phrasing, or a sibling entry); the rest group by their normalised text.
 */
export async function groupGaps(db: Executor, days: number, limit: number) {
  const rows = await sql<{
    key: string;
    count: number;
    last_at: Date;
    channels: string[];
    reasons: string[];
    examples: string[];
    best_entry_id: string | null;
    best_code: string | null;
    best_question: string | null;
  }>`
    with open as (
      select g.*, coalesce('e:' || g.best_entry_id::text, 'n:' || g.normalised) as key
      from kb_gaps g
      where g.resolved_at is null and g.at > now() - make_interval(days => ${days})
    ), grouped as (
      select key, count(*)::int as count, max(at) as last_at,
             array_agg(distinct channel) as channels, array_agg(distinct reason) as reasons,
             (array_agg(distinct text))[1:5] as examples, (array_agg(best_entry_id))[1] as best_entry_id
      from open group by key
    )
    select g.*, e.code as best_code, v.question as best_question
    from grouped g
    left join kb_entries e on e.id = g.best_entry_id
    left join kb_entry_versions v on v.entry_id = e.id and v.version = e.current_version
    order by g.count desc, g.last_at desc
    limit ${limit}
  `.execute(db);
  return rows.rows;
}

/**
 * The citizen picked an offered entry: the conversation's open gap for that question (recorded when the entries
 * were offered) now names the entry picked. False when there was none to update.
 */
export async function markOfferTaken(db: Executor, gap: { sessionId: string; normalised: string; entryId: string }): Promise<boolean> {
  const result = await sql`
    update kb_gaps set reason = 'offer_taken', best_entry_id = ${gap.entryId}::uuid
    where id = (
      select id from kb_gaps
      where session_id = ${gap.sessionId}::uuid and normalised = ${gap.normalised} and reason = 'low_confidence' and resolved_at is null
      order by at desc limit 1
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Open questions citizens asked that turned out to be this entry (they picked it from the offered ones). */
export async function openOfferTakenTexts(db: Executor, entryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('kb_gaps')
    .select('text')
    .distinct()
    .where('best_entry_id', '=', entryId)
    .where('reason', '=', 'offer_taken')
    .where('resolved_at', 'is', null)
    .execute();
  return rows.map((r) => r.text);
}

/** Marks this entry's open offer_taken questions dealt with (their phrasings were added to it). */
export async function resolveOfferTaken(db: Executor, entryId: string, userId: string): Promise<number> {
  const result = await db
    .updateTable('kb_gaps')
    .set({ resolved_at: new Date(), resolved_by: userId })
    .where('best_entry_id', '=', entryId)
    .where('reason', '=', 'offer_taken')
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function resolveGapGroup(db: Executor, key: string, userId: string): Promise<number> {
  const result = await sql`
    update kb_gaps set resolved_at = now(), resolved_by = ${userId}::uuid
    where resolved_at is null and coalesce('e:' || best_entry_id::text, 'n:' || normalised) = ${key}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
