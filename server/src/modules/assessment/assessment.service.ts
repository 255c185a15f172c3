/**
 * Department assessment (考核): each department's score for a period, line by line, and the ranking.
 *
 * Measure items call the reports module's single definitions (`computeMeasure` per department), so a point in
 * the assessment and a figure in the reports always come from the same rows, and each line links to the
 * reports drill-down listing the tickets behind it. An unpublished period is computed live ("provisional",
 * judged as of now); publishing freezes every department's breakdown in `assessment_results`.
 *
 * Rules stated once here:
 *  - a rate item whose denominator is 0 earns its full weight (`noData`): no work of that kind, nothing missed;
 *  - a department with no denominator on ANY measure item (no work at all in the period) is "not assessed"
 *    (未参评): it gets no total and no rank, and is listed after the ranked departments;
 *  - ties: equal totals (to 2 decimals) share a rank, and the next rank skips (1, 2, 2, 4); tied departments
 *    are listed by name.
 */
import type { AppContext } from '../../context.ts';
import type { Actor, UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { computeMeasure, findMeasure } from '../reports/index.ts';
import { measurePeriodOf, parsePeriod, type AssessmentPeriod, type PeriodKind } from './assessment.periods.ts';
import { assessmentScope, mayAssess, type AssessmentScope } from './assessment.policy.ts';
import * as repo from './assessment.repository.ts';
import {
  baseOf,
  conductDeduction,
  defaultScheme,
  describeRule,
  roundPoints,
  SchemeDefinitionSchema,
  scoreRule,
  totalOf,
  type Rule,
  type Scheme,
  type SchemeDefinition,
} from './assessment.scheme.ts';

type Text = { 'zh-CN': string; en: string };

export type MeasureLine = {
  kind: 'measure';
  key: string;
  label: Text;
  weight: number;
  measure: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  rule: Rule;
  ruleText: Text;
  points: number;
  /** Denominator 0: full weight, nothing of this kind to judge. */
  noData: boolean;
  /** The reports API listing the items behind the numerator and denominator. */
  drillDown: string;
};
export type SupervisorLine = {
  kind: 'supervisor';
  key: string;
  label: Text;
  weight: number;
  points: number;
  scored: boolean;
  note: string | null;
  evidence: string[];
  scoredBy: string | null;
  scoredAt: string | null;
};
export type ConductLine = {
  kind: 'conductComplaints';
  key: string;
  label: Text;
  pointsEach: number;
  maxDeduction: number;
  count: number;
  points: number;
  complaints: { ticketId: string; number: string; decidedAt: string; note: string | null }[];
};
export type ScoreLine = MeasureLine | SupervisorLine | ConductLine;

export type DepartmentScore = {
  period: string;
  departmentId: string;
  departmentName: string;
  schemeVersion: number;
  /** True until the period is published: figures are live and may still move. */
  provisional: boolean;
  assessed: boolean;
  /** Measure and supervisor items (the base, at most the sum of their weights). */
  base: number;
  bonus: { cap: number; raw: number; points: number; awards: { id: string; kind: 'commendation' | 'thanks'; points: number; awardedOn: string; note: string; evidence: string[] }[] };
  total: number | null;
  rank: number | null;
  lines: ScoreLine[];
};

export function parsePeriodOrThrow(key: string): AssessmentPeriod {
  const p = parsePeriod(key);
  if (!p) throw new AppError('VALIDATION', { messageKey: 'assessment.error.period', params: { period: key }, field: 'period' });
  return p;
}

function scopeOrThrow(actor: UserActor): AssessmentScope {
  const scope = assessmentScope(actor);
  if (!scope) throw new AppError('FORBIDDEN');
  return scope;
}

// ── Schemes ──────────────────────────────────────────────────────────────────────────────────────────────────

function schemeOf(row: repo.SchemeRow): Scheme {
  return { version: row.version, effectiveFrom: row.effective_from, note: row.note, definition: SchemeDefinitionSchema.parse(row.definition) };
}

/** The scheme in force for a period: the latest version effective on or before its first day, else the default. */
export async function schemeFor(db: Executor, period: AssessmentPeriod): Promise<Scheme> {
  const row = await repo.schemeEffectiveOn(db, period.startDate);
  return row ? schemeOf(row) : defaultScheme;
}

export async function listSchemes(ctx: AppContext, actor: UserActor): Promise<Scheme[]> {
  scopeOrThrow(actor);
  return [...(await repo.listSchemes(ctx.db)).map(schemeOf), defaultScheme];
}

/**
 * Saves a new scheme version effective from the first day of a month. It may not reach back into a period
 * already published (those scores are frozen under the scheme they were computed with).
 */
export async function saveScheme(ctx: AppContext, actor: UserActor, input: { effectiveFrom: string; definition: SchemeDefinition; note?: string | undefined }): Promise<number> {
  if (!mayAssess(actor, 'manage')) throw new AppError('FORBIDDEN');
  if (!/^\d{4}-\d{2}-01$/.test(input.effectiveFrom)) throw new AppError('VALIDATION', { messageKey: 'assessment.error.effective_from', field: 'effectiveFrom' });
  return ctx.db.transaction().execute(async (trx) => {
    const published = await repo.listPublishedPeriods(trx);
    const reached = published.find((key) => parsePeriod(key)!.endDate > input.effectiveFrom);
    if (reached) throw new AppError('CONFLICT', { messageKey: 'assessment.error.scheme_reaches_published', params: { period: reached } });
    const version = await repo.insertScheme(trx, { effectiveFrom: input.effectiveFrom, definition: input.definition, note: input.note ?? null, createdBy: actor.id });
    if (version === 0) throw new AppError('CONFLICT', { messageKey: 'assessment.error.scheme_same_day', params: { date: input.effectiveFrom } });
    await recordAudit(trx, actor, { action: 'assessment.scheme_saved', entity: 'assessment_scheme', entityId: String(version), data: { effectiveFrom: input.effectiveFrom, base: baseOf(input.definition), bonusCap: input.definition.bonusCap } });
    return version;
  });
}

// ── Scores ───────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Live scores of every department in `scope` for `period` under `scheme`, ranked. Reads only rows of the
 * scope (department staff: their own department's facts, scores and bonuses).
 */
export async function computeScores(ctx: AppContext, scope: AssessmentScope, period: AssessmentPeriod, scheme: Scheme, now = new Date()): Promise<DepartmentScore[]> {
  const mp = measurePeriodOf(ctx.config.timezone, period, now);
  const departments = await repo.assessedDepartments(ctx.db, scope);
  const def = scheme.definition;

  // One grouped query per measure item: numerator and denominator per department.
  const figures = new Map<string, Map<string, { numerator: number; denominator: number }>>();
  for (const item of def.items) {
    if (item.kind !== 'measure') continue;
    const m = findMeasure(item.measure)!;
    const result = await computeMeasure(ctx, scope, m, mp, { cut: 'department' });
    figures.set(item.key, new Map((result.cuts ?? []).filter((c) => c.key !== null).map((c) => [c.key!, { numerator: c.numerator, denominator: c.denominator }])));
  }
  const scores = await repo.itemScores(ctx.db, scope, period.key);
  const awards = await repo.bonuses(ctx.db, scope, period.startDate, period.endDate);
  const complaints = await repo.substantiatedComplaints(ctx.db, scope, mp.from, mp.to);

  const out = departments.map((d): DepartmentScore => {
    let assessed = false;
    const lines: ScoreLine[] = def.items.map((item): ScoreLine => {
      switch (item.kind) {
        case 'measure': {
          const f = figures.get(item.key)?.get(d.id) ?? { numerator: 0, denominator: 0 };
          if (f.denominator > 0) assessed = true;
          return {
            kind: 'measure',
            key: item.key,
            label: item.label,
            weight: item.weight,
            measure: item.measure,
            numerator: f.numerator,
            denominator: f.denominator,
            rate: f.denominator === 0 ? null : Math.round((f.numerator / f.denominator) * 10000) / 10000,
            rule: item.rule,
            ruleText: describeRule(item.rule, item.weight),
            points: scoreRule(item.rule, item.weight, f.numerator, f.denominator),
            noData: f.denominator === 0,
            drillDown: `/api/reports/measures/${item.measure}/items?from=${period.startDate}&to=${period.endDate}&department=${d.id}`,
          };
        }
        case 'supervisor': {
          const s = scores.find((x) => x.department_id === d.id && x.item_key === item.key);
          return {
            kind: 'supervisor',
            key: item.key,
            label: item.label,
            weight: item.weight,
            // Unscored: full weight — supervisors deduct for what they found, with a note and evidence.
            points: s ? Math.min(item.weight, Number(s.points)) : item.weight,
            scored: s !== undefined,
            note: s?.note ?? null,
            evidence: s?.evidence ?? [],
            scoredBy: s?.scored_by_name ?? null,
            scoredAt: s ? new Date(s.scored_at).toISOString() : null,
          };
        }
        case 'conductComplaints': {
          const mine = complaints.filter((c) => c.department_id === d.id);
          return {
            kind: 'conductComplaints',
            key: item.key,
            label: item.label,
            pointsEach: item.pointsEach,
            maxDeduction: item.maxDeduction,
            count: mine.length,
            points: conductDeduction(item, mine.length),
            complaints: mine.map((c) => ({ ticketId: c.ticket_id, number: c.number, decidedAt: new Date(c.decided_at).toISOString(), note: c.finding_note })),
          };
        }
      }
    });
    const myAwards = awards.filter((a) => a.department_id === d.id);
    const raw = roundPoints(myAwards.reduce((sum, a) => sum + Number(a.points), 0));
    const { bonus, total } = totalOf({ itemPoints: lines.map((l) => l.points), bonusRaw: raw, bonusCap: def.bonusCap });
    return {
      period: period.key,
      departmentId: d.id,
      departmentName: d.name,
      schemeVersion: scheme.version,
      provisional: true,
      assessed,
      base: roundPoints(lines.filter((l) => l.kind !== 'conductComplaints').reduce((sum, l) => sum + l.points, 0)),
      bonus: {
        cap: def.bonusCap,
        raw,
        points: bonus,
        awards: myAwards.map((a) => ({ id: a.id, kind: a.kind, points: Number(a.points), awardedOn: a.awarded_on, note: a.note, evidence: a.evidence })),
      },
      total: assessed ? total : null,
      rank: null,
      lines,
    };
  });
  return rankScores(out);
}

/** Competition ranking over assessed departments ("1224"); the not assessed follow, unranked. */
export function rankScores(scores: DepartmentScore[]): DepartmentScore[] {
  const cents = (s: DepartmentScore) => Math.round((s.total ?? 0) * 100);
  const ranked = scores.filter((s) => s.assessed).sort((a, b) => cents(b) - cents(a) || a.departmentName.localeCompare(b.departmentName, 'zh-CN'));
  ranked.forEach((s, i) => {
    const prev = ranked[i - 1];
    s.rank = prev && cents(prev) === cents(s) ? prev.rank : i + 1;
  });
  const unranked = scores.filter((s) => !s.assessed).sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'zh-CN'));
  return [...ranked, ...unranked];
}

/** Scores of a period in `scope`: frozen when published, otherwise live. */
async function scoresOf(ctx: AppContext, scope: AssessmentScope, period: AssessmentPeriod, now: Date): Promise<{ published: boolean; publishedAt: string | null; scores: DepartmentScore[] }> {
  const publication = await repo.findPublication(ctx.db, period.key);
  if (publication) {
    const rows = await repo.frozenResults(ctx.db, scope, period.key);
    return { published: true, publishedAt: publication.published_at.toISOString(), scores: rows.map((r) => r.breakdown as DepartmentScore) };
  }
  return { published: false, publishedAt: null, scores: await computeScores(ctx, scope, period, await schemeFor(ctx.db, period), now) };
}

/** The ranking table (hotline supervisors, admins, auditors). Department staff are refused. */
export async function getRanking(ctx: AppContext, actor: UserActor, periodKey: string, now = new Date()) {
  const scope = scopeOrThrow(actor);
  if (scope.kind !== 'all') throw new AppError('FORBIDDEN', { messageKey: 'assessment.error.ranking_hotline_only' });
  const period = parsePeriodOrThrow(periodKey);
  const scheme = await schemeFor(ctx.db, period);
  const result = await scoresOf(ctx, scope, period, now);
  return {
    period: period.key,
    kind: period.kind,
    from: period.startDate,
    to: period.endDate,
    ...result,
    scheme,
    rows: result.scores.map((s) => ({ departmentId: s.departmentId, departmentName: s.departmentName, assessed: s.assessed, rank: s.rank, total: s.total, base: s.base, bonus: s.bonus.points, deduction: s.lines.reduce((sum, l) => sum + (l.kind === 'conductComplaints' ? l.points : 0), 0) })),
  };
}

/** One department's score with every line. Department staff may ask only for their own department. */
export async function getDepartmentScore(ctx: AppContext, actor: UserActor, periodKey: string, departmentId: string, now = new Date()) {
  const scope = scopeOrThrow(actor);
  if (scope.kind === 'department' && scope.departmentId !== departmentId) throw new AppError('FORBIDDEN', { messageKey: 'assessment.error.own_department_only' });
  const period = parsePeriodOrThrow(periodKey);
  const own: AssessmentScope = { kind: 'department', departmentId };
  const result = await scoresOf(ctx, own, period, now);
  const score = result.scores[0];
  if (!score) throw new AppError('NOT_FOUND', { params: { entity: 'entity.department' } });
  return { period: period.key, kind: period.kind, from: period.startDate, to: period.endDate, published: result.published, publishedAt: result.publishedAt, scheme: await schemeFor(ctx.db, period), score };
}

/** Published results, newest period first (department staff: their own rows only). */
export async function getHistory(ctx: AppContext, actor: UserActor, input: { kind: PeriodKind; departmentId?: string | undefined; limit: number }) {
  const scope = scopeOrThrow(actor);
  const pattern = input.kind === 'month' ? '^\\d{4}-\\d{2}$' : input.kind === 'quarter' ? '^\\d{4}-Q\\d$' : '^\\d{4}$';
  const rows = await repo.history(ctx.db, scope, pattern, input.departmentId, input.limit);
  return {
    kind: input.kind,
    rows: rows.map((r) => ({
      period: r.period,
      publishedAt: new Date(r.published_at).toISOString(),
      schemeVersion: r.scheme_version,
      departmentId: r.department_id,
      departmentName: r.department_name,
      assessed: r.assessed,
      rank: r.rank,
      total: r.total === null ? null : Number(r.total),
    })),
  };
}

// ── Publishing ───────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Freezes a finished period: computes every department's score under the scheme in force and stores it with
 * its rank, in one transaction with the audit row. A period can be published once, and only after it ends.
 */
export async function publishPeriod(ctx: AppContext, actor: Actor, periodKey: string, now = new Date()): Promise<{ period: string; departments: number }> {
  if (actor.kind === 'user' && !mayAssess(actor, 'manage')) throw new AppError('FORBIDDEN');
  const period = parsePeriodOrThrow(periodKey);
  const mp = measurePeriodOf(ctx.config.timezone, period, now);
  if (mp.to > now) throw new AppError('CONFLICT', { messageKey: 'assessment.error.not_over', params: { period: period.key } });
  const result = await ctx.db.transaction().execute(async (trx) => {
    const scheme = await schemeFor(trx, period);
    const claimed = await repo.insertPublication(trx, { period: period.key, schemeVersion: scheme.version, publishedAt: now, publishedBy: actor.kind === 'user' ? actor.username : `system:${actor.name}` });
    if (!claimed) throw new AppError('CONFLICT', { messageKey: 'assessment.error.published', params: { period: period.key } });
    const scores = await computeScores({ ...ctx, db: trx }, { kind: 'all' }, period, scheme, now);
    const frozen = scores.map((s) => ({ ...s, provisional: false }));
    await repo.insertResults(trx, period.key, frozen.map((s) => ({ departmentId: s.departmentId, assessed: s.assessed, rank: s.rank, total: s.total, breakdown: s })));
    await recordAudit(trx, actor, { action: 'assessment.published', entity: 'assessment_period', entityId: period.key, data: { schemeVersion: scheme.version, departments: frozen.length } });
    return { period: period.key, departments: frozen.length };
  });
  ctx.publish.toRole('supervisor', 'assessment.published', { period: result.period });
  ctx.publish.toRole('admin', 'assessment.published', { period: result.period });
  return result;
}

/** Refuses changes to a period that is published (its scores are frozen). */
async function assertOpen(db: Executor, periodKeys: string[]): Promise<void> {
  const published = await repo.publishedEndingAfter(db, periodKeys);
  if (published) throw new AppError('CONFLICT', { messageKey: 'assessment.error.published', params: { period: published } });
}

// ── Supervisor scores and bonuses ────────────────────────────────────────────────────────────────────────────

/** A supervisor's points on a supervisor-scored item, with a note and evidence (audited). */
export async function scoreItem(
  ctx: AppContext,
  actor: UserActor,
  input: { period: string; departmentId: string; itemKey: string; points: number; note: string; evidence: string[] },
): Promise<void> {
  if (!mayAssess(actor, 'score')) throw new AppError('FORBIDDEN');
  const period = parsePeriodOrThrow(input.period);
  await ctx.db.transaction().execute(async (trx) => {
    await assertOpen(trx, [period.key]);
    const scheme = await schemeFor(trx, period);
    const item = scheme.definition.items.find((i) => i.key === input.itemKey);
    if (!item || item.kind !== 'supervisor') throw new AppError('VALIDATION', { messageKey: 'assessment.error.not_supervisor_item', params: { item: input.itemKey }, field: 'itemKey' });
    if (input.points < 0 || input.points > item.weight) throw new AppError('VALIDATION', { messageKey: 'assessment.error.points_range', params: { max: item.weight }, field: 'points' });
    const d = await repo.findDepartment(trx, input.departmentId);
    if (!d || d.kind === 'hotline') throw new AppError('VALIDATION', { messageKey: 'assessment.error.bad_department', field: 'departmentId' });
    await repo.upsertItemScore(trx, { ...input, period: period.key, points: roundPoints(input.points), scoredBy: actor.id });
    await recordAudit(trx, actor, { action: 'assessment.item_scored', entity: 'department', entityId: d.id, data: { period: period.key, item: item.key, points: input.points, note: input.note, evidence: input.evidence } });
  });
}

/** 加分: a commendation or letter of thanks, dated, with a note and evidence (audited). The period cap applies when scoring. */
export async function recordBonus(
  ctx: AppContext,
  actor: UserActor,
  input: { departmentId: string; kind: 'commendation' | 'thanks'; points: number; awardedOn: string; note: string; evidence: string[] },
): Promise<string> {
  if (!mayAssess(actor, 'score')) throw new AppError('FORBIDDEN');
  const [y, m] = input.awardedOn.split('-').map(Number) as [number, number];
  // Every period the date falls in must still be open.
  const periods = [`${y}-${String(m).padStart(2, '0')}`, `${y}-Q${Math.ceil(m / 3)}`, `${y}`];
  return ctx.db.transaction().execute(async (trx) => {
    await assertOpen(trx, periods);
    const d = await repo.findDepartment(trx, input.departmentId);
    if (!d || d.kind === 'hotline') throw new AppError('VALIDATION', { messageKey: 'assessment.error.bad_department', field: 'departmentId' });
    const id = await repo.insertBonus(trx, { ...input, recordedBy: actor.id });
    await recordAudit(trx, actor, { action: 'assessment.bonus_recorded', entity: 'department', entityId: d.id, data: { bonusId: id, ...input } });
    return id;
  });
}
