/**
 * What the wait loop announces: the caller's place in the queue and the expected wait.
 *
 * Every queued caller asks again every half minute or so, so a long queue (a thousand callers during a water
 * outage) means dozens of wait webhooks a second, each of which used to count the callers ahead of it: work
 * that grows with the square of the queue. Instead, one snapshot of the queue and of the staffing figures
 * serves every wait webhook of this process for a second (one query in flight at a time); the announcement
 * is at most that much out of date, which a caller cannot hear.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CallRow } from '../calls/calls.repository.ts';

/** How long one snapshot answers wait webhooks. */
const SNAPSHOT_MS = 1_000;

type QueuedCall = { id: string; priority: number; queuedAt: number };
type Snapshot = {
  takenAt: number;
  /** Queued calls, the next to be answered first (higher priority, then earlier queued). */
  queue: QueuedCall[];
  /** Place in `queue` by call id (1 = next). */
  places: Map<string, number>;
  /** Recent average talk time in seconds (three minutes when nothing is known yet). */
  averageTalkSeconds: number;
  /** Agents signed in (any state but offline). */
  agentsSignedIn: number;
};

const snapshots = new WeakMap<Executor, { current?: Snapshot; pending?: Promise<Snapshot> }>();

/**
 * The caller's place (1 = next) and the expected wait in whole minutes (at least one): callers ahead × recent
 * average talk time ÷ agents signed in. A call queued after the snapshot was taken is placed among it.
 */
export async function describeWait(db: Executor, call: Pick<CallRow, 'id' | 'priority' | 'queued_at'>): Promise<{ position: number; minutes: number }> {
  const snapshot = await snapshotOf(db);
  const position = snapshot.places.get(call.id) ?? placeAmong(snapshot.queue, call);
  const minutes = Math.max(1, Math.ceil((position * snapshot.averageTalkSeconds) / Math.max(1, snapshot.agentsSignedIn) / 60));
  return { position, minutes };
}

/**
 * True when at least one agent is signed in. A snapshot that shows staff is trusted (at worst the caller waits
 * one more round); one that shows none is checked again, since the answer sends the caller elsewhere.
 */
export async function isQueueStaffed(db: Executor): Promise<boolean> {
  if ((await snapshotOf(db)).agentsSignedIn > 0) return true;
  const staffed = await db.selectFrom('agent_states').select('user_id').where('state', '!=', 'offline').limit(1).executeTakeFirst();
  return staffed !== undefined;
}

function placeAmong(queue: QueuedCall[], call: Pick<CallRow, 'id' | 'priority' | 'queued_at'>): number {
  const queuedAt = call.queued_at?.getTime() ?? Date.now();
  const ahead = queue.filter((q) => q.id !== call.id && (q.priority > call.priority || (q.priority === call.priority && q.queuedAt < queuedAt))).length;
  return ahead + 1;
}

async function snapshotOf(db: Executor): Promise<Snapshot> {
  let entry = snapshots.get(db);
  if (!entry) snapshots.set(db, (entry = {}));
  if (entry.current && Date.now() - entry.current.takenAt < SNAPSHOT_MS) return entry.current;
  if (!entry.pending) {
    const slot = entry;
    slot.pending = takeSnapshot(db).then(
      (snapshot) => {
        slot.current = snapshot;
        slot.pending = undefined;
        return snapshot;
      },
      (error: unknown) => {
        slot.pending = undefined;
        throw error;
      },
    );
  }
  return entry.pending!;
}

async function takeSnapshot(db: Executor): Promise<Snapshot> {
  const takenAt = Date.now();
  const { rows } = await sql<{ queue: { id: string; priority: number; queued_at: string }[] | null; talk: string | null; agents: number }>`
    select (select json_agg(json_build_object('id', id, 'priority', priority, 'queued_at', queued_at) order by priority desc, queued_at, id)
              from calls where status = 'queued') as queue,
           (select avg(talk_seconds) from calls where ended_at > now() - interval '2 hours' and talk_seconds is not null) as talk,
           (select count(*)::int from agent_states where state <> 'offline') as agents
  `.execute(db);
  const row = rows[0]!;
  const queue = (row.queue ?? []).map((q) => ({ id: q.id, priority: q.priority, queuedAt: new Date(q.queued_at).getTime() }));
  return {
    takenAt,
    queue,
    places: new Map(queue.map((q, i) => [q.id, i + 1])),
    averageTalkSeconds: Number(row.talk ?? 180) || 180,
    agentsSignedIn: row.agents,
  };
}
