/** Directory use cases: read departments, desks and staff within the actor's scope; admins manage staff. */
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Role } from '../../schema.ts';
import { hashPassword } from '../auth/passwords.ts';
import { endUserSessions } from '../auth/session-end.ts';
import { can, departmentScope } from './directory.policy.ts';
import { presentDepartment, presentUser, type UserProfile } from './directory.presenter.ts';
import * as repo from './directory.repository.ts';

function authorize(actor: UserActor, action: 'read' | 'manage'): void {
  if (!can(actor, action)) throw new AppError('FORBIDDEN');
}

export async function listDepartments(ctx: AppContext, actor: UserActor) {
  authorize(actor, 'read');
  return (await repo.listDepartments(ctx.db, departmentScope(actor))).map(presentDepartment);
}

export async function getDepartment(ctx: AppContext, actor: UserActor, id: string) {
  authorize(actor, 'read');
  const row = await repo.findDepartment(ctx.db, id, departmentScope(actor));
  if (!row) throw notFound('entity.department');
  return presentDepartment(row);
}

export async function listDesks(ctx: AppContext) {
  return (await repo.listDesks(ctx.db)).map((d) => ({ code: d.code, nameZh: d.name_zh, nameEn: d.name_en }));
}

export async function listUsers(
  ctx: AppContext,
  actor: UserActor,
  filters: { role?: Role; departmentId?: string; q?: string; active?: boolean },
): Promise<UserProfile[]> {
  authorize(actor, 'read');
  const rows = await repo.listUsers(ctx.db, departmentScope(actor), filters);
  const skills = await repo.skillsOf(ctx.db, rows.map((r) => r.id));
  return rows.map((row) => presentUser(row, skills.filter((s) => s.user_id === row.id)));
}

export async function getUser(ctx: AppContext, actor: UserActor, id: string): Promise<UserProfile> {
  authorize(actor, 'read');
  const profile = await loadProfile(ctx.db, id, departmentScope(actor));
  if (!profile) throw notFound('entity.user');
  return profile;
}

/** A user's profile regardless of scope: for the signed-in user's own session. */
export async function getUserProfile(db: Executor, id: string): Promise<UserProfile> {
  const profile = await loadProfile(db, id, null);
  if (!profile) throw notFound('entity.user');
  return profile;
}

export async function createUser(
  ctx: AppContext,
  actor: UserActor,
  input: { username: string; displayName: string; employeeNo?: string; role: Role; departmentId?: string; password: string; skills: { skill: string; level: number }[] },
): Promise<UserProfile> {
  authorize(actor, 'manage');
  if (input.role === 'department_staff' && !input.departmentId) {
    throw new AppError('VALIDATION', { messageKey: 'error.validation.field', params: { field: 'departmentId', issue: '部门人员必须属于一个部门 (department staff need a department)' }, field: 'departmentId' });
  }
  const passwordHash = await hashPassword(input.password);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (taken) throw new AppError('CONFLICT', { params: { detail: `用户名 ${input.username} 已存在 (username taken)` }, field: 'username' });
    const { id } = await repo.insertUser(trx, {
      username: input.username,
      displayName: input.displayName,
      employeeNo: input.employeeNo ?? null,
      role: input.role,
      departmentId: input.departmentId ?? null,
      passwordHash,
    });
    await repo.replaceSkills(trx, id, input.skills);
    await recordAudit(trx, actor, {
      action: 'user.created',
      entity: 'user',
      entityId: id,
      data: { username: input.username, role: input.role, departmentId: input.departmentId ?? null },
    });
    return id;
  });
  return getUserProfile(ctx.db, id);
}

export async function updateUser(
  ctx: AppContext,
  actor: UserActor,
  id: string,
  changes: Partial<{ displayName: string; employeeNo: string | null; role: Role; departmentId: string | null; password: string; skills: { skill: string; level: number }[]; active: boolean }>,
): Promise<UserProfile> {
  authorize(actor, 'manage');
  const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
  const ended = await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.findUser(trx, id, null);
    if (!before) throw notFound('entity.user');
    const role = changes.role ?? before.role;
    const departmentId = changes.departmentId === undefined ? before.department_id : changes.departmentId;
    if (role === 'department_staff' && !departmentId) {
      throw new AppError('VALIDATION', { messageKey: 'error.validation.field', params: { field: 'departmentId', issue: '部门人员必须属于一个部门 (department staff need a department)' }, field: 'departmentId' });
    }
    if (id === actor.id && (changes.active === false || (changes.role && changes.role !== 'admin'))) {
      throw new AppError('CONFLICT', { params: { detail: '不能停用自己或取消自己的管理员角色 (you cannot disable or demote yourself)' } });
    }
    await repo.updateUser(trx, id, {
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.employeeNo !== undefined ? { employee_no: changes.employeeNo } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.departmentId !== undefined ? { department_id: changes.departmentId } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(passwordHash ? { password_hash: passwordHash } : {}),
    });
    if (changes.skills) await repo.replaceSkills(trx, id, changes.skills);
    // Disabling an account or changing its password ends its sign-ins now, not when the tokens run out, and what
    // hangs on them (the agent leaves the phone queue).
    const sessions = changes.active === false || passwordHash ? await endUserSessions(ctx, trx, actor, id) : undefined;
    const { password: _omit, ...audited } = changes;
    await recordAudit(trx, actor, {
      action: 'user.updated',
      entity: 'user',
      entityId: id,
      data: { changes: { ...audited, ...(passwordHash ? { password: '[changed]' } : {}) }, ...sessions?.audit },
    });
    return sessions;
  });
  await ended?.afterCommit();
  return getUserProfile(ctx.db, id);
}

async function loadProfile(db: Executor, id: string, scope: string | null): Promise<UserProfile | undefined> {
  const row = await repo.findUser(db, id, scope);
  if (!row) return undefined;
  return presentUser(row, await repo.skillsOf(db, [id]));
}
