/**
 * The database as Kysely sees it: one interface per table, composed into `Database`. Each module reads and
 * writes only its own tables through its repository; this file is just the shared type map.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'admin' | 'supervisor' | 'agent' | 'department_staff' | 'auditor';
export type DepartmentKind = 'hotline' | 'bureau' | 'enterprise' | 'street' | 'subunit';

export interface AppMetaTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface DepartmentsTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: DepartmentKind;
  parent_id: string | null;
  contact_phone: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DesksTable {
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: Generated<number>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  employee_no: string | null;
  role: Role;
  department_id: string | null;
  password_hash: string;
  active: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserSkillsTable {
  user_id: string;
  desk_code: string;
  level: Generated<number>;
}

export interface AuthSessionsTable {
  id: Generated<string>;
  user_id: string;
  created_at: CreatedAt;
  last_refreshed_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  session_id: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  last_failed_at: Date | null;
  locked_until: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface Database {
  app_meta: AppMetaTable;
  departments: DepartmentsTable;
  desks: DesksTable;
  users: UsersTable;
  user_skills: UserSkillsTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
}
