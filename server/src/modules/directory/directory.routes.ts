/** HTTP routes of the directory: parse → service → present. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { userRoute } from '../../platform/http/route.ts';
import { CreateUserBody, DepartmentSchema, DeskSchema, IdParams, ListUsersQuery, UpdateUserBody, UserSchema } from './directory.schema.ts';
import * as service from './directory.service.ts';

export function directoryRoutes(ctx: AppContext) {
  const tags = ['directory 通讯录'];
  return [
    userRoute({
      method: 'get',
      path: '/api/directory/departments',
      summary: '部门列表 List departments (department staff: their own)',
      tags,
      response: z.object({ items: z.array(DepartmentSchema) }),
      handler: async ({ actor }) => ({ items: await service.listDepartments(ctx, actor) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/directory/departments/:id',
      summary: '部门详情 Get a department',
      tags,
      params: IdParams,
      response: DepartmentSchema,
      handler: async ({ actor, params }) => service.getDepartment(ctx, actor, params.id),
    }),
    userRoute({
      method: 'get',
      path: '/api/directory/desks',
      summary: '坐席组（技能）List desks (skills)',
      tags,
      response: z.object({ items: z.array(DeskSchema) }),
      handler: async () => ({ items: await service.listDesks(ctx) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/directory/users',
      summary: '人员列表 List staff (department staff: their own department)',
      tags,
      query: ListUsersQuery,
      response: z.object({ items: z.array(UserSchema) }),
      handler: async ({ actor, query }) => ({ items: await service.listUsers(ctx, actor, query) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/directory/users/:id',
      summary: '人员详情 Get a staff member',
      tags,
      params: IdParams,
      response: UserSchema,
      handler: async ({ actor, params }) => service.getUser(ctx, actor, params.id),
    }),
    userRoute({
      method: 'post',
      path: '/api/directory/users',
      summary: '新增人员 Create a staff member (admin)',
      tags,
      body: CreateUserBody,
      response: UserSchema,
      status: 201,
      handler: async ({ actor, body }) => service.createUser(ctx, actor, body),
    }),
    userRoute({
      method: 'patch',
      path: '/api/directory/users/:id',
      summary: '修改人员 Update a staff member (admin)',
      tags,
      params: IdParams,
      body: UpdateUserBody,
      response: UserSchema,
      handler: async ({ actor, params, body }) => service.updateUser(ctx, actor, params.id, body),
    }),
  ];
}
