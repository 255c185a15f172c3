/**
 * The hotspot module's SQL: window counts per category and district, the alerts and their tickets, and the
 * admin's thresholds. Tickets are only read here; the tickets module owns them.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { defaultHotspotRules, HotspotRulesSchema, type GroupCounts, type Hotspot, type HotspotRules } from './detection.ts';

/**
 * Which tickets count as requests, in one place for the counts and for the tickets behind an alert: a category
 * and a district are needed to form a group; child tickets (下派) are a department passing work down, not a
 * new request. Merged duplicates do count — many people calling about one thing is exactly a hotspot.
 */
const countedTicket = sql`t.category_id is not null and nullif(btrim(t.district), '') is not null and t.parent_ticket_id is null`;

const hourSeconds = 3600;
const daySeconds = 86_400;

export async function loadRules(db: Executor): Promise<HotspotRules & { updatedAt: Date | null; updatedBy: string | null }> {
  const row = await db.selectFrom('hotspot_settings').select(['rules', 'updated_at', 'updated_by']).where('id', '=', 1).executeTakeFirst();
  // A stored row that no longer fits the schema (an older version's shape) falls back to the defaults.
  const parsed = row ? HotspotRulesSchema.safeParse(row.rules) : undefined;
  return { ...(parsed?.success ? parsed.data : defaultHotspotRules), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

export async function saveRules(db: Executor, rules: HotspotRules, userId: string): Promise<void> {
  await db
    .insertInto('hotspot_settings')
    .values({ id: 1, rules: JSON.stringify(rules), updated_by: userId, updated_at: new Date() } as never)
    .onConflict((oc) => oc.column('id').doUpdateSet({ rules: JSON.stringify(rules), updated_by: userId, updated_at: new Date() }))
    .execute();
}

/**
 * Counts per group, window and day: for window w, day 0 is [now − w, now) and day n is the same clock hours n
 * days earlier. A ticket of age a seconds falls on day n = ⌈a / 1 day⌉ − 1, at r = a − n days into that day's
 * look-back, and belongs to every window of at least r seconds. Windows are nested (1 h ⊂ 6 h ⊂ 24 h), so
 * the SQL only counts tickets by (group, day, how many windows hold them) — one pass over the tickets, no
 * join — and the windows' counts are summed here. Groups with no ticket on day 0 are left out: they cannot
 * be a burst. Missing days are zero.
 */
export async function countWindows(db: Executor, now: Date, rules: HotspotRules): Promise<GroupCounts[]> {
  const windows = [...rules.windowsHours].sort((a, b) => a - b);
  const maxHours = windows[windows.length - 1]!;
  const since = new Date(now.getTime() - (rules.baselineDays * daySeconds + maxHours * hourSeconds) * 1000);
  // width_bucket over the negated, ascending limits counts the windows whose length is ≥ r (r itself included:
  // a ticket exactly w hours old is inside [now − w, now)).
  const negatedLimits = [...windows].reverse().map((h) => -h * hourSeconds);
  const { rows } = await sql<{ category_id: string; district: string; day: number; windows: number; count: number }>`
    with recent as (
      select t.category_id, btrim(t.district) as district, extract(epoch from (${now}::timestamptz - t.created_at))::float8 as age
      from tickets t
      where t.created_at >= ${since}::timestamptz and t.created_at < ${now}::timestamptz and ${countedTicket}
    ),
    placed as (
      select category_id, district, day, width_bucket(-(age - day * ${daySeconds}::float8), ${negatedLimits}::float8[]) as windows
      from (select r.*, (ceil(r.age / ${daySeconds}::float8) - 1)::int as day from recent r) d
    ),
    counted as (
      select category_id, district, day, windows, count(*)::int as count
      from placed
      where windows > 0 and day <= ${rules.baselineDays}::int
      group by category_id, district, day, windows
    )
    select c.* from counted c
    where (c.category_id, c.district) in (select category_id, district from counted where day = 0)`.execute(db);

  const groups = new Map<string, GroupCounts>();
  for (const row of rows) {
    const key = `${row.category_id}\u0000${row.district}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key: { categoryId: row.category_id, district: row.district },
        windows: rules.windowsHours.map((h) => ({ windowHours: h, count: 0, baseline: new Array<number>(rules.baselineDays).fill(0) })),
      };
      groups.set(key, group);
    }
    // The row's tickets lie in the `row.windows` longest windows.
    for (const w of group.windows) {
      if (windows.indexOf(w.windowHours) < windows.length - row.windows) continue;
      if (row.day === 0) w.count += row.count;
      else w.baseline[row.day - 1]! += row.count;
    }
  }
  return [...groups.values()];
}

/** Serialises detection runs across processes for the length of the caller's transaction. */
export async function lockDetection(trx: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('hotspots.detect'))`.execute(trx);
}

export type OpenAlertRow = { id: string; category_id: string; district: string; peak_count: number; peak_score: number };

export async function lockOpenAlerts(trx: Executor): Promise<OpenAlertRow[]> {
  return trx.selectFrom('hotspot_alerts').select(['id', 'category_id', 'district', 'peak_count', 'peak_score']).where('state', '=', 'open').forUpdate().execute();
}

export async function insertAlert(trx: Executor, hotspot: Hotspot, now: Date): Promise<string> {
  const s = hotspot.strongest;
  const row = await trx
    .insertInto('hotspot_alerts')
    .values({
      category_id: hotspot.key.categoryId,
      district: hotspot.key.district,
      state: 'open',
      window_hours: s.windowHours,
      ticket_count: s.count,
      expected: s.expected,
      score: s.score,
      peak_count: s.count,
      peak_score: s.score,
      windows: JSON.stringify(hotspot.windows),
      opened_at: now,
      last_detected_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function refreshAlert(trx: Executor, alert: OpenAlertRow, hotspot: Hotspot, now: Date): Promise<void> {
  const s = hotspot.strongest;
  await trx
    .updateTable('hotspot_alerts')
    .set({
      window_hours: s.windowHours,
      ticket_count: s.count,
      expected: s.expected,
      score: s.score,
      peak_count: Math.max(alert.peak_count, s.count),
      peak_score: Math.max(alert.peak_score, s.score),
      windows: JSON.stringify(hotspot.windows),
      last_detected_at: now,
      updated_at: now,
    })
    .where('id', '=', alert.id)
    .execute();
}

export async function closeAlert(trx: Executor, alertId: string, now: Date): Promise<void> {
  await trx.updateTable('hotspot_alerts').set({ state: 'closed', closed_at: now, updated_at: now }).where('id', '=', alertId).execute();
}

/** Links the group's tickets of the last `hours` hours to the alert; already linked ones are left as they are. */
export async function linkTickets(trx: Executor, alertId: string, hotspot: Hotspot, now: Date, hours: number): Promise<number> {
  const since = new Date(now.getTime() - hours * hourSeconds * 1000);
  const result = await sql`
    insert into hotspot_alert_tickets (alert_id, ticket_id, linked_at)
    select ${alertId}::uuid, t.id, ${now}::timestamptz from tickets t
    where t.category_id = ${hotspot.key.categoryId}::uuid and btrim(t.district) = ${hotspot.key.district}
      and t.created_at >= ${since}::timestamptz and t.created_at < ${now}::timestamptz and ${countedTicket}
    on conflict do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

export type AlertRow = {
  id: string;
  category_id: string;
  category_code: string;
  category_name: string;
  category_name_en: string;
  district: string;
  state: 'open' | 'closed';
  window_hours: number;
  ticket_count: number;
  expected: number;
  score: number;
  peak_count: number;
  peak_score: number;
  windows: unknown;
  opened_at: Date;
  last_detected_at: Date;
  closed_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  acknowledge_note: string | null;
  linked_tickets: number;
};

function alertQuery(db: Executor) {
  return db
    .selectFrom('hotspot_alerts as a')
    .innerJoin('ticket_categories as c', 'c.id', 'a.category_id')
    .leftJoin('users as u', 'u.id', 'a.acknowledged_by')
    .select([
      'a.id', 'a.category_id', 'c.code as category_code', 'c.name as category_name', 'c.name_en as category_name_en', 'a.district', 'a.state',
      'a.window_hours', 'a.ticket_count', 'a.expected', 'a.score', 'a.peak_count', 'a.peak_score', 'a.windows', 'a.opened_at',
      'a.last_detected_at', 'a.closed_at', 'a.acknowledged_at', 'a.acknowledged_by', 'u.display_name as acknowledged_by_name', 'a.acknowledge_note',
    ])
    .select(sql<number>`(select count(*)::int from hotspot_alert_tickets l where l.alert_id = a.id)`.as('linked_tickets'));
}

/** Open alerts first (strongest first), then closed ones, newest first. */
export async function listAlerts(db: Executor, filter: { state: 'open' | 'closed' | 'all'; limit: number; offset: number }): Promise<AlertRow[]> {
  let query = alertQuery(db);
  if (filter.state !== 'all') query = query.where('a.state', '=', filter.state);
  return query
    .orderBy(sql`a.state = 'open'`, 'desc')
    .orderBy(sql`case when a.state = 'open' then a.score end`, (ob) => ob.desc().nullsLast())
    .orderBy('a.opened_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute() as Promise<AlertRow[]>;
}

export async function findAlert(db: Executor, id: string): Promise<AlertRow | undefined> {
  return alertQuery(db).where('a.id', '=', id).executeTakeFirst() as Promise<AlertRow | undefined>;
}

export async function lockAlert(trx: Executor, id: string) {
  return trx.selectFrom('hotspot_alerts').select(['id', 'state', 'acknowledged_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function acknowledgeAlert(trx: Executor, id: string, userId: string, note: string, now: Date): Promise<void> {
  await trx.updateTable('hotspot_alerts').set({ acknowledged_at: now, acknowledged_by: userId, acknowledge_note: note, updated_at: now }).where('id', '=', id).execute();
}

/** The tickets behind an alert, newest first, with their lead department (no caller details). */
export async function alertTickets(db: Executor, alertId: string, limit: number) {
  return db
    .selectFrom('hotspot_alert_tickets as l')
    .innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .leftJoin('ticket_assignments as a', (j) => j.onRef('a.ticket_id', '=', 't.id').on('a.role', '=', 'lead').on('a.state', 'not in', ['returned', 'withdrawn']))
    .leftJoin('departments as d', 'd.id', 'a.department_id')
    .select(['t.id', 't.number', 't.title', 't.type', 't.urgency', 't.channel', 't.state', 't.address', 't.district', 't.created_at', 't.master_ticket_id', 'd.name as lead_department'])
    .where('l.alert_id', '=', alertId)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit)
    .execute();
}
