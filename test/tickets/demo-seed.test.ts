import { expect } from 'chai';
import { signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('work orders: demo tickets', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform({ SEED_DEMO: '1', DEMO_PASSWORD: 'Demo-Password-1' });
  });
  after(async () => platform?.stop());

  it('seeds about thirty tickets in every stage, through the use cases (trail and deadlines consistent)', async () => {
    const rows = await platform.ctx.db.selectFrom('tickets').select(['id', 'state', 'number']).execute();
    expect(rows.length).to.be.within(28, 40);
    const states = new Set(rows.map((r) => r.state));
    for (const s of ['pending_dispatch', 'dispatched', 'in_progress', 'return_review', 'extension_review', 'reply_review', 'pending_survey', 'closed', 'merged']) {
      expect(states.has(s as never), s).to.equal(true);
    }
    // Every ticket has a trail starting at registration; every assignment has deadlines in order.
    const events = await platform.ctx.db.selectFrom('ticket_events').select(['ticket_id', 'action']).orderBy('id').execute();
    for (const r of rows) expect(events.find((e) => e.ticket_id === r.id)?.action, r.number).to.equal('register');
    const assignments = await platform.ctx.db.selectFrom('ticket_assignments').selectAll().execute();
    expect(assignments.length).to.be.greaterThan(15);
    for (const a of assignments) expect(a.warn_at <= a.handle_by).to.equal(true);
    // Seeding again is a no-op.
    const { seedDemoTickets } = await import('../../server/src/seed/demo-tickets.ts');
    expect(await seedDemoTickets(platform.ctx)).to.equal(0);
    // A department clerk of the demo city sees its inbox.
    const { accessToken } = await signIn(platform.api, { username: 'zhujian01', password: 'Demo-Password-1' });
    const inbox = await platform.api.get('/api/assignments', accessToken);
    expect(inbox.status).to.equal(200);
    expect(inbox.body.items.length).to.be.greaterThan(0);
    expect(inbox.body.items.every((i: any) => i.department.code === 'zhujian')).to.equal(true);
  });
});
