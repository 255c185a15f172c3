/**
 * The window counts the detection job computes in SQL, on tickets placed exactly at window edges: a window
 * [now − w, now) holds a ticket exactly w hours old and not one a millisecond older; day n is the same clock
 * hours n days earlier.
 */
import { expect } from 'chai';
import { sql } from 'kysely';
import { countWindows } from '../../server/src/modules/hotspots/hotspots.repository.ts';
import { defaultHotspotRules } from '../../server/src/modules/hotspots/detection.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const hour = 3_600_000;
const day = 24 * hour;

describe('hotspots: window counts in SQL', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let category: string;
  let other: string;
  const now = new Date('2026-11-20T10:00:00+08:00');
  let n = 0;
  const ticket = async (ageMs: number, v: { district?: string | null; categoryId?: string; parent?: boolean } = {}) => {
    n += 1;
    const parent = v.parent ? (await sql<{ id: string }>`select id from tickets order by created_at limit 1`.execute(platform.ctx.db)).rows[0]!.id : null;
    await platform.ctx.db
      .insertInto('tickets')
      .values({
        number: `W${n}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: 't', description: 'd', state: 'pending_dispatch',
        category_id: v.categoryId ?? category, district: v.district === undefined ? '东城区' : v.district, parent_ticket_id: parent,
        created_at: new Date(now.getTime() - ageMs), updated_at: now,
      })
      .execute();
  };

  before(async () => {
    platform = await startTestPlatform();
    const rows = await platform.ctx.db.selectFrom('ticket_categories').select(['id', 'code']).where('code', 'in', ['urban.property', 'transport.bus']).execute();
    category = rows.find((r) => r.code === 'urban.property')!.id;
    other = rows.find((r) => r.code === 'transport.bus')!.id;
  });
  after(() => platform?.stop());

  it('places tickets in windows and days by their exact age', async () => {
    await ticket(1); // 1 ms old: 1 h, 6 h, 24 h
    await ticket(hour); // exactly 1 h: 1 h, 6 h, 24 h
    await ticket(hour + 1); // just over 1 h: 6 h, 24 h
    await ticket(6 * hour); // exactly 6 h: 6 h, 24 h
    await ticket(day); // exactly 24 h: 24 h of today
    await ticket(day + 1); // just over a day: day 1, 1 h window
    await ticket(day + hour); // day 1, exactly 1 h
    await ticket(day + 7 * hour); // day 1, 24 h only
    await ticket(28 * day + 30 * 60_000); // day 28, 1 h
    await ticket(29 * day + 30 * 60_000); // day 29: beyond four weeks, ignored
    await ticket(-1); // in the future: ignored
    await ticket(60_000, { district: '  东城区 ' }); // the same district once trimmed: 1 h, 6 h, 24 h
    await ticket(60_000, { district: null }); // no district: no group
    await ticket(60_000, { parent: true }); // a child ticket (下派): not a new request
    await ticket(10 * day, { categoryId: other }); // a group with nothing today: left out

    const groups = await countWindows(platform.ctx.db, now, defaultHotspotRules);
    expect(groups).to.have.length(1);
    const [group] = groups;
    expect(group!.key).to.deep.equal({ categoryId: category, district: '东城区' });
    const byHours = Object.fromEntries(group!.windows.map((w) => [w.windowHours, w]));
    expect(byHours[1]!.count).to.equal(3);
    expect(byHours[6]!.count).to.equal(5);
    expect(byHours[24]!.count).to.equal(6);
    expect(byHours[1]!.baseline).to.have.length(28);
    expect(byHours[1]!.baseline[0]).to.equal(2);
    expect(byHours[6]!.baseline[0]).to.equal(2);
    expect(byHours[24]!.baseline[0]).to.equal(3);
    expect(byHours[1]!.baseline[27]).to.equal(1);
    expect(byHours[1]!.baseline.reduce((a, b) => a + b, 0)).to.equal(3);
  });

  it('counts only the windows configured', async () => {
    const [group] = await countWindows(platform.ctx.db, now, { ...defaultHotspotRules, windowsHours: [12, 2], baselineDays: 7 });
    // 2 h: 1 ms, 1 min, 1 h, 1 h + 1 ms; 12 h adds the 6 h one. Day 1 at 12 h: day + 1 ms, day + 1 h, day + 7 h.
    expect(group!.windows.map((w) => [w.windowHours, w.count])).to.deep.equal([[12, 5], [2, 4]]);
    expect(group!.windows[0]!.baseline).to.deep.equal([3, 0, 0, 0, 0, 0, 0]);
    expect(group!.windows[1]!.baseline).to.deep.equal([2, 0, 0, 0, 0, 0, 0]);
  });
});
