/**
 * Factories: tests build exactly the departments and users they need instead of leaning on demo data.
 * Password hashes are cached per password, since argon2id is deliberately slow.
 */
import type { Db } from '../../server/src/platform/db/database.ts';
import type { DepartmentKind, Role } from '../../server/src/schema.ts';
import { hashPassword } from '../../server/src/modules/auth/index.ts';
import { insertDepartment, insertUser, replaceSkills } from '../../server/src/modules/directory/index.ts';
import type { ApiClient } from './platform.ts';

let sequence = 0;
const next = () => ++sequence;
const hashes = new Map<string, Promise<string>>();

export const defaultPassword = 'Correct-Horse-12345';

export async function buildDepartment(db: Db, overrides: Partial<{ code: string; name: string; kind: DepartmentKind; parentId: string | null; contactPhone: string }> = {}) {
  const n = next();
  const values = { code: `dept${n}`, name: `测试部门${n}`, kind: 'bureau' as DepartmentKind, contactPhone: `0571-8700${String(n).padStart(4, '0')}`, ...overrides };
  const { id } = await insertDepartment(db, values);
  return { id, ...values };
}

export async function buildUser(
  db: Db,
  overrides: Partial<{ username: string; displayName: string; employeeNo: string; role: Role; departmentId: string | null; password: string; skills: { skill: string; level: number }[]; active: boolean }> = {},
) {
  const n = next();
  const role = overrides.role ?? 'agent';
  const password = overrides.password ?? defaultPassword;
  let departmentId = overrides.departmentId ?? null;
  if (role === 'department_staff' && !departmentId) departmentId = (await buildDepartment(db)).id;
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const values = {
    username: overrides.username ?? `user${n}`,
    displayName: overrides.displayName ?? `测试用户${n}`,
    employeeNo: overrides.employeeNo ?? `T${n}`,
    role,
    departmentId,
  };
  const { id } = await insertUser(db, { ...values, passwordHash: await hashes.get(password)! });
  if (overrides.skills) await replaceSkills(db, id, overrides.skills);
  if (overrides.active === false) await db.updateTable('users').set({ active: false }).where('id', '=', id).execute();
  return { id, password, ...values };
}

/** Signs in through the real API and returns the tokens. */
export async function signIn(api: ApiClient, user: { username: string; password: string }) {
  const res = await api.post('/api/auth/login', { username: user.username, password: user.password });
  if (res.status !== 200) throw new Error(`sign-in of ${user.username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string; user: any };
}
