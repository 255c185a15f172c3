/** Operations metrics: `GET /metrics` in the Prometheus text format (see metrics.ts for each figure). */
import * as z from 'zod';
import { publicRoute } from '../../platform/http/route.ts';
import type { PlatformModule } from '../registry.ts';
import { renderMetrics } from './metrics.ts';

export { observePool, timeWebhooks, renderMetrics } from './metrics.ts';

export const metricsModule: PlatformModule = {
  name: 'metrics',
  routes: (ctx) => [
    publicRoute({
      method: 'get',
      path: '/metrics',
      summary: '运维指标（Prometheus 文本格式） Operations metrics in the Prometheus text format',
      tags: ['health 健康检查'],
      response: z.string(),
      handler: async ({ res }) => {
        const m = await renderMetrics(ctx);
        res.type(m.contentType).send(m.body);
      },
    }),
  ],
};
