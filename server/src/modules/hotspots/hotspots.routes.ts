/** Hotspot alerts API: list, detail with the tickets behind an alert, acknowledge, and the thresholds. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { userRoute, type RouteSpec } from '../../platform/http/route.ts';
import { HotspotRulesSchema } from './detection.ts';
import { acknowledgeHotspotAlert, getHotspotAlert, getHotspotRules, listHotspotAlerts, updateHotspotRules } from './hotspots.service.ts';

const tags = ['热点预警 Hotspots'];
const IdParams = z.object({ id: z.uuid({ message: '预警编号格式不正确 (not a valid alert id)' }) });

export function hotspotRoutes(ctx: AppContext): RouteSpec[] {
  return [
    userRoute({
      method: 'get',
      path: '/api/hotspots/alerts',
      summary: '热点预警列表（进行中的在前） Hotspot alerts, open ones first',
      tags,
      query: z.object({
        state: z.enum(['open', 'closed', 'all']).default('all'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      handler: async ({ actor, query }) => ({ alerts: await listHotspotAlerts(ctx, actor, query) }),
    }),
    userRoute({
      method: 'get',
      path: '/api/hotspots/alerts/:id',
      summary: '预警详情及相关工单 An alert with the tickets behind it',
      tags,
      params: IdParams,
      handler: async ({ actor, params }) => getHotspotAlert(ctx, actor, params.id),
    }),
    userRoute({
      method: 'post',
      path: '/api/hotspots/alerts/:id/acknowledge',
      summary: '签收预警并填写处置说明 Acknowledge an alert with a note',
      tags,
      params: IdParams,
      body: z.object({
        note: z.string().trim().min(1, { message: '请填写处置说明 (write what is being done)' }).max(1000, { message: '说明不能超过 1000 字 (at most 1000 characters)' }),
      }),
      handler: async ({ actor, params, body }) => acknowledgeHotspotAlert(ctx, actor, params.id, body.note),
    }),
    userRoute({
      method: 'get',
      path: '/api/hotspots/rules',
      summary: '热点判定阈值 The hotspot thresholds',
      tags,
      handler: async ({ actor }) => getHotspotRules(ctx, actor),
    }),
    userRoute({
      method: 'put',
      path: '/api/hotspots/rules',
      summary: '修改热点判定阈值（管理员） Change the hotspot thresholds (admin)',
      tags,
      body: HotspotRulesSchema,
      handler: async ({ actor, body }) => updateHotspotRules(ctx, actor, body),
    }),
  ];
}
