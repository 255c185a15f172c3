/**
 * The wait loop's figures (telephony.wait-figures.ts): the caller's place and expected wait from one queue
 * snapshot per second, on the real database.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import { describeWait, isQueueStaffed } from '../../server/src/modules/telephony/telephony.wait-figures.ts';
import type { TestPlatform } from '../support/platform.ts';
import { availableAgent, sid, startCallsPlatform } from './support.ts';

describe('wait-loop figures', function () {
  this.timeout(60_000);
  let platform: TestPlatform;

  before(async () => {
    platform = await startCallsPlatform({ WORKER_SCHEDULE: 'off' });
  });
  after(async () => {
    await platform?.stop();
  });

  /** A call waiting in the queue since `secondsAgo`, with a routing priority. */
  async function queuedCall(priority: number, secondsAgo: number) {
    const phone = platform.ctx.pii.protectPhone('+8613900000000');
    return platform.ctx.db
      .insertInto('calls')
      .values({
        call_sid: sid('CA'),
        direction: 'inbound',
        caller_hash: phone.hash,
        caller_encrypted: phone.encrypted,
        caller_masked: phone.masked,
        status: 'queued',
        caller_location: 'queue',
        desk: 'general',
        priority,
        queued_at: new Date(Date.now() - secondsAgo * 1000),
      })
      .returning(['id', 'priority', 'queued_at'])
      .executeTakeFirstOrThrow();
  }

  it('places callers by priority then time queued, and a caller queued after the snapshot among them', async () => {
    const db = platform.ctx.db;
    const oldest = await queuedCall(0, 60);
    const newer = await queuedCall(0, 30);
    const urgent = await queuedCall(1, 10);
    // No agent signed in and no talk time known: one agent and three minutes per caller are assumed.
    expect(await describeWait(db, urgent)).to.deep.equal({ position: 1, minutes: 3 });
    expect(await describeWait(db, oldest)).to.deep.equal({ position: 2, minutes: 6 });
    expect(await describeWait(db, newer)).to.deep.equal({ position: 3, minutes: 9 });
    // Queued within the snapshot's second: not in it, but still placed behind the three.
    const latest = await queuedCall(0, 0);
    expect((await describeWait(db, latest)).position).to.equal(4);
    await sql`update calls set status = 'ended', caller_location = 'none' where status = 'queued'`.execute(db);
  });

  it('trusts a snapshot with staff, but checks again before calling the queue unstaffed', async () => {
    const db = platform.ctx.db;
    await new Promise((r) => setTimeout(r, 1100));
    expect(await isQueueStaffed(db), 'nobody signed in').to.equal(false);
    // Signed in after that snapshot was taken: the answer "unstaffed" is checked against the table.
    await availableAgent(platform);
    expect(await isQueueStaffed(db)).to.equal(true);
  });
});
