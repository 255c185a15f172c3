/**
 * Daily rollups of the measures, so figures over months of calls and tickets read a few hundred rows.
 *
 * A rollup is not a second definition: it is a measure's own facts query (measures.ts) over whole local
 * days, counted and summed per day and per grouping set of the cut columns. A figure over a period then
 * reads the whole days that are rolled up and runs the facts query live for everything else (the open day,
 * partial days at the edges, days not rolled up yet), in one SQL statement, so the sum is exact.
 *
 * The finished hours of the current day are rolled the same way into hour rows (migration 0012), so a figure
 * over today computes only the hour under way live; so are the hours of past days whose `current` rows wait on
 * a deadline, so that when one passes only that item's hour is read live, not its whole day.
 *
 * Three kinds of rows (see migration 0011):
 *  - additive: measures whose facts do not depend on the moment they are judged at — rolled once per day;
 *  - month_end: the others, judged at the end of the day's month (what the monthly report of an ended month
 *    asks for);
 *  - current: the others, judged at the moment of the roll-up; they hold for any later moment until the next
 *    deadline of an open item passes (`clockChanges`), then the job rolls the day again.
 *
 * The job (`reports.refresh-rollups`, every minute) is incremental and idempotent: it rolls days never
 * rolled, days touched by any write since its last run (rows carry `updated_at`, events their time and id;
 * the look-back overlaps the last run by two minutes to catch transactions that committed late), and
 * `current` days whose deadline passed. Re-rolling a day deletes and rewrites it in one transaction, under
 * an advisory lock, so running twice or concurrently gives the same rows. A figure never lags the rows:
 * readers compute the days touched since the last run live until the job has rolled them (`loadRolledDays`).
 */
import { sql, type RawBuilder } from 'kysely';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { defineJob } from '../../platform/jobs.ts';
import { createZonedClock, formatDayNumber, type ZonedClock } from '../calendar/zoned-time.ts';
import { cuts, cutColumn, defaultMeasureOptions, measures, type Cut, type MeasureDefinition, type MeasureOptions, type MeasurePeriod } from './measures.ts';

type Kind = 'additive' | 'month_end' | 'current';

/** The cut combinations kept: the total, each cut, and department × channel / type / desk (department staff's own breakdowns). */
export const rolledGroupings: readonly (readonly Cut[])[] = [
  [],
  ['department'],
  ['desk'],
  ['agent'],
  ['channel'],
  ['type'],
  ['category'],
  ['department', 'channel'],
  ['department', 'type'],
  ['department', 'desk'],
];

/** GROUPING(department_id, desk, agent_id, channel, type, category_id) of a set: a bit is set for each column left out. */
export function groupingMask(set: readonly Cut[]): number {
  return cuts.reduce((mask, c, i) => (set.includes(c) ? mask : mask | (1 << (cuts.length - 1 - i))), 0);
}

/**
 * Measures judged at a moment are kept twice per day (month_end, current), so only for the total and per
 * department: the monthly report and the headline. Other breakdowns of them are computed live.
 */
export const judgedGroupings: readonly (readonly Cut[])[] = [[], ['department']];

const groupingsOf = (m: MeasureDefinition) => (m.judgedAtPeriodEnd ? judgedGroupings : rolledGroupings);
const rolledMasks = new Set(rolledGroupings.map(groupingMask));
const judgedMasks = new Set(judgedGroupings.map(groupingMask));

/** Re-rolled look-back: a write whose transaction started before the last run but committed after it. */
const overlapMs = 2 * 60_000;

const clocks = new Map<string, ZonedClock>();
function clockOf(timezone: string): ZonedClock {
  let clock = clocks.get(timezone);
  if (!clock) clocks.set(timezone, (clock = createZonedClock(timezone)));
  return clock;
}

const dayOf = (timezone: string, column: RawBuilder<unknown>) => sql`(${column} at time zone ${timezone})::date`;
/** The instant the local hour holding `column` starts (local truncation, so zones with half-hour offsets work too). */
const hourOf = (timezone: string, column: RawBuilder<unknown>) => sql`(date_trunc('hour', ${column} at time zone ${timezone}) at time zone ${timezone})`;

const hourMs = 3_600_000;

/** Rows per local day (`report_rollups`) or per local hour (`report_rollup_hours`, the current day). */
type Bucket = 'day' | 'hour';

/** Rolls `m`'s facts over the period `p`, judged at `p.asOf`, into rows of `kind`, one set per local day or hour. */
async function insertMeasureRows(trx: Executor, timezone: string, m: MeasureDefinition, kind: Kind, p: MeasurePeriod, bucket: Bucket = 'day'): Promise<void> {
  const facts = m.facts(p, defaultMeasureOptions);
  const groupings = groupingsOf(m);
  const sets = sql.join(groupings.map((g) => (g.length === 0 ? sql`()` : sql`(${sql.join(g.map((c) => sql.ref(`f.${cutColumn[c]}`)))})`)));
  // A column in no set is never grouped (its bit is always set, its value null); GROUPING() accepts only grouped ones.
  const used = (c: Cut) => groupings.some((g) => g.includes(c));
  const mask = sql.join(
    cuts.map((c, i) => (used(c) ? sql`(grouping(${sql.ref(`f.${cutColumn[c]}`)}) << ${sql.lit(cuts.length - 1 - i)})` : sql.lit(1 << (cuts.length - 1 - i)))),
    sql` | `,
  );
  const values = sql.join(cuts.map((c) => (used(c) ? sql.ref(`f.${cutColumn[c]}`) : sql`null`)));
  // The same facts query and aggregation for both buckets: only the slot column differs.
  const [table, column, slot] =
    bucket === 'day' ? [sql`report_rollups`, sql`day`, dayOf(timezone, sql.ref('x.at'))] : [sql`report_rollup_hours`, sql`hour`, hourOf(timezone, sql.ref('x.at'))];
  await sql`
    insert into ${table} (kind, ${column}, measure, grouping, department_id, desk, agent_id, channel, type, category_id, n, s)
    select ${kind}, f.slot, ${m.key}, ${mask}, ${values}, count(*), coalesce(sum(f.num), 0)
      from (select x.*, ${slot} as slot from (${facts}) x) f
     group by f.slot, grouping sets (${sets})`.execute(trx);
}

/** Call measures read only call rows, the others only ticket rows: a change to one re-rolls only its family. */
type Family = 'calls' | 'tickets';
const familyOf = (m: MeasureDefinition): Family => (m.item === 'call' ? 'calls' : 'tickets');

/** The measures a roll-up of `kind` writes: additive ones for `additive`, those judged at the period's end otherwise. */
function measuresToRoll(kind: Kind, families: readonly Family[]): MeasureDefinition[] {
  return measures.filter((m) => m.judgedAtPeriodEnd === (kind !== 'additive') && families.includes(familyOf(m)));
}

/** For `current` rows: when each measure's judgement changes next (a deadline passing), which bounds how long they hold. */
function clockChangesOf(kind: Kind, chosen: MeasureDefinition[], p: MeasurePeriod) {
  return kind === 'current' ? chosen.flatMap((m) => (m.clockChanges ? [m.clockChanges(p, defaultMeasureOptions)] : [])) : [];
}

/** Rewrites the rows of `kind` for the days [fromDay, toDay), every measure of that kind (and family) judged at `asOf`. */
async function rollDays(trx: Executor, timezone: string, kind: Kind, fromDay: number, toDay: number, asOf: Date | null, families: readonly Family[]): Promise<void> {
  const clock = clockOf(timezone);
  const from = new Date(clock.instantAt(fromDay, 0));
  const to = new Date(clock.instantAt(toDay, 0));
  // Additive facts do not look at asOf; any value gives the same rows.
  const p: MeasurePeriod = { from, to, asOf: asOf ?? to };
  const fromDate = formatDayNumber(fromDay);
  const toDate = formatDayNumber(toDay);
  const chosen = measuresToRoll(kind, families);
  if (chosen.length === 0) return;
  const keys = chosen.map((m) => m.key);
  await sql`delete from report_rollups where kind = ${kind} and day >= ${fromDate}::date and day < ${toDate}::date and measure = any(${keys}::text[])`.execute(trx);
  await sql`delete from report_rollup_days where kind = ${kind} and day >= ${fromDate}::date and day < ${toDate}::date`.execute(trx);
  for (const m of chosen) await insertMeasureRows(trx, timezone, m, kind, p);
  // Current rows hold until the first deadline (of an item left out as not yet due) passes.
  const changes = clockChangesOf(kind, chosen, p);
  const until =
    changes.length > 0
      ? sql`select ${dayOf(timezone, sql.ref('c.at'))} as day, min(c.next) as next from (${sql.join(changes, sql` union all `)}) c group by 1`
      : sql`select null::date as day, null::timestamptz as next where false`;
  await sql`
    insert into report_rollup_days (kind, day, as_of, valid_until)
    select ${kind}, d::date, ${asOf}::timestamptz, u.next
      from generate_series(${fromDate}::date, ${toDate}::date - 1, interval '1 day') d
      left join (${until}) u on u.day = d::date`.execute(trx);
}

/**
 * Rewrites the hour rows of `kind` for the local hours starting in [from, to) (whole local hours),
 * every measure of that kind and family judged at `asOf` — the same rows `rollDays` writes, per hour.
 */
async function rollHours(trx: Executor, timezone: string, kind: 'additive' | 'current', from: Date, to: Date, asOf: Date | null, families: readonly Family[]): Promise<void> {
  const p: MeasurePeriod = { from, to, asOf: asOf ?? to };
  const chosen = measuresToRoll(kind, families);
  if (chosen.length === 0) return;
  const keys = chosen.map((m) => m.key);
  await sql`delete from report_rollup_hours where kind = ${kind} and hour >= ${from} and hour < ${to} and measure = any(${keys}::text[])`.execute(trx);
  await sql`delete from report_rollup_hour_slots where kind = ${kind} and hour >= ${from} and hour < ${to}`.execute(trx);
  for (const m of chosen) await insertMeasureRows(trx, timezone, m, kind, p, 'hour');
  const changes = clockChangesOf(kind, chosen, p);
  const until =
    changes.length > 0
      ? sql`select ${hourOf(timezone, sql.ref('c.at'))} as hour, min(c.next) as next from (${sql.join(changes, sql` union all `)}) c group by 1`
      : sql`select null::timestamptz as hour, null::timestamptz as next where false`;
  await sql`
    insert into report_rollup_hour_slots (kind, hour, as_of, valid_until)
    select ${kind}, h, ${asOf}::timestamptz, u.next
      from generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 hour', interval '1 hour') h
      left join (${until}) u on u.hour = h`.execute(trx);
}

/** Runs of consecutive day numbers, as [from, to) pairs; a run never crosses `split` boundaries when given. */
function runsOf(days: number[], split?: (day: number) => number): [number, number][] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d && (!split || split(d) === split(last[0]))) last[1] = d + 1;
    else runs.push([d, d + 1]);
  }
  return runs;
}

/** Day number of the first day of the month holding `day`. */
function monthStartOf(day: number): number {
  const date = new Date(day * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
}
function nextMonthStartOf(day: number): number {
  const date = new Date(day * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000;
}

export type RefreshResult = { rolled: Record<Kind, number>; dirtyDays: number; rolledHours: { additive: number; current: number } };

/** What was written since the last run, per family: local day numbers and the start instants of local hours. */
type Touched = { days: Record<Family, Set<number>>; hours: Record<Family, Set<number>> };
const nothingTouched = (): Touched => ({ days: { calls: new Set(), tickets: new Set() }, hours: { calls: new Set(), tickets: new Set() } });

/**
 * Local days whose facts may have changed since the last run started (less the overlap), per family: days of
 * calls written since, and every day a touched ticket appears on (registered, closed, dispatched, any of its
 * events — which covers the day it was closed before a reopen). Events are also found by id, so a late row
 * written with an old time is not missed.
 */
async function touchedDays(db: Executor, timezone: string, state: { last_started_at: Date; last_event_id: string }): Promise<Touched> {
  const since = new Date(new Date(state.last_started_at).getTime() - overlapMs);
  const touched = await sql<{ family: Family; hour: Date }>`
    with changed as (
      select ticket_id as id from ticket_events where at >= ${since} or id > ${state.last_event_id}::bigint
      union select id from tickets where updated_at >= ${since}
      union select ticket_id from ticket_assignments where updated_at >= ${since}
    )
    select distinct f as family, ${hourOf(timezone, sql.ref('x.t'))} as hour from (
      select 'tickets' as f, e.at as t from ticket_events e join changed c on c.id = e.ticket_id
      union all select 'tickets', t.created_at from tickets t join changed c on c.id = t.id
      union all select 'tickets', t.closed_at from tickets t join changed c on c.id = t.id where t.closed_at is not null
      union all select 'tickets', a.dispatched_at from ticket_assignments a join changed c on c.id = a.ticket_id
      union all select 'calls', k.offered_at from calls k where k.updated_at >= ${since}
    ) x`.execute(db);
  const clock = clockOf(timezone);
  const dirty = nothingTouched();
  for (const r of touched.rows) {
    const hour = new Date(r.hour).getTime();
    dirty.hours[r.family].add(hour);
    dirty.days[r.family].add(clock.dayNumberOf(hour));
  }
  return dirty;
}

const lockRollups = (trx: Executor) => sql`select pg_advisory_xact_lock(hashtext('reports.refresh-rollups'))`.execute(trx);

/**
 * Brings the rollups up to date as of `now`: days never rolled, days touched since the last run, `current`
 * days whose deadline passed. Idempotent. Each run of days (at most a month) is rewritten in its own
 * transaction under an advisory lock, so a first roll-up of a year does not hold one huge transaction and two
 * runs at once never write a day twice; readers see a day either before or after, never half.
 */
export async function refreshRollups(ctx: AppContext, now = new Date()): Promise<RefreshResult> {
  const timezone = ctx.config.timezone;
  const clock = clockOf(timezone);
  const db = ctx.db;
  const state = await db.selectFrom('report_rollup_state').select(['last_started_at', 'last_event_id']).executeTakeFirst();
  const maxEvent = await sql<{ id: string | null }>`select max(id)::text as id from ticket_events`.execute(db);
  const lastEventId = maxEvent.rows[0]?.id ?? '0';
  const result: RefreshResult = { rolled: { additive: 0, month_end: 0, current: 0 }, dirtyDays: 0, rolledHours: { additive: 0, current: 0 } };
  const saveState = () =>
    db.transaction().execute(async (trx) => {
      await lockRollups(trx);
      // Never backwards: a run that started earlier but ended later must not widen what readers trust.
      await sql`insert into report_rollup_state (id, last_started_at, last_event_id) values (1, ${now}, ${lastEventId}::bigint)
                on conflict (id) do update set last_started_at = greatest(report_rollup_state.last_started_at, excluded.last_started_at),
                                               last_event_id = greatest(report_rollup_state.last_event_id, excluded.last_event_id)`.execute(trx);
    });

  // Every measure's time column is a call's offered_at or at or after its ticket's created_at.
  const first = await sql<{ at: Date | null }>`select least((select min(offered_at) from calls), (select min(created_at) from tickets)) as at`.execute(db);
  const firstAt = first.rows[0]?.at;
  const today = clock.dayNumberOf(now.getTime());
  if (!firstAt) {
    await saveState();
    return result;
  }
  const firstDay = clock.dayNumberOf(new Date(firstAt).getTime());

  const touched = state ? await touchedDays(db, timezone, state) : nothingTouched();
  const dirty = touched.days;
  result.dirtyDays = new Set([...dirty.calls, ...dirty.tickets]).size;

  const existing = await sql<{ kind: Kind; day: string; valid_until: Date | null }>`select kind, day::text as day, valid_until from report_rollup_days`.execute(db);
  const have = new Map<string, Date | null>(existing.rows.map((r) => [`${r.kind}:${r.day}`, r.valid_until]));
  /** The families of `kind` to roll again on `day`: all when never rolled, those touched, tickets when a deadline passed. */
  const needs = (kind: Kind, day: number): Family[] => {
    const key = `${kind}:${formatDayNumber(day)}`;
    if (!have.has(key)) return ['calls', 'tickets'];
    const until = have.get(key);
    const expired = kind === 'current' && until !== null && until !== undefined && new Date(until) <= now;
    return (['calls', 'tickets'] as const).filter((f) => dirty[f].has(day) || (f === 'tickets' && expired));
  };
  const todo: Record<Kind, Record<string, number[]>> = { additive: {}, month_end: {}, current: {} };
  const endedMonths = monthStartOf(today);
  for (let d = firstDay; d < today; d++) {
    for (const kind of ['additive', 'current', 'month_end'] as const) {
      if (kind === 'month_end' && d >= endedMonths) continue;
      const families = needs(kind, d);
      if (families.length > 0) (todo[kind][families.join(',')] ??= []).push(d);
    }
  }
  const startedAt = new Date();
  const roll = (kind: Kind, from: number, to: number, asOf: Date | null, families: Family[]) =>
    db.transaction().execute(async (trx) => {
      await lockRollups(trx);
      // A run that started meanwhile (the first roll-up of a year outlasts the one-minute schedule) did it already.
      const done = await sql<{ n: number }>`
        select count(*)::int as n from report_rollup_days
         where kind = ${kind} and day >= ${formatDayNumber(from)}::date and day < ${formatDayNumber(to)}::date and rolled_at >= ${startedAt}`.execute(trx);
      if (done.rows[0]!.n === to - from) return;
      await rollDays(trx, timezone, kind, from, to, asOf, families);
    });
  for (const [kind, groups] of Object.entries(todo) as [Kind, Record<string, number[]>][]) {
    for (const [families, days] of Object.entries(groups)) {
      for (const [from, to] of runsOf(days, monthStartOf)) {
        const asOf = kind === 'additive' ? null : kind === 'current' ? now : new Date(clock.instantAt(nextMonthStartOf(from), 0));
        await roll(kind, from, to, asOf, families.split(',') as Family[]);
      }
    }
  }
  const count = (kind: Kind) => Object.values(todo[kind]).reduce((n, days) => n + days.length, 0);
  result.rolled = { additive: count('additive'), month_end: count('month_end'), current: count('current') };
  result.rolledHours = await refreshHours(ctx, now, touched, startedAt);
  await saveState();
  return result;
}

/** How far back past days with a pending deadline get `current` hour rows. */
const pendingDaysKept = 62;

/** The start instants of the local hours of `day` (before `until`). */
function hourStartsOf(clock: ZonedClock, day: number, until = Infinity): number[] {
  const starts: number[] = [];
  const end = clock.instantAt(day + 1, 0);
  for (let h = 0; h < 24; h++) {
    const start = clock.instantAt(day, h * 60);
    if (start + hourMs > Math.min(end, until)) break;
    if (starts[starts.length - 1] !== start) starts.push(start);
  }
  return starts;
}

/**
 * Hour rows, rolled like days (never rolled, touched since the last run, or a `current` hour whose deadline
 * passed): the finished hours of today (both kinds), so a figure over today computes only the hour under way
 * live; and the hours of past days whose `current` rows wait on a deadline (kind current), so when one
 * deadline passes and the day's rows no longer hold, only the hour of that item is read live, not the day.
 * Other hour rows older than yesterday are dropped: the daily rollups serve those days.
 */
async function refreshHours(ctx: AppContext, now: Date, touched: Touched, startedAt: Date): Promise<{ additive: number; current: number }> {
  const timezone = ctx.config.timezone;
  const clock = clockOf(timezone);
  const db = ctx.db;
  const today = clock.dayNumberOf(now.getTime());
  const todayHours = hourStartsOf(clock, today, now.getTime());
  const pending = await sql<{ day: string }>`
    select day::text as day from report_rollup_days
     where kind = 'current' and valid_until is not null and day >= ${formatDayNumber(today - pendingDaysKept)}::date and day < ${formatDayNumber(today)}::date
     order by day`.execute(db);
  const pendingDays = pending.rows.map((r) => Math.round(Date.parse(`${r.day}T00:00:00Z`) / 86_400_000));
  const startsOf = { additive: todayHours, current: [...pendingDays.flatMap((d) => hourStartsOf(clock, d)), ...todayHours] };
  const existing = await sql<{ kind: 'additive' | 'current'; hour: Date; valid_until: Date | null }>`
    select kind, hour, valid_until from report_rollup_hour_slots`.execute(db);
  const have = new Map(existing.rows.map((r) => [`${r.kind}:${new Date(r.hour).getTime()}`, r.valid_until]));
  const needs = (kind: 'additive' | 'current', start: number): Family[] => {
    const key = `${kind}:${start}`;
    if (!have.has(key)) return ['calls', 'tickets'];
    const until = have.get(key);
    const expired = kind === 'current' && until !== null && until !== undefined && new Date(until) <= now;
    return (['calls', 'tickets'] as const).filter((f) => touched.hours[f].has(start) || (f === 'tickets' && expired));
  };
  const rolled = { additive: 0, current: 0 };
  for (const kind of ['additive', 'current'] as const) {
    const groups: Record<string, number[]> = {};
    for (const start of startsOf[kind]) {
      const families = needs(kind, start);
      if (families.length > 0) (groups[families.join(',')] ??= []).push(start);
    }
    for (const [families, hours] of Object.entries(groups)) {
      rolled[kind] += hours.length;
      // Runs of consecutive hours, one transaction each.
      const runs: [number, number][] = [];
      for (const start of hours) {
        const last = runs[runs.length - 1];
        if (last && last[1] === start) last[1] = start + hourMs;
        else runs.push([start, start + hourMs]);
      }
      for (const [from, to] of runs) {
        await db.transaction().execute(async (trx) => {
          await lockRollups(trx);
          const done = await sql<{ n: number }>`
            select count(*)::int as n from report_rollup_hour_slots
             where kind = ${kind} and hour >= ${new Date(from)} and hour < ${new Date(to)} and rolled_at >= ${startedAt}`.execute(trx);
          if (done.rows[0]!.n === (to - from) / hourMs) return;
          await rollHours(trx, timezone, kind, new Date(from), new Date(to), kind === 'current' ? now : null, families.split(',') as Family[]);
        });
      }
    }
  }
  const keepFrom = new Date(clock.instantAt(today - 1, 0));
  const keepDays = pendingDays.map(formatDayNumber);
  await db.transaction().execute(async (trx) => {
    await lockRollups(trx);
    const stale = sql`hour < ${keepFrom} and (kind = 'additive' or not ((hour at time zone ${timezone})::date = any(${keepDays}::date[])))`;
    await sql`delete from report_rollup_hours where ${stale}`.execute(trx);
    await sql`delete from report_rollup_hour_slots where ${stale}`.execute(trx);
  });
  return rolled;
}

/** Which whole days of a period the rollups can serve for one measure, and the ranges left to compute live. */
export type RollupPlan = {
  grouping: number;
  /** Days (ISO dates) read from the rollups, per kind. */
  days: Partial<Record<Kind, string[]>>;
  /** Whole local hours (ISO instants of their start) read from the hour rollups, per kind. */
  hours: Partial<Record<Kind, string[]>>;
  /** The rest of the period, computed live (same asOf as the period). */
  live: MeasurePeriod[];
};

/** The rolled-up days (and hours, `hour` = start instant in ms) of a date range, loaded once per request. */
export type RolledDays = { kind: Kind; day: string; hour?: number; as_of: Date | null; valid_until: Date | null; dirty?: Family[] }[];

/**
 * The rollup state rows of the whole local days inside `period`. Days written to since the last run are
 * marked per family (call or ticket rows); their measures are computed live until the job has rolled them
 * again, so a figure never lags the rows.
 */
export async function loadRolledDays(ctx: AppContext, period: MeasurePeriod): Promise<RolledDays> {
  const span = wholeDays(ctx.config.timezone, period);
  const rows = span
    ? (
        await sql<{ kind: Kind; day: string; as_of: Date | null; valid_until: Date | null }>`
          select kind, day::text as day, as_of, valid_until from report_rollup_days
           where day >= ${formatDayNumber(span[0])}::date and day < ${formatDayNumber(span[1])}::date`.execute(ctx.db)
      ).rows
    : [];
  // Whole hours inside the period (only the last two days have any).
  const hours =
    period.to.getTime() - period.from.getTime() >= hourMs
      ? (
          await sql<{ kind: Kind; hour: Date; as_of: Date | null; valid_until: Date | null }>`
            select kind, hour, as_of, valid_until from report_rollup_hour_slots
             where hour >= ${period.from} and hour <= ${new Date(period.to.getTime() - hourMs)}`.execute(ctx.db)
        ).rows
      : [];
  if (rows.length === 0 && hours.length === 0) return [];
  const state = await ctx.db.selectFrom('report_rollup_state').select(['last_started_at', 'last_event_id']).executeTakeFirst();
  if (!state) return [];
  const dirty = await touchedDays(ctx.db, ctx.config.timezone, state);
  const clock = clockOf(ctx.config.timezone);
  return [
    ...rows.map((r) => {
      const day = Math.round(Date.parse(`${r.day}T00:00:00Z`) / 86_400_000);
      return { ...r, dirty: (['calls', 'tickets'] as const).filter((f) => dirty.days[f].has(day)) };
    }),
    ...hours.map((r) => {
      const hour = new Date(r.hour).getTime();
      return { kind: r.kind, day: formatDayNumber(clock.dayNumberOf(hour)), hour, as_of: r.as_of, valid_until: r.valid_until, dirty: (['calls', 'tickets'] as const).filter((f) => dirty.hours[f].has(hour)) };
    }),
  ];
}

/** [first, end) day numbers of the whole local days inside the period, or undefined when there are none. */
function wholeDays(timezone: string, period: MeasurePeriod): [number, number] | undefined {
  const clock = clockOf(timezone);
  let first = clock.dayNumberOf(period.from.getTime());
  if (clock.instantAt(first, 0) < period.from.getTime()) first += 1;
  const end = clock.dayNumberOf(period.to.getTime());
  return first < end ? [first, end] : undefined;
}

const sameOptions = (o: MeasureOptions) => (Object.keys(defaultMeasureOptions) as (keyof MeasureOptions)[]).every((k) => o[k] === defaultMeasureOptions[k]);

/**
 * How to compute `m` over `period` from rollups, or undefined when they cannot help: other options than
 * the defaults (rollups hold the defaults), a combination of cuts not kept, or no rolled whole day.
 */
export function planFromRollups(timezone: string, m: MeasureDefinition, period: MeasurePeriod, options: MeasureOptions, needed: readonly Cut[], rolled: RolledDays): RollupPlan | undefined {
  if (!sameOptions(options)) return undefined;
  const grouping = groupingMask([...new Set(needed)]);
  if (!(m.judgedAtPeriodEnd ? judgedMasks : rolledMasks).has(grouping)) return undefined;
  const span = wholeDays(timezone, period);
  const asOf = period.asOf.getTime();
  const usable = (r: RolledDays[number]): boolean => {
    // Written to since the last run (for this measure's rows): live until the job rolls it again.
    if (r.dirty?.includes(familyOf(m))) return false;
    if (!m.judgedAtPeriodEnd) return r.kind === 'additive';
    if (r.kind === 'month_end') return r.as_of !== null && new Date(r.as_of).getTime() === asOf;
    if (r.kind === 'current') return r.as_of !== null && new Date(r.as_of).getTime() <= asOf && (r.valid_until === null || new Date(r.valid_until).getTime() > asOf);
    return false;
  };
  const byDay = new Map<string, Kind>();
  for (const r of rolled) if (r.hour === undefined && usable(r) && (!byDay.has(r.day) || r.kind === 'month_end')) byDay.set(r.day, r.kind);
  const byHour = new Map<number, Kind>();
  for (const r of rolled) if (r.hour !== undefined && usable(r)) byHour.set(r.hour, r.kind);
  if (byDay.size === 0 && byHour.size === 0) return undefined;
  const clock = clockOf(timezone);
  const days: Partial<Record<Kind, string[]>> = {};
  const gaps: MeasurePeriod[] = [];
  let cursor = period.from.getTime();
  if (span) {
    for (let d = span[0]; d < span[1]; d++) {
      const kind = byDay.get(formatDayNumber(d));
      if (!kind) continue;
      const start = clock.instantAt(d, 0);
      if (start > cursor) gaps.push({ from: new Date(cursor), to: new Date(start), asOf: period.asOf });
      (days[kind] ??= []).push(formatDayNumber(d));
      cursor = clock.instantAt(d + 1, 0);
    }
  }
  if (period.to.getTime() > cursor) gaps.push({ from: new Date(cursor), to: period.to, asOf: period.asOf });
  // What is left after the days: whole rolled hours from the hour rollups, the rest (the hour under way) live.
  const hours: Partial<Record<Kind, string[]>> = {};
  const live: MeasurePeriod[] = [];
  const hourStarts = [...byHour.keys()].sort((a, b) => a - b);
  for (const gap of gaps) {
    let at = gap.from.getTime();
    for (const start of hourStarts) {
      if (start < at || start + hourMs > gap.to.getTime()) continue;
      if (start > at) live.push({ from: new Date(at), to: new Date(start), asOf: period.asOf });
      (hours[byHour.get(start)!] ??= []).push(new Date(start).toISOString());
      at = start + hourMs;
    }
    if (gap.to.getTime() > at) live.push({ from: new Date(at), to: gap.to, asOf: period.asOf });
  }
  if (Object.keys(days).length === 0 && Object.keys(hours).length === 0) return undefined;
  return { grouping, days, hours, live };
}

/** The rows of a plan's rolled-up days, as a WHERE on `report_rollups r` (false when it has none). */
export function rolledRowsWhere(m: MeasureDefinition, plan: RollupPlan): RawBuilder<unknown> {
  const parts = (Object.entries(plan.days) as [Kind, string[]][]).map(([kind, days]) => sql`(r.kind = ${kind} and r.day = any(${days}::date[]))`);
  if (parts.length === 0) return sql`false`;
  return sql`r.measure = ${m.key} and r.grouping = ${plan.grouping} and (${sql.join(parts, sql` or `)})`;
}

/** The rows of a plan's rolled-up hours, as a WHERE on `report_rollup_hours r` (false when it has none). */
export function rolledHoursWhere(m: MeasureDefinition, plan: RollupPlan): RawBuilder<unknown> {
  const parts = (Object.entries(plan.hours) as [Kind, string[]][]).map(([kind, hours]) => sql`(r.kind = ${kind} and r.hour = any(${hours}::timestamptz[]))`);
  if (parts.length === 0) return sql`false`;
  return sql`r.measure = ${m.key} and r.grouping = ${plan.grouping} and (${sql.join(parts, sql` or `)})`;
}

export const refreshRollupsJob = (ctx: AppContext) =>
  defineJob({
    name: 'reports.refresh-rollups',
    payload: z.object({}).passthrough(),
    run: async (_payload, { logger }) => {
      const result = await refreshRollups(ctx);
      if (result.rolled.additive + result.rolled.current + result.rolled.month_end > 0) logger.debug({ ...result }, 'report rollups refreshed');
    },
  });

/** Every minute: the figures lag the newest writes by at most about that. */
export const reportsSchedule = [{ job: 'reports.refresh-rollups', cron: '* * * * *' }];
