/**
 * The people and departments the work-order tests need, built with the factories (never the demo seed):
 * an agent, two supervisors (reviewers), an admin, an auditor, three departments (one with a sub-unit) and a
 * clerk in each, all signed in through the real API.
 */
import { buildDepartment, buildUser, signIn } from '../support/factories.ts';
import type { TestPlatform } from '../support/platform.ts';

export async function buildWorld(platform: TestPlatform) {
  const db = platform.ctx.db;
  const lead = await buildDepartment(db, { name: '市住房和城乡建设局（测试）', contactPhone: '057187011200' });
  const assist = await buildDepartment(db, { name: '东城街道办事处（测试）', kind: 'street', contactPhone: '057187030101' });
  const other = await buildDepartment(db, { name: '市教育局（测试）', contactPhone: '057187011550' });
  const subUnit = await buildDepartment(db, { name: '住建局物业科（测试）', kind: 'subunit', parentId: lead.id, contactPhone: '057187011201' });
  const people = {
    agent: await buildUser(db, { role: 'agent' }),
    supervisor: await buildUser(db, { role: 'supervisor' }),
    supervisor2: await buildUser(db, { role: 'supervisor' }),
    admin: await buildUser(db, { role: 'admin' }),
    auditor: await buildUser(db, { role: 'auditor' }),
    leadClerk: await buildUser(db, { role: 'department_staff', departmentId: lead.id }),
    assistClerk: await buildUser(db, { role: 'department_staff', departmentId: assist.id }),
    otherClerk: await buildUser(db, { role: 'department_staff', departmentId: other.id }),
    subUnitClerk: await buildUser(db, { role: 'department_staff', departmentId: subUnit.id }),
  };
  const tokens = {} as Record<keyof typeof people, string>;
  for (const [name, user] of Object.entries(people)) tokens[name as keyof typeof people] = (await signIn(platform.api, user)).accessToken;
  return { departments: { lead, assist, other, subUnit }, people, tokens };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** A complaint about property management with a caller phone, ready to register. */
export function complaint(overrides: Record<string, unknown> = {}) {
  return {
    channel: 'phone',
    type: 'complaint',
    urgency: 'normal',
    title: '小区电梯长期故障无人维修',
    description: '东城区幸福里小区3号楼电梯停运两周，物业一直不修，老人上下楼困难，请相关部门督促物业尽快维修。',
    address: '东城区幸福里小区3号楼',
    district: '东城区',
    caller: { name: '张先生', phone: '13800138000' },
    ...overrides,
  };
}

/** Waits (briefly) for SMS jobs to reach the carrier simulator; returns the matching messages. */
export async function waitForMessages(platform: TestPlatform, match: (m: { to: string; body: string }) => boolean, count: number) {
  const until = Date.now() + 10_000;
  for (;;) {
    const found = platform.carrierSim!.messages().filter((m) => match(m));
    if (found.length >= count || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}
