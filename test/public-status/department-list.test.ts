import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWorld, complaint, type World } from '../tickets/world.ts';

/**
 * A department's ticket list after its query was split in two merged branches (own assignments; child tickets
 * it passed down) for speed: the same rows as the isolation rule says, each once, in order, across pages.
 * (Lives here because test/tickets belongs to the work-order owners; the query is in tickets.repository.ts.)
 */
describe('work orders: a department’s ticket list (merged branches)', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let world: World;

  before(async () => {
    platform = await startTestPlatform();
    world = await buildWorld(platform);
  });
  after(async () => platform?.stop());

  it('lists own tickets and children passed down, once each, newest first, page by page; nothing of others', async () => {
    const { departments: d, tokens } = world;
    const register = async (body: Record<string, unknown>) => (await platform.api.post('/api/tickets', complaint(body), tokens.agent)).body;
    const mine1 = await register({ title: '一号工单', disposition: 'dispatch', dispatch: { leadDepartmentId: d.lead.id } });
    const theirs = await register({ title: '别人的工单', disposition: 'dispatch', dispatch: { leadDepartmentId: d.other.id } });
    const mine2 = await register({ title: '二号工单', disposition: 'dispatch', dispatch: { leadDepartmentId: d.assist.id, assistDepartmentIds: [d.lead.id] } });
    const a = mine1.assignments[0];
    expect((await platform.api.post(`/api/assignments/${a.id}/sign`, {}, tokens.leadClerk)).status).to.equal(200);
    const parent = await platform.api.post(`/api/assignments/${a.id}/sub-dispatch`, { subUnitDepartmentId: d.subUnit.id }, tokens.leadClerk);
    expect(parent.status, JSON.stringify(parent.body)).to.equal(200);
    const childId = parent.body.assignments.find((x: any) => x.id === a.id).childTicketId;
    expect(childId).to.be.a('string');

    const list = async (token: string, query = '') => (await platform.api.get(`/api/tickets${query}`, token)).body;
    const leadIds = (await list(tokens.leadClerk)).items.map((t: any) => t.id);
    expect(leadIds).to.have.members([mine1.id, mine2.id, childId]);
    expect(leadIds).to.have.length(3);
    expect(leadIds).not.to.include(theirs.id);
    // Newest first: the child was registered last.
    expect(leadIds[0]).to.equal(childId);
    // The sub-unit sees its child ticket only; the other department only its own.
    expect((await list(tokens.subUnitClerk)).items.map((t: any) => t.id)).to.deep.equal([childId]);
    expect((await list(tokens.otherClerk)).items.map((t: any) => t.id)).to.deep.equal([theirs.id]);

    // One row per page: the keyset walks both branches without repeating or skipping.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await list(tokens.leadClerk, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...page.items.map((t: any) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).to.deep.equal(leadIds);
    // Filters apply to both branches.
    expect((await list(tokens.leadClerk, `?q=${encodeURIComponent('二号')}`)).items.map((t: any) => t.id)).to.deep.equal([mine2.id]);
  });
});
