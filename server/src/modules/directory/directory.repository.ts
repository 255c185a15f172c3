/** SQL for departments, desks, users and their skills. Every list takes the caller's department scope. */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DepartmentKind, Role } from '../../schema.ts';

const userColumns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.employee_no',
  'u.role',
  'u.department_id',
  'u.active',
  'd.name as department_name',
  'd.code as department_code',
] as const;

/** A department scope of null means every department; otherwise that department and its sub-units. */
function inScope(scope: string | null) {
  return sql<boolean>`(${scope}::uuid is null or d.id = ${scope}::uuid or d.parent_id = ${scope}::uuid)`;
}

export async function listDepartments(db: Executor, scope: string | null) {
  return db
    .selectFrom('departments as d')
    .selectAll('d')
    .where(inScope(scope))
    .orderBy('d.kind')
    .orderBy('d.name')
    .execute();
}

export async function findDepartment(db: Executor, id: string, scope: string | null) {
  return db.selectFrom('departments as d').selectAll('d').where('d.id', '=', id).where(inScope(scope)).executeTakeFirst();
}

export async function listDesks(db: Executor) {
  return db.selectFrom('desks').selectAll().orderBy('sort_order').execute();
}

export async function listUsers(
  db: Executor,
  scope: string | null,
  filters: { role?: Role; departmentId?: string; q?: string; active?: boolean },
) {
  let query = db
    .selectFrom('users as u')
    .leftJoin('departments as d', 'd.id', 'u.department_id')
    .select(userColumns)
    .orderBy('u.role')
    .orderBy('u.username');
  // Department staff: the join above is to their own department only; users without one are out of scope.
  if (scope !== null) query = query.where(inScope(scope));
  if (filters.role) query = query.where('u.role', '=', filters.role);
  if (filters.departmentId) query = query.where('u.department_id', '=', filters.departmentId);
  if (filters.active !== undefined) query = query.where('u.active', '=', filters.active);
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('u.employee_no', 'ilike', like)]));
  }
  return query.limit(1000).execute();
}

export async function findUser(db: Executor, id: string, scope: string | null) {
  let query = db.selectFrom('users as u').leftJoin('departments as d', 'd.id', 'u.department_id').select(userColumns).where('u.id', '=', id);
  if (scope !== null) query = query.where(inScope(scope));
  return query.executeTakeFirst();
}

export async function skillsOf(db: Executor, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db.selectFrom('user_skills').selectAll().where('user_id', 'in', userIds).orderBy('level', 'desc').execute();
}

export async function insertUser(
  db: Executor,
  user: { username: string; displayName: string; employeeNo: string | null; role: Role; departmentId: string | null; passwordHash: string; isDemo?: boolean },
) {
  return db
    .insertInto('users')
    .values({
      username: user.username,
      display_name: user.displayName,
      employee_no: user.employeeNo,
      role: user.role,
      department_id: user.departmentId,
      password_hash: user.passwordHash,
      is_demo: user.isDemo ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: Partial<{ display_name: string; employee_no: string | null; role: Role; department_id: string | null; password_hash: string; active: boolean }>,
) {
  await db
    .updateTable('users')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function replaceSkills(db: Executor, userId: string, skills: { skill: string; level: number }[]): Promise<void> {
  await db.deleteFrom('user_skills').where('user_id', '=', userId).execute();
  if (skills.length) {
    await db
      .insertInto('user_skills')
      .values(skills.map((s) => ({ user_id: userId, desk_code: s.skill, level: s.level })))
      .execute();
  }
}

export async function insertDepartment(
  db: Executor,
  department: { code: string; name: string; kind: DepartmentKind; parentId?: string | null; contactPhone?: string | null },
) {
  return db
    .insertInto('departments')
    .values({
      code: department.code,
      name: department.name,
      kind: department.kind,
      parent_id: department.parentId ?? null,
      contact_phone: department.contactPhone ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}
