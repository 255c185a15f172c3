/**
 * The default assessment pinned on hand-built rows (October 2026, Asia/Shanghai): every line's points, the
 * bonus cap, the 100-point ceiling, a department with no work, ranking ties, isolation, publishing and history.
 * The working is in the comments beside each expectation.
 */
import { expect } from 'chai';
import { computeScores, defaultScheme, parsePeriod } from '../../server/src/modules/assessment/index.ts';
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const at = (local: string) => new Date(`2026-${local}+08:00`);

describe('assessment: the default scheme on hand-built data', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  const dept: Record<'A' | 'B' | 'C' | 'D' | 'E', { id: string; name: string }> = {} as never;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const api = (method: string, path: string, token: string, body?: unknown) => platform.api.request(method, path, { token, body });

  before(async () => {
    platform = await startTestPlatform();
    const db = platform.ctx.db;
    dept.A = await buildDepartment(db, { name: '甲局' });
    dept.B = await buildDepartment(db, { name: '乙局' });
    dept.C = await buildDepartment(db, { name: '丙局' });
    dept.D = await buildDepartment(db, { name: '丁局' });
    dept.E = await buildDepartment(db, { name: '戊局' });
    const agent = await buildUser(db, { role: 'agent' });
    for (const [name, user] of Object.entries({
      supervisor: await buildUser(db, { role: 'supervisor' }),
      admin: await buildUser(db, { role: 'admin' }),
      agent,
      staffA: await buildUser(db, { role: 'department_staff', departmentId: dept.A.id }),
    })) tokens[name] = (await signIn(platform.api, user)).accessToken;

    let n = 0;
    const ticket = async (name: string, v: Record<string, unknown>) => {
      n += 1;
      const row = await db
        .insertInto('tickets')
        .values({ number: `AS${n}`, channel: 'phone', type: 'complaint', urgency: 'normal', title: name, description: name, registered_by: agent.id, state: 'closed', closure: 'handled', created_at: at('10-05T09:00:00'), closed_at: at('10-20T09:00:00'), ...v } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    /** A lead assignment dispatched 10-05 10:00, sign by 12:00, handle by 10-13 18:00. */
    const assignment = async (name: string, ticketName: string, departmentId: string, signedAt: string, repliedAt: string) => {
      const row = await db
        .insertInto('ticket_assignments')
        .values({
          ticket_id: ids[ticketName]!, department_id: departmentId, role: 'lead', state: 'done', urgency: 'normal',
          dispatched_at: at('10-05T10:00:00'), sign_by: at('10-05T12:00:00'), signed_at: at(signedAt),
          handle_by: at('10-13T18:00:00'), replied_at: at(repliedAt), return_by: at('10-07T10:00:00'), warn_at: at('10-12T10:00:00'),
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    const event = async (ticketName: string, action: string, when: string, data: Record<string, unknown> = {}, assignmentName?: string) => {
      await db
        .insertInto('ticket_events')
        .values({ ticket_id: ids[ticketName]!, assignment_id: assignmentName ? ids[assignmentName]! : null, actor_name: 't', actor_role: 'agent', action, at: at(when), data: JSON.stringify(data) } as never)
        .execute();
    };

    // 甲局: four tickets. Signed on time 3/4 (TA4 late), replied on time 2/4 (TA3, TA4 late), one return request
    // (TA3, refused: the assignment stayed), ratings satisfied, basically satisfied, satisfied, unsatisfied.
    await ticket('TA1', {});
    await assignment('a1', 'TA1', dept.A.id, '10-05T11:00:00', '10-10T10:00:00');
    await event('TA1', 'recordSurvey', '10-14T10:00:00', { result: 'satisfied' });
    await ticket('TA2', {});
    await assignment('a2', 'TA2', dept.A.id, '10-05T11:00:00', '10-11T10:00:00');
    await event('TA2', 'recordSurvey', '10-14T10:00:00', { result: 'basically_satisfied' });
    await ticket('TA3', {});
    await assignment('a3', 'TA3', dept.A.id, '10-05T11:30:00', '10-14T10:00:00');
    await event('TA3', 'return', '10-06T10:00:00', {}, 'a3');
    await event('TA3', 'recordSurvey', '10-15T10:00:00', { result: 'satisfied' });
    await ticket('TA4', {});
    await assignment('a4', 'TA4', dept.A.id, '10-05T13:00:00', '10-15T10:00:00');
    await event('TA4', 'recordSurvey', '10-16T10:00:00', { result: 'unsatisfied' });
    // A 效能投诉 against 甲局, found substantiated on 10-20 (handled by the office, so no assignment of 甲局).
    await ticket('TA5', {});
    await db.insertInto('conduct_complaints').values({ ticket_id: ids.TA5!, department_id: dept.A.id, flagged_by: null, finding: 'substantiated', finding_note: '推诿扯皮属实', decided_by: null, decided_at: at('10-20T10:00:00') }).execute();
    // One on-time ticket each for 乙局, 丙局, 丁局; 戊局 had no work at all.
    for (const d of ['B', 'C', 'D'] as const) {
      await ticket(`T${d}`, {});
      await assignment(`a${d}`, `T${d}`, dept[d].id, '10-05T11:00:00', '10-10T10:00:00');
    }

    // Supervisor score and bonuses through the API (audited).
    const score = await api('PUT', `/api/assessment/periods/2026-10/departments/${dept.A.id}/items/quality`, tokens.supervisor!, { points: 8, note: '两件答复内容不完整', evidence: ['督查通报〔2026〕12号'] });
    expect(score.status, JSON.stringify(score.body)).to.equal(204);
    for (const [d, points, kind, on] of [['A', 3, 'commendation', '2026-10-08'], ['A', 4, 'thanks', '2026-10-15'], ['B', 3, 'thanks', '2026-10-09'], ['B', 3, 'thanks', '2026-10-21']] as const) {
      const res = await api('POST', '/api/assessment/bonuses', tokens.supervisor!, { departmentId: dept[d].id, kind, points, awardedOn: on, note: '市民感谢信', evidence: ['感谢信扫描件.pdf'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });
  after(async () => platform?.stop());

  const line = (score: any, key: string) => score.lines.find((l: any) => l.key === key);

  describe('provisional October', () => {
    let ranking: any;
    before(async () => {
      const res = await api('GET', '/api/assessment/periods/2026-10/ranking', tokens.supervisor!);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      ranking = res.body;
    });

    it('甲局, line by line: 11.25 + 12.5 + 18.75 + 0 + 10 + 8 − 2 + 5 = 63.5', async () => {
      const res = await api('GET', `/api/assessment/periods/2026-10/departments/${dept.A.id}`, tokens.staffA!);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const s = res.body.score;
      expect(s.provisional).to.equal(true);
      expect(line(s, 'signedOnTime')).to.include({ numerator: 3, denominator: 4, points: 11.25 }); // 15 × 3/4
      expect(line(s, 'finishedOnTime')).to.include({ numerator: 2, denominator: 4, points: 12.5 }); // 25 × 2/4
      expect(line(s, 'satisfaction')).to.include({ numerator: 3, denominator: 4, points: 18.75 }); // 25 × 3/4
      expect(line(s, 'returnRate')).to.include({ numerator: 1, denominator: 4, points: 0 }); // 25% is 20 points over 5%: 10 − 20, floored at 0
      expect(line(s, 'reopenRate')).to.include({ numerator: 0, denominator: 4, points: 10 });
      expect(line(s, 'quality')).to.include({ points: 8, scored: true, note: '两件答复内容不完整' });
      expect(line(s, 'quality').evidence).to.deep.equal(['督查通报〔2026〕12号']);
      expect(line(s, 'conduct')).to.include({ count: 1, points: -2 });
      expect(line(s, 'conduct').complaints[0].number).to.equal('AS5');
      expect(s.bonus).to.include({ raw: 7, points: 5, cap: 5 }); // 3 + 4, capped at 5
      expect(s.base).to.equal(60.5);
      expect(s.total).to.equal(63.5);
      expect(line(s, 'returnRate').ruleText['zh-CN']).to.contain('每超 1 个百分点扣 1 分');
    });

    it('each measure line drills down to the tickets behind it (the department sees its own)', async () => {
      const res = await api('GET', `/api/assessment/periods/2026-10/departments/${dept.A.id}`, tokens.staffA!);
      const drill = await api('GET', line(res.body.score, 'signedOnTime').drillDown, tokens.staffA!);
      expect(drill.status, JSON.stringify(drill.body)).to.equal(200);
      expect(drill.body.total).to.equal(4);
      expect(drill.body.items.filter((i: any) => !i.inNumerator).map((i: any) => i.ref)).to.deep.equal(['AS4']);
    });

    it('乙局: full marks, a rate with no denominator earns its weight, and the bonus stops at 100', () => {
      const b = ranking.scores.find((s: any) => s.departmentId === dept.B.id);
      expect(line(b, 'satisfaction')).to.include({ denominator: 0, noData: true, points: 25 });
      expect(line(b, 'quality')).to.include({ scored: false, points: 10 }); // unscored: full weight
      expect(b.base).to.equal(95);
      expect(b.bonus).to.include({ raw: 6, points: 5 });
      expect(b.total).to.equal(100);
    });

    it('a department with no work in the period is not assessed: no total, no rank, listed last', () => {
      const e = ranking.rows.find((r: any) => r.departmentId === dept.E.id);
      expect(e).to.include({ assessed: false, total: null, rank: null });
      expect(ranking.rows.at(-1).departmentId).to.equal(dept.E.id);
    });

    it('ranking: equal totals share a rank and the next rank skips (1, 2, 2, 4)', () => {
      const mine = ranking.rows.filter((r: any) => Object.values(dept).some((d) => d.id === r.departmentId));
      expect(mine.map((r: any) => [r.departmentName, r.rank, r.total])).to.deep.equal([
        ['乙局', 1, 100],
        ['丙局', 2, 95],
        ['丁局', 2, 95],
        ['甲局', 4, 63.5],
        ['戊局', null, null],
      ]);
      expect(ranking.published).to.equal(false);
      expect(ranking.scheme.version).to.equal(0);
    });

    it('totals never exceed 100', () => {
      for (const r of ranking.rows) if (r.total !== null) expect(r.total).to.be.at.most(100);
    });
  });

  describe('isolation', () => {
    it('department staff cannot see the ranking (403, in Chinese or English)', async () => {
      const zh = await api('GET', '/api/assessment/periods/2026-10/ranking', tokens.staffA!);
      expect(zh.status).to.equal(403);
      expect(zh.body.error.message).to.contain('本部门');
      const en = await platform.api.request('GET', '/api/assessment/periods/2026-10/ranking', { token: tokens.staffA!, headers: { 'accept-language': 'en' } });
      expect(en.body.error.message).to.contain('own score');
    });

    it("department staff cannot see another department's score", async () => {
      const res = await api('GET', `/api/assessment/periods/2026-10/departments/${dept.B.id}`, tokens.staffA!);
      expect(res.status).to.equal(403);
    });

    it('agents see no assessment at all', async () => {
      expect((await api('GET', '/api/assessment/periods/2026-10/ranking', tokens.agent!)).status).to.equal(403);
    });

    it('the department scope reaches the SQL: computing for 甲局 reads only 甲局 rows', async () => {
      const scores = await computeScores(platform.ctx, { kind: 'department', departmentId: dept.A.id }, parsePeriod('2026-10')!, defaultScheme);
      expect(scores.map((s) => s.departmentId)).to.deep.equal([dept.A.id]);
      expect(scores[0]!.total).to.equal(63.5);
    });

    it('only supervisors and admins score; department staff are refused', async () => {
      const res = await api('PUT', `/api/assessment/periods/2026-10/departments/${dept.A.id}/items/quality`, tokens.staffA!, { points: 10, note: '自评', evidence: [] });
      expect(res.status).to.equal(403);
    });

    it('bad input gets a clear message: unknown item, points over the weight, a malformed period', async () => {
      const unknown = await api('PUT', `/api/assessment/periods/2026-10/departments/${dept.A.id}/items/signedOnTime`, tokens.supervisor!, { points: 5, note: 'x', evidence: [] });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.message).to.contain('signedOnTime');
      const over = await api('PUT', `/api/assessment/periods/2026-10/departments/${dept.A.id}/items/quality`, tokens.supervisor!, { points: 12, note: 'x', evidence: [] });
      expect(over.status).to.equal(400);
      expect(over.body.error.message).to.contain('0 到 10');
      const period = await api('GET', '/api/assessment/periods/2026-13/ranking', tokens.supervisor!);
      expect(period.status).to.equal(400);
    });
  });

  describe('publishing', () => {
    it('an unfinished period cannot be published; only admins publish', async () => {
      const early = await api('POST', '/api/assessment/periods/2099-01/publish', tokens.admin!);
      expect(early.status).to.equal(409);
      expect(early.body.error.message).to.contain('尚未结束');
      expect((await api('POST', '/api/assessment/periods/2026-10/publish', tokens.supervisor!)).status).to.equal(403);
    });

    it('publishing freezes the scores: later rows do not move them, and the period refuses changes', async () => {
      const res = await api('POST', '/api/assessment/periods/2026-10/publish', tokens.admin!);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      // A late-recorded unsatisfied rating for 乙局 in October would cost it 25 points live.
      await platform.ctx.db
        .insertInto('ticket_events')
        .values({ ticket_id: ids.TB!, assignment_id: null, actor_name: 't', actor_role: 'agent', action: 'recordSurvey', at: at('10-25T10:00:00'), data: JSON.stringify({ result: 'unsatisfied' }) } as never)
        .execute();
      const live = await computeScores(platform.ctx, { kind: 'department', departmentId: dept.B.id }, parsePeriod('2026-10')!, defaultScheme);
      expect(live[0]!.total).to.equal(75); // live: 满意率 0/1 → 0 of 25, so 70 + bonus 5 = 75
      const frozen = await api('GET', '/api/assessment/periods/2026-10/ranking', tokens.supervisor!);
      expect(frozen.body.published).to.equal(true);
      expect(frozen.body.rows.find((r: any) => r.departmentId === dept.B.id)).to.include({ total: 100, rank: 1 });
      const own = await api('GET', `/api/assessment/periods/2026-10/departments/${dept.A.id}`, tokens.staffA!);
      expect(own.body.score).to.include({ provisional: false, total: 63.5, rank: 4 });

      const again = await api('POST', '/api/assessment/periods/2026-10/publish', tokens.admin!);
      expect(again.status).to.equal(409);
      const score = await api('PUT', `/api/assessment/periods/2026-10/departments/${dept.A.id}/items/quality`, tokens.supervisor!, { points: 10, note: '复核', evidence: [] });
      expect(score.status).to.equal(409);
      expect(score.body.error.message).to.contain('已发布');
      const bonus = await api('POST', '/api/assessment/bonuses', tokens.supervisor!, { departmentId: dept.A.id, kind: 'thanks', points: 1, awardedOn: '2026-10-30', note: '补录', evidence: [] });
      expect(bonus.status).to.equal(409);
    });

    it('history lists published results; department staff get only their own rows', async () => {
      const all = await api('GET', '/api/assessment/history?kind=month', tokens.supervisor!);
      expect(all.status).to.equal(200);
      expect(all.body.rows.filter((r: any) => r.period === '2026-10').length).to.be.at.least(5);
      const own = await api('GET', '/api/assessment/history?kind=month', tokens.staffA!);
      expect(own.body.rows.map((r: any) => [r.period, r.departmentId, r.rank, r.total])).to.deep.equal([['2026-10', dept.A.id, 4, 63.5]]);
    });

    it('the audit trail records the score, the bonuses and the publication', async () => {
      const rows = await platform.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'assessment.%').execute();
      const actions = rows.map((r) => r.action);
      expect(actions).to.include.members(['assessment.item_scored', 'assessment.bonus_recorded', 'assessment.published']);
    });
  });

  describe('scheme versions', () => {
    const definition = {
      bonusCap: 5,
      items: defaultScheme.definition.items.map((i) => (i.key === 'satisfaction' && i.kind === 'measure' ? { ...i, weight: 20 } : i.key === 'quality' && i.kind === 'supervisor' ? { ...i, weight: 15 } : i)),
    };

    it('a new version applies from its month on; earlier periods keep the scheme in force then', async () => {
      const saved = await api('POST', '/api/assessment/schemes', tokens.admin!, { effectiveFrom: '2026-12-01', definition, note: '满意率权重调整' });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
      expect(saved.body.version).to.equal(1);
      const nov = await api('GET', `/api/assessment/periods/2026-11/departments/${dept.A.id}`, tokens.supervisor!);
      expect(nov.body.scheme.version).to.equal(0);
      const dec = await api('GET', `/api/assessment/periods/2026-12/departments/${dept.A.id}`, tokens.supervisor!);
      expect(dec.body.scheme.version).to.equal(1);
      expect(line(dec.body.score, 'quality').weight).to.equal(15);
    });

    it('a version may not reach back into a published period, and only admins save one', async () => {
      const back = await api('POST', '/api/assessment/schemes', tokens.admin!, { effectiveFrom: '2026-10-01', definition });
      expect(back.status).to.equal(409);
      expect(back.body.error.message).to.contain('2026-10');
      expect((await api('POST', '/api/assessment/schemes', tokens.supervisor!, { effectiveFrom: '2027-01-01', definition })).status).to.equal(403);
      const incoherent = await api('POST', '/api/assessment/schemes', tokens.admin!, { effectiveFrom: '2027-01-01', definition: { ...definition, bonusCap: 20 } });
      expect(incoherent.status).to.equal(400);
    });
  });
});
