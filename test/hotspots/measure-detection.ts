/**
 * Measures one detection run over a large ticket table (not a test; run by hand):
 *   node test/hotspots/measure-detection.ts [tickets=1000000]
 * Spreads the tickets evenly over the last 29 days across every leaf category and 16 districts, plus one
 * burst, then times `runHotspotDetection` (cold and warm) and checks it found the burst.
 */
import { sql } from 'kysely';
import { createDb, createPool } from '../../server/src/platform/db/database.ts';
import { runHotspotDetection } from '../../server/src/modules/hotspots/index.ts';
import { silentPublisher, type AppContext } from '../../server/src/context.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { createTestDatabase, stopTestCluster } from '../support/database.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const url = await createTestDatabase();
const pool = createPool(url, 4, () => undefined);
const db = createDb(pool);
const ctx = { db, logger: createLogger('silent'), publish: silentPublisher } as unknown as AppContext;
try {
  const now = new Date();
  let started = performance.now();
  await sql`
    insert into tickets (number, channel, type, urgency, category_id, title, description, district, state, created_at, updated_at)
    select 'M' || g, 'phone', 'complaint', 'normal', c.id, '测', '测', 'D' || (g % 16), 'pending_dispatch',
           ${now}::timestamptz - (g::double precision / ${total} * interval '29 days') - interval '1 second', ${now}::timestamptz
    from generate_series(1, ${total}::int) g
    join lateral (select id from ticket_categories where parent_id is not null order by id offset (g % 50) limit 1) c on true`.execute(db);
  const burstCategory = (await sql<{ id: string }>`select id from ticket_categories where code = 'utilities.water'`.execute(db)).rows[0]!.id;
  await sql`
    insert into tickets (number, channel, type, urgency, category_id, title, description, district, state, created_at, updated_at)
    select 'B' || g, 'phone', 'complaint', 'normal', ${burstCategory}::uuid, '停水', '停水', '热点区', 'pending_dispatch', ${now}::timestamptz - g * interval '1 minute', ${now}::timestamptz
    from generate_series(1, 40) g`.execute(db);
  await sql`analyze tickets`.execute(db);
  console.log(`loaded ${total} tickets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const run of ['cold', 'warm', 'warm']) {
    started = performance.now();
    const result = await runHotspotDetection(ctx, { now });
    console.log(`${run} run: ${(performance.now() - started).toFixed(0)} ms — opened ${result.opened.length}, updated ${result.updated.length}, closed ${result.closed.length}, linked ${result.linkedTickets}`);
  }
} finally {
  await db.destroy();
  await stopTestCluster();
}
