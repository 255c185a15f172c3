import { expect } from 'chai';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, waitForMessages, type World } from './world.ts';

describe('a ticket registered from a call', function () {
  let platform: TestPlatform;
  let world: World;
  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
  });
  after(() => platform?.stop());

  it('takes the caller’s number from the call when the agent does not type it, and texts the ticket number to it', async () => {
    const caller = platform.ctx.pii.protectPhone('13912345678');
    const { rows } = await sql<{ id: string }>`
      insert into calls (direction, caller_hash, caller_encrypted, caller_masked, status)
      values ('inbound', ${caller.hash}, ${caller.encrypted}, ${caller.masked}, 'ended') returning id`.execute(platform.ctx.db);
    const callId = rows[0]!.id;
    const body = complaint({ caller: { name: '李女士' }, callIds: [callId] });
    const res = await platform.api.post('/api/tickets', body, world.tokens.agent);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ticket = await platform.ctx.db
      .selectFrom('tickets')
      .select(['caller_phone_hash', 'caller_phone_masked', 'caller_phone_last_four', 'call_ids'])
      .where('number', '=', res.body.number ?? res.body.ticket?.number)
      .executeTakeFirstOrThrow();
    expect(ticket).to.deep.include({ caller_phone_hash: caller.hash, caller_phone_masked: '139****5678', caller_phone_last_four: '5678' });
    expect(ticket.call_ids).to.deep.equal([callId]);
    const sms = await waitForMessages(platform, (m) => m.to.endsWith('13912345678'), 1);
    expect(sms).to.have.length(1);
  });

  it('an unknown or malformed call id leaves the ticket without a phone rather than failing', async () => {
    const res = await platform.api.post('/api/tickets', complaint({ caller: { name: '王先生' }, callIds: ['not-a-call-id'] }), world.tokens.agent);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });
});
