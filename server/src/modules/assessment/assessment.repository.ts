/**
 * SQL of the assessment tables. Every read of scores takes the reader's scope: a department scope becomes
 * `department_id = <own>` in the WHERE, so department staff cannot read another department's rows.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { AssessmentScope } from './assessment.policy.ts';

function inScope(column: string, scope: AssessmentScope) {
  return scope.kind === 'all' ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ${scope.departmentId}::uuid`;
}

// ── Schemes ──────────────────────────────────────────────────────────────────────────────────────────────────

export type SchemeRow = { version: number; effective_from: string; definition: unknown; note: string | null; created_at: Date };

const schemeColumns = sql`version, to_char(effective_from, 'YYYY-MM-DD') as effective_from, definition, note, created_at`;

export async function listSchemes(db: Executor): Promise<SchemeRow[]> {
  return (await sql<SchemeRow>`select ${schemeColumns} from assessment_schemes order by version desc`.execute(db)).rows;
}

/** The latest version effective on or before `startDate`. */
export async function schemeEffectiveOn(db: Executor, startDate: string): Promise<SchemeRow | undefined> {
  const rows = await sql<SchemeRow>`select ${schemeColumns} from assessment_schemes where effective_from <= ${startDate}::date
    order by effective_from desc limit 1`.execute(db);
  return rows.rows[0];
}

/** Inserts the next version; the table lock makes concurrent saves number one after the other. */
export async function insertScheme(db: Executor, v: { effectiveFrom: string; definition: unknown; note: string | null; createdBy: string }): Promise<number> {
  await sql`lock table assessment_schemes in exclusive mode`.execute(db);
  const row = await sql<{ version: number }>`
    insert into assessment_schemes (version, effective_from, definition, note, created_by)
    select coalesce(max(version), 0) + 1, ${v.effectiveFrom}::date, ${JSON.stringify(v.definition)}::jsonb, ${v.note}, ${v.createdBy}::uuid
      from assessment_schemes
    on conflict (effective_from) do nothing
    returning version`.execute(db);
  return row.rows[0]?.version ?? 0;
}

/** The latest published period ending after `date` (a new scheme may not reach back into it). */
export async function publishedEndingAfter(db: Executor, periods: string[]): Promise<string | undefined> {
  if (periods.length === 0) return undefined;
  const rows = await sql<{ period: string }>`select period from assessment_publications where period in (${sql.join(periods)}) limit 1`.execute(db);
  return rows.rows[0]?.period;
}

export async function listPublishedPeriods(db: Executor): Promise<string[]> {
  return (await sql<{ period: string }>`select period from assessment_publications order by period`.execute(db)).rows.map((r) => r.period);
}

// ── Departments ──────────────────────────────────────────────────────────────────────────────────────────────

export type DepartmentRow = { id: string; name: string; code: string };

/** Departments that are assessed: every active department outside the hotline itself. */
export async function assessedDepartments(db: Executor, scope: AssessmentScope): Promise<DepartmentRow[]> {
  const rows = await sql<DepartmentRow>`select id, name, code from departments d
     where d.active and d.kind <> 'hotline' and ${inScope('d.id', scope)} order by d.name`.execute(db);
  return rows.rows;
}

export async function findDepartment(db: Executor, id: string): Promise<(DepartmentRow & { kind: string; active: boolean; supervision_office: boolean }) | undefined> {
  return db.selectFrom('departments').select(['id', 'name', 'code', 'kind', 'active', 'supervision_office']).where('id', '=', id).executeTakeFirst();
}

export async function findSupervisionOffice(db: Executor): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').select(['id', 'name', 'code']).where('supervision_office', '=', true).executeTakeFirst();
}

export async function setSupervisionOffice(db: Executor, departmentId: string): Promise<void> {
  await db.updateTable('departments').set({ supervision_office: false }).where('supervision_office', '=', true).where('id', '<>', departmentId).execute();
  await db.updateTable('departments').set({ supervision_office: true }).where('id', '=', departmentId).execute();
}

// ── Supervisor scores, bonuses ───────────────────────────────────────────────────────────────────────────────

export type ItemScoreRow = { department_id: string; item_key: string; points: string; note: string; evidence: string[]; scored_by_name: string; scored_at: Date };

export async function itemScores(db: Executor, scope: AssessmentScope, period: string): Promise<ItemScoreRow[]> {
  const rows = await sql<ItemScoreRow>`
    select s.department_id, s.item_key, s.points, s.note, s.evidence, u.display_name as scored_by_name, s.scored_at
      from assessment_item_scores s join users u on u.id = s.scored_by
     where s.period = ${period} and ${inScope('s.department_id', scope)}`.execute(db);
  return rows.rows;
}

export async function upsertItemScore(db: Executor, v: { period: string; departmentId: string; itemKey: string; points: number; note: string; evidence: string[]; scoredBy: string }) {
  await sql`
    insert into assessment_item_scores (period, department_id, item_key, points, note, evidence, scored_by, scored_at)
    values (${v.period}, ${v.departmentId}::uuid, ${v.itemKey}, ${v.points}, ${v.note}, ${v.evidence}::text[], ${v.scoredBy}::uuid, now())
    on conflict (period, department_id, item_key) do update
      set points = excluded.points, note = excluded.note, evidence = excluded.evidence, scored_by = excluded.scored_by, scored_at = now()`.execute(db);
}

export type BonusRow = { id: string; department_id: string; kind: 'commendation' | 'thanks'; points: string; awarded_on: string; note: string; evidence: string[] };

/** Bonuses dated in [startDate, endDate). */
export async function bonuses(db: Executor, scope: AssessmentScope, startDate: string, endDate: string): Promise<BonusRow[]> {
  const rows = await sql<BonusRow>`
    select b.id, b.department_id, b.kind, b.points, to_char(b.awarded_on, 'YYYY-MM-DD') as awarded_on, b.note, b.evidence
      from assessment_bonuses b
     where b.awarded_on >= ${startDate}::date and b.awarded_on < ${endDate}::date and ${inScope('b.department_id', scope)}
     order by b.awarded_on, b.recorded_at`.execute(db);
  return rows.rows;
}

export async function insertBonus(db: Executor, v: { departmentId: string; kind: 'commendation' | 'thanks'; points: number; awardedOn: string; note: string; evidence: string[]; recordedBy: string }) {
  const row = await db
    .insertInto('assessment_bonuses')
    .values({ department_id: v.departmentId, kind: v.kind, points: v.points, awarded_on: v.awardedOn, note: v.note, evidence: v.evidence, recorded_by: v.recordedBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ── 效能投诉 ─────────────────────────────────────────────────────────────────────────────────────────────────

export type ConductRow = { ticket_id: string; department_id: string; number: string; decided_at: Date; finding_note: string | null };

/** Substantiated complaints decided in [from, to). */
export async function substantiatedComplaints(db: Executor, scope: AssessmentScope, from: Date, to: Date): Promise<ConductRow[]> {
  const rows = await sql<ConductRow>`
    select c.ticket_id, c.department_id, t.number, c.decided_at, c.finding_note
      from conduct_complaints c join tickets t on t.id = c.ticket_id
     where c.finding = 'substantiated' and c.decided_at >= ${from} and c.decided_at < ${to} and ${inScope('c.department_id', scope)}
     order by c.decided_at`.execute(db);
  return rows.rows;
}

export async function findConductComplaint(db: Executor, ticketId: string) {
  return db.selectFrom('conduct_complaints').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
}

// ── Publications ─────────────────────────────────────────────────────────────────────────────────────────────

export async function findPublication(db: Executor, period: string) {
  return db.selectFrom('assessment_publications').selectAll().where('period', '=', period).executeTakeFirst();
}

/** Claims the period for publishing; false when it was published already (the primary key decides races). */
export async function insertPublication(db: Executor, v: { period: string; schemeVersion: number; publishedAt: Date; publishedBy: string }): Promise<boolean> {
  const rows = await sql`insert into assessment_publications (period, scheme_version, published_at, published_by)
    values (${v.period}, ${v.schemeVersion}, ${v.publishedAt}, ${v.publishedBy}) on conflict do nothing returning period`.execute(db);
  return rows.rows.length === 1;
}

export async function insertResults(db: Executor, period: string, rows: { departmentId: string; assessed: boolean; rank: number | null; total: number | null; breakdown: unknown }[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('assessment_results')
    .values(rows.map((r) => ({ period, department_id: r.departmentId, assessed: r.assessed, rank: r.rank, total: r.total, breakdown: JSON.stringify(r.breakdown) })))
    .execute();
}

export async function frozenResults(db: Executor, scope: AssessmentScope, period: string): Promise<{ department_id: string; breakdown: unknown }[]> {
  const rows = await sql<{ department_id: string; breakdown: unknown }>`
    select r.department_id, r.breakdown from assessment_results r
     where r.period = ${period} and ${inScope('r.department_id', scope)}
     order by r.rank nulls last, r.breakdown->>'departmentName'`.execute(db);
  return rows.rows;
}

export type HistoryRow = { period: string; published_at: Date; scheme_version: number; department_id: string; department_name: string; assessed: boolean; rank: number | null; total: string | null };

/** Published results of one kind of period (month / quarter / year keys), newest first. */
export async function history(db: Executor, scope: AssessmentScope, pattern: string, departmentId: string | undefined, limit: number): Promise<HistoryRow[]> {
  const rows = await sql<HistoryRow>`
    select r.period, p.published_at, p.scheme_version, r.department_id, d.name as department_name, r.assessed, r.rank, r.total
      from assessment_results r join assessment_publications p on p.period = r.period join departments d on d.id = r.department_id
     where r.period ~ ${pattern} and ${inScope('r.department_id', scope)}
       and (${departmentId ?? null}::uuid is null or r.department_id = ${departmentId ?? null}::uuid)
       and r.period in (select period from assessment_publications where period ~ ${pattern} order by period desc limit ${limit})
     order by r.period desc, r.rank nulls last, d.name`.execute(db);
  return rows.rows;
}
