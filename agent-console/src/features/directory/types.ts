/** Shapes of the directory endpoints (`GET /api/directory/departments`, `GET /api/directory/users`). */
import type { Role } from '../../lib/api.ts';

export type Department = {
  id: string;
  code: string;
  name: string;
  kind: string;
  contactPhone: string | null;
  parentId: string | null;
};

export type DirectoryUser = {
  id: string;
  username: string;
  displayName: string;
  employeeNo: string | null;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  skills: Array<{ skill: string; level: number }>;
  active: boolean;
};

export type ListResponse<T> = { items: T[] };
