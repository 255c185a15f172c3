/** Request and response shapes of the directory: departments, desks (skills) and staff. */
import * as z from 'zod';

export const roles = ['admin', 'supervisor', 'agent', 'department_staff', 'auditor'] as const;
export const RoleSchema = z.enum(roles);

export const SkillSchema = z.object({ skill: z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/), level: z.number().int().min(1).max(5) });

export const DepartmentSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(['hotline', 'bureau', 'enterprise', 'street', 'subunit']),
    parentId: z.uuid().nullable(),
    contactPhone: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'Department' });

export const UserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    employeeNo: z.string().nullable(),
    role: RoleSchema,
    department: z.object({ id: z.uuid(), code: z.string(), name: z.string() }).nullable(),
    departmentId: z.uuid().nullable(),
    departmentName: z.string().nullable(),
    skills: z.array(SkillSchema),
    active: z.boolean(),
  })
  .meta({ id: 'User' });

export const IdParams = z.object({ id: z.uuid() });

export const ListUsersQuery = z.object({
  role: RoleSchema.optional(),
  departmentId: z.uuid().optional(),
  q: z.string().trim().max(50).optional(),
  active: z.stringbool().optional(),
});

const username = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_.-]{1,63}$/, '2–64 位小写字母、数字或 _ . - (2–64 lowercase letters, digits, _ . -)');
const password = z.string().min(10).max(200);

export const CreateUserBody = z.object({
  username,
  displayName: z.string().trim().min(1).max(50),
  employeeNo: z.string().trim().min(1).max(20).optional(),
  role: RoleSchema,
  departmentId: z.uuid().optional(),
  password,
  skills: z.array(SkillSchema).max(20).default([]),
});

export const UpdateUserBody = z
  .object({
    displayName: z.string().trim().min(1).max(50),
    employeeNo: z.string().trim().min(1).max(20).nullable(),
    role: RoleSchema,
    departmentId: z.uuid().nullable(),
    password,
    skills: z.array(SkillSchema).max(20),
    active: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: '至少修改一项 (change at least one field)' });

export const DeskSchema = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }).meta({ id: 'Desk' });
