import { expect } from 'chai';
import * as z from 'zod';
import { createDb, createPool } from '../../server/src/platform/db/database.ts';
import { addJob, defineJob, startWorker } from '../../server/src/platform/jobs.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { createTestDatabase } from '../support/database.ts';

describe('jobs on PostgreSQL', function () {
  it('a job enqueued in a transaction exists only if the transaction commits, and then runs once', async () => {
    const pool = createPool(await createTestDatabase(), 4, () => undefined);
    const db = createDb(pool);
    const ran: string[] = [];
    const job = defineJob({ name: 'test.record-run', payload: z.object({ label: z.string() }), run: async ({ label }) => void ran.push(label) });
    await db
      .transaction()
      .execute(async (trx) => {
        await addJob(trx, job, { label: 'rolled-back' });
        throw new Error('state change failed');
      })
      .catch(() => undefined);
    await db.transaction().execute((trx) => addJob(trx, job, { label: 'committed' }));
    // A job with a key replaces its pending twin: only the last reminder survives.
    await addJob(db, job, { label: 'first-reminder' }, { jobKey: 'reminder:1', runAt: new Date(Date.now() + 60_000) });
    await addJob(db, job, { label: 'moved-reminder' }, { jobKey: 'reminder:1' });
    // An invalid payload is dropped, not retried forever.
    await addJob(db, 'test.record-run', { label: 42 } as never);
    const worker = await startWorker({ pool, jobs: [job as never], concurrency: 1, logger: createLogger('silent') });
    try {
      const until = Date.now() + 10_000;
      while (ran.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(ran.sort()).to.deep.equal(['committed', 'moved-reminder']);
      expect(worker.isRunning()).to.equal(true);
    } finally {
      await worker.stop();
      await db.destroy();
    }
    expect(worker.isRunning()).to.equal(false);
  });
});
