import { expect } from 'chai';
import { sql } from 'kysely';
import { recordAudit } from '../../server/src/platform/audit.ts';
import { systemActor } from '../../server/src/platform/actor.ts';
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('audit log', function () {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform?.stop());

  it('records sign-ins with who, when and from which address', async () => {
    const user = await buildUser(platform.ctx.db, {});
    await signIn(platform.api, user);
    const row = await platform.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.signed_in').where('actor_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.actor_username).to.equal(user.username);
    expect(row.ip).to.match(/127\.0\.0\.1/);
    expect(row.at).to.be.instanceOf(Date);
  });

  it('an audit row commits with its change or not at all', async () => {
    const before = await countAudit();
    await platform.ctx.db
      .transaction()
      .execute(async (trx) => {
        await recordAudit(trx, systemActor('test'), { action: 'test.happened', entity: 'test' });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect(await countAudit()).to.equal(before);
    // And a refused API change leaves no trace: creating a duplicate username conflicts.
    const admin = await buildUser(platform.ctx.db, { role: 'admin' });
    const token = (await signIn(platform.api, admin)).accessToken;
    const afterSignIn = await countAudit();
    const dup = await platform.api.post('/api/directory/users', { username: admin.username, displayName: 'x', role: 'agent', password: 'a-long-password-1' }, token);
    expect(dup.status).to.equal(409);
    expect(await countAudit()).to.equal(afterSignIn);
  });

  it('nobody can change or delete history, not even the database owner', async () => {
    await recordAudit(platform.ctx.db, systemActor('test'), { action: 'test.kept', entity: 'test' });
    const update = sql`update audit_log set action = 'rewritten'`.execute(platform.ctx.db);
    await expectRejection(update, /append-only/);
    await expectRejection(sql`delete from audit_log`.execute(platform.ctx.db), /append-only/);
    await expectRejection(sql`truncate audit_log`.execute(platform.ctx.db), /append-only/);
    const kept = await platform.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'test.kept').execute();
    expect(kept).to.have.length(1);
  });

  it('admins and auditors read it, newest first, page by page; others may not', async () => {
    const auditor = await buildUser(platform.ctx.db, { role: 'auditor' });
    const agent = await buildUser(platform.ctx.db, { role: 'agent' });
    const token = (await signIn(platform.api, auditor)).accessToken;
    const page1 = await platform.api.get('/api/audit?limit=2', token);
    expect(page1.status).to.equal(200);
    expect(page1.body.items).to.have.length(2);
    expect(Number(page1.body.items[0].id)).to.be.greaterThan(Number(page1.body.items[1].id));
    const page2 = await platform.api.get(`/api/audit?limit=2&before=${page1.body.nextBefore}`, token);
    expect(Number(page2.body.items[0].id)).to.be.lessThan(Number(page1.body.items[1].id));
    const filtered = await platform.api.get('/api/audit?action=auth.signed_in', token);
    expect(filtered.body.items.every((i: any) => i.action === 'auth.signed_in')).to.equal(true);
    const agentToken = (await signIn(platform.api, agent)).accessToken;
    expect((await platform.api.get('/api/audit', agentToken)).status).to.equal(403);
  });

  async function countAudit(): Promise<number> {
    const row = await platform.ctx.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    return row.n;
  }
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(String((error as Error).message)).to.match(pattern);
    return;
  }
  expect.fail('expected the database to refuse');
}
