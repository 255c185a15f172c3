/** SQL of Open311: API keys, the catalogue's leaves as services, and requests (tickets filed through Open311). */
import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { TicketStateColumn } from '../../schema.ts';

// ── API keys ─────────────────────────────────────────────────────────────────────────────────────────────────

export async function insertApiKey(db: Executor, values: { name: string; prefix: string; hash: Buffer; createdBy: string | null }) {
  return db
    .insertInto('open311_api_keys')
    .values({ name: values.name, key_prefix: values.prefix, key_hash: values.hash, created_by: values.createdBy, last_used_at: null, revoked_at: null })
    .returning(['id', 'name', 'key_prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Executor) {
  return db.selectFrom('open311_api_keys').select(['id', 'name', 'key_prefix', 'created_at', 'last_used_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
}

/** Marks a key revoked; false when there is no such live key. */
export async function revokeApiKey(db: Executor, id: string): Promise<{ name: string } | undefined> {
  return db.updateTable('open311_api_keys').set({ revoked_at: sql`now()` }).where('id', '=', id).where('revoked_at', 'is', null).returning('name').executeTakeFirst();
}

/** The live key with this hash (a unique index: the lookup does not depend on how much of the key is right). */
export async function useApiKey(db: Executor, hash: Buffer): Promise<{ id: string; name: string } | undefined> {
  return db
    .updateTable('open311_api_keys')
    .set({ last_used_at: sql`now()` })
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .returning(['id', 'name'])
    .executeTakeFirst();
}

// ── Services ─────────────────────────────────────────────────────────────────────────────────────────────────

export type ServiceRow = { id: string; code: string; name: string; name_en: string; group_name: string | null; group_name_en: string | null };

/** Active leaves of the catalogue (categories without active children), in catalogue order. */
export async function listServices(db: Executor): Promise<ServiceRow[]> {
  const { rows } = await sql<ServiceRow>`
    select c.id, c.code, c.name, c.name_en, p.name as group_name, p.name_en as group_name_en
      from ticket_categories c
      left join ticket_categories p on p.id = c.parent_id
     where c.active
       and not exists (select 1 from ticket_categories k where k.parent_id = c.id and k.active)
     order by p.sort_order nulls first, c.sort_order, c.code`.execute(db);
  return rows;
}

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────────────────

export type RequestRow = {
  id: string;
  number: string;
  state: TicketStateColumn;
  closure: string | null;
  transferred_to: string | null;
  resolution: string | null;
  confidential: boolean;
  description: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  service_code: string | null;
  service_name: string | null;
  service_name_en: string | null;
  master_number: string | null;
  /** The master's state for a merged ticket (it follows the master), else its own. */
  effective_state: TicketStateColumn;
  effective_closure: string | null;
  agency: string | null;
  lead_state: string | null;
  lead_reply: string | null;
  lead_handle_by: Date | null;
};

export type RequestFilters = {
  numbers?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  status?: ('open' | 'closed')[];
  limit: number;
};

const finishedStates = sql`('pending_survey', 'closed')`;

/**
 * Requests filed through Open311 (channel `open311`), newest first, with the lead department and its reply.
 * The lead of the ticket whose progress counts (the master of a merged ticket).
 */
export async function listRequests(db: Executor, f: RequestFilters): Promise<RequestRow[]> {
  const where: ReturnType<typeof sql<SqlBool>>[] = [sql<SqlBool>`t.channel = 'open311'`];
  if (f.numbers?.length) where.push(sql<SqlBool>`t.number in (${sql.join(f.numbers)})`);
  if (f.serviceCodes?.length) where.push(sql<SqlBool>`c.code in (${sql.join(f.serviceCodes)})`);
  if (f.from) where.push(sql<SqlBool>`t.created_at >= ${f.from}`);
  if (f.to) where.push(sql<SqlBool>`t.created_at <= ${f.to}`);
  if (f.status?.length === 1) {
    where.push(f.status[0] === 'closed' ? sql<SqlBool>`coalesce(m.state, t.state) in ${finishedStates}` : sql<SqlBool>`coalesce(m.state, t.state) not in ${finishedStates}`);
  }
  const { rows } = await sql<RequestRow>`
    select t.id, t.number, t.state, t.closure, t.transferred_to, t.resolution, t.confidential, t.description, t.address,
           t.latitude, t.longitude, t.created_at, greatest(t.updated_at, m.updated_at) as updated_at, coalesce(m.closed_at, t.closed_at) as closed_at,
           c.code as service_code, c.name as service_name, c.name_en as service_name_en,
           m.number as master_number, coalesce(m.state, t.state) as effective_state, coalesce(m.closure, t.closure) as effective_closure,
           lead.name as agency, lead.state as lead_state, lead.reply as lead_reply, lead.handle_by as lead_handle_by
      from tickets t
      left join ticket_categories c on c.id = t.category_id
      left join tickets m on m.id = t.master_ticket_id
      left join lateral (
        select d.name, a.state, a.reply, a.handle_by
          from ticket_assignments a join departments d on d.id = a.department_id
         where a.ticket_id = coalesce(t.master_ticket_id, t.id) and a.role = 'lead' and a.state not in ('returned', 'withdrawn')
         order by a.created_at desc limit 1) lead on true
     where ${sql.join(where, sql` and `)}
     order by t.created_at desc, t.id desc
     limit ${f.limit}`.execute(db);
  return rows;
}
