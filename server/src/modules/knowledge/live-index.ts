/**
 * The live index: each server process keeps a matcher over the published entries and keeps it fresh through
 * PostgreSQL LISTEN/NOTIFY. A publish or retire NOTIFYs the entry ids in its transaction (delivered on
 * commit); every process — this one included — reloads exactly those entries and upserts or removes them.
 * After a lost connection the listener reconnects and reloads everything, since notifications sent while it
 * was away are gone.
 *
 * State is per AppContext rather than per module, so two platforms in one test process stay independent.
 */
import { createMatcher, type KnowledgeEntry, type Matcher } from '../../../../knowledge-base/src/index.ts';
import type { AppContext } from '../../context.ts';
import { startListener } from '../../platform/db/listen.ts';
import { LIVE_CHANNEL, listLiveEntries } from './knowledge.repository.ts';

/** What the bot and the agents' search need of a published entry besides the matcher's copy. */
export type LiveEntry = {
  id: string;
  code: string;
  question: string;
  answer: string;
  alternates: string[];
  keywords: string[];
  topic: string | null;
  departmentCode: string | null;
};

export type LiveIndex = {
  matcher: Matcher;
  entries: Map<string, LiveEntry>;
  /** Changes applied since start (for tests and metrics). */
  updates: number;
  /** When the last change was applied (ms since epoch). */
  lastUpdateAt: number;
};

type State = { index: LiveIndex | undefined; building: Promise<LiveIndex> | undefined; queue: Promise<void> };

const states = new WeakMap<AppContext, State>();

function stateOf(ctx: AppContext): State {
  let state = states.get(ctx);
  if (!state) {
    state = { index: undefined, building: undefined, queue: Promise.resolve() };
    states.set(ctx, state);
  }
  return state;
}

type LiveRow = Awaited<ReturnType<typeof listLiveEntries>>[number];

function toLive(row: LiveRow): LiveEntry {
  return {
    id: row.id,
    code: row.code,
    question: row.question,
    answer: row.answer,
    alternates: row.alternates,
    keywords: row.keywords,
    topic: row.topic,
    departmentCode: row.department_code,
  };
}

function toMatcherEntry(entry: LiveEntry): KnowledgeEntry {
  return {
    id: entry.id,
    question: entry.question,
    answer: entry.answer,
    alternates: entry.alternates,
    keywords: entry.keywords,
    ...(entry.departmentCode ? { department: entry.departmentCode } : {}),
  };
}

async function buildIndex(ctx: AppContext): Promise<LiveIndex> {
  const live = (await listLiveEntries(ctx.db)).map(toLive);
  const started = performance.now();
  const matcher = createMatcher(live.map(toMatcherEntry));
  ctx.logger.debug({ entries: live.length, ms: Math.round(performance.now() - started) }, 'knowledge index built');
  return { matcher, entries: new Map(live.map((e) => [e.id, e])), updates: 0, lastUpdateAt: Date.now() };
}

/** The process's live index, built on first use. */
export async function liveIndex(ctx: AppContext): Promise<LiveIndex> {
  const state = stateOf(ctx);
  if (state.index) return state.index;
  state.building ??= buildIndex(ctx).then(
    (index) => (state.index = index),
    (error: unknown) => {
      state.building = undefined;
      throw error;
    },
  );
  return state.building;
}

/** A published entry by id from this process's index; undefined when it is not (or no longer) live. */
export async function findLiveEntry(ctx: AppContext, id: string): Promise<LiveEntry | undefined> {
  return (await liveIndex(ctx)).entries.get(id);
}

/**
 * Reloads these entries from the database and applies them: live ones are upserted, the rest removed.
 * Order-independent and idempotent, so a notification that arrives twice or late does no harm; calls are
 * serialised per process so two reloads of one entry cannot interleave.
 */
export function refreshEntries(ctx: AppContext, ids: string[]): Promise<void> {
  const state = stateOf(ctx);
  const run = state.queue.then(async () => {
    if (!state.index) return; // not built yet: the build will read the current rows
    const index = state.index;
    const rows = await listLiveEntries(ctx.db, ids);
    const live = new Map(rows.map((r) => [r.id, toLive(r)]));
    for (const id of ids) {
      const entry = live.get(id);
      if (entry) {
        index.matcher.upsert(toMatcherEntry(entry));
        index.entries.set(id, entry);
      } else if (index.entries.has(id)) {
        index.matcher.remove(id);
        index.entries.delete(id);
      }
    }
    index.updates += ids.length;
    index.lastUpdateAt = Date.now();
  });
  state.queue = run.catch((error: unknown) => ctx.logger.warn({ err: error }, 'knowledge index refresh failed'));
  return run;
}

/** Replaces the whole index (after a reconnect: notifications sent meanwhile were lost). */
async function rebuildIndex(ctx: AppContext): Promise<void> {
  const state = stateOf(ctx);
  const run = state.queue.then(async () => {
    state.index = await buildIndex(ctx);
  });
  state.queue = run.catch((error: unknown) => ctx.logger.warn({ err: error }, 'knowledge index rebuild failed'));
  return run;
}

/**
 * Builds the index and listens for changes on a dedicated connection (LISTEN cannot share a pooled one).
 * Returns a stop function. The connection reconnects with a growing pause, then reloads the whole index.
 */
export async function startLiveIndex(ctx: AppContext, databaseUrl: string): Promise<() => Promise<void>> {
  await liveIndex(ctx);
  return startListener({
    databaseUrl,
    channel: LIVE_CHANNEL,
    applicationName: 'hotline-12345-kb-listener',
    logger: ctx.logger,
    label: 'knowledge listener',
    onNotification: (payload) => {
      if (!payload) return;
      let ids: unknown;
      try {
        ids = JSON.parse(payload);
      } catch {
        return;
      }
      if (Array.isArray(ids)) void refreshEntries(ctx, ids.filter((id): id is string => typeof id === 'string')).catch(() => {});
    },
    // Changes published while the connection was down were not heard: reload the whole index.
    onConnected: async (_client, isReconnect) => {
      if (isReconnect) await rebuildIndex(ctx);
    },
  });
}

/** For tests: force the listener's connection closed from the server side to exercise the reconnect. */
export function listenerApplicationName(): string {
  return 'hotline-12345-kb-listener';
}
