/** Reading the audit log: newest first, keyset-paged, filterable by action, actor and record. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { userRoute } from '../../platform/http/route.ts';
import { canReadAudit } from './audit.policy.ts';

const ListAuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
  action: z.string().max(80).optional(),
  actorId: z.uuid().optional(),
  entity: z.string().max(40).optional(),
  entityId: z.string().max(80).optional(),
});

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ id: z.string().nullable(), username: z.string().nullable(), role: z.string().nullable() }),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    ip: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

export function auditRoutes(ctx: AppContext) {
  return [
    userRoute({
      method: 'get',
      path: '/api/audit',
      summary: '审计日志 Read the audit log (admin, auditor)',
      tags: ['audit 审计'],
      query: ListAuditQuery,
      response: z.object({ items: z.array(AuditEntrySchema), nextBefore: z.string().nullable() }),
      handler: async ({ actor, query }) => {
        if (!canReadAudit(actor)) throw new AppError('FORBIDDEN');
        let q = ctx.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
        if (query.before) q = q.where('id', '<', String(query.before));
        if (query.action) q = q.where('action', '=', query.action);
        if (query.actorId) q = q.where('actor_id', '=', query.actorId);
        if (query.entity) q = q.where('entity', '=', query.entity);
        if (query.entityId) q = q.where('entity_id', '=', query.entityId);
        const rows = await q.execute();
        return {
          items: rows.map((r) => ({
            id: r.id,
            at: r.at.toISOString(),
            actor: { id: r.actor_id, username: r.actor_username, role: r.actor_role },
            action: r.action,
            entity: r.entity,
            entityId: r.entity_id,
            ip: r.ip,
            data: r.data,
          })),
          nextBefore: rows.length === query.limit ? rows.at(-1)!.id : null,
        };
      },
    }),
  ];
}
