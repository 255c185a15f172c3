/** Liveness and readiness for load balancers and orchestrators. */
import * as z from 'zod';
import { publicRoute } from '../../platform/http/route.ts';

type Readiness = () => Promise<{ database: boolean; migrations: boolean; worker: boolean }>;

export function healthRoutes(isReady: Readiness) {
  const tags = ['health 健康检查'];
  return [
    publicRoute({
      method: 'get',
      path: '/healthz',
      summary: '进程存活 The process is up',
      tags,
      response: z.object({ status: z.literal('ok') }),
      handler: async () => ({ status: 'ok' as const }),
    }),
    publicRoute({
      method: 'get',
      path: '/readyz',
      summary: '就绪 Database reachable, migrations applied, worker running (503 otherwise)',
      tags,
      response: z.object({ status: z.enum(['ready', 'not_ready']), checks: z.object({ database: z.boolean(), migrations: z.boolean(), worker: z.boolean() }) }),
      handler: async ({ res }) => {
        const checks = await isReady();
        const ready = checks.database && checks.migrations && checks.worker;
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
      },
    }),
  ];
}
