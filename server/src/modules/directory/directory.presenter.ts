/** Rows → JSON for the directory, shared by HTTP answers and the session payload. */
import type { Role } from '../../schema.ts';

export type UserProfile = {
  id: string;
  username: string;
  displayName: string;
  employeeNo: string | null;
  role: Role;
  department: { id: string; code: string; name: string } | null;
  departmentId: string | null;
  departmentName: string | null;
  skills: { skill: string; level: number }[];
  active: boolean;
};

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  employee_no: string | null;
  role: Role;
  department_id: string | null;
  department_name: string | null;
  department_code: string | null;
  active: boolean;
};

export function presentUser(row: UserRow, skills: { desk_code: string; level: number }[]): UserProfile {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    employeeNo: row.employee_no,
    role: row.role,
    department: row.department_id ? { id: row.department_id, code: row.department_code ?? '', name: row.department_name ?? '' } : null,
    departmentId: row.department_id,
    departmentName: row.department_name,
    skills: skills.map((s) => ({ skill: s.desk_code, level: s.level })),
    active: row.active,
  };
}

export function presentDepartment(row: {
  id: string;
  code: string;
  name: string;
  kind: 'hotline' | 'bureau' | 'enterprise' | 'street' | 'subunit';
  parent_id: string | null;
  contact_phone: string | null;
  active: boolean;
}) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    parentId: row.parent_id,
    contactPhone: row.contact_phone,
    active: row.active,
  };
}
