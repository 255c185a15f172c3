/** The public status lookup and the citizen page that uses it (no sign-in). */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { publicRoute } from '../../platform/http/route.ts';
import { PublicStatusSchema, StatusLookupBody } from './public-status.schema.ts';
import { checkTicketStatus } from './public-status.service.ts';

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

export function publicStatusRoutes(ctx: AppContext) {
  const tags = ['public 市民服务'];
  return [
    publicRoute({
      method: 'post',
      path: '/api/public/ticket-status',
      summary: '工单进度查询（工单编号 + 来电号码后四位；按 IP 限流）Ticket progress by number and the last four digits of the phone',
      tags,
      body: StatusLookupBody,
      response: PublicStatusSchema,
      handler: async ({ body, origin, res }) => {
        // Nothing here may be cached by a proxy: it answers for one citizen.
        res.setHeader('Cache-Control', 'no-store');
        return checkTicketStatus(ctx, origin, body);
      },
    }),
    publicRoute({
      method: 'get',
      path: '/status',
      summary: '市民工单查询页面 The citizen status page (HTML)',
      tags,
      handler: async ({ res }) => {
        const nonce = randomBytes(16).toString('base64');
        res.setHeader(
          'Content-Security-Policy',
          `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
        );
        res.setHeader('Cache-Control', 'no-cache');
        res.status(200).type('html').send(page.replaceAll('{{nonce}}', nonce));
      },
    }),
  ];
}
