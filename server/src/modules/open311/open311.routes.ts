/**
 * Open311 GeoReport v2 endpoints (JSON only) and the admin's API keys. The GeoReport routes answer errors in
 * the spec's format, `[{"code": 404, "description": "…"}]` with the same HTTP status, so they parse their own
 * parameters instead of declaring zod schemas the platform would reject in its own format.
 */
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { AppError, httpStatusOf } from '../../platform/errors.ts';
import { publicRoute, userRoute, type HandlerInput, type RouteSpec } from '../../platform/http/route.ts';
import { translate, type Language } from '../../platform/i18n.ts';
import type { RequestOrigin } from '../../platform/actor.ts';
import * as z from 'zod';
import { ApiKeySchema, CreatedKeySchema, CreateKeyBody } from './open311.schema.ts';
import * as service from './open311.service.ts';

const MAX_FORM_BYTES = 64 * 1024;

/** Renders any failure as GeoReport errors. */
function sendError(ctx: AppContext, res: Response, error: unknown, language: Language): void {
  const appError = error instanceof AppError ? error : undefined;
  if (!appError) {
    const errorId = randomUUID();
    ctx.logger.error({ err: error, errorId }, 'open311 request failed');
    res.status(500).json([{ code: 500, description: translate('open311.error.internal', language, { errorId }) }]);
    return;
  }
  const status = httpStatusOf[appError.code];
  if (appError.retryAfterSeconds) res.set('Retry-After', String(appError.retryAfterSeconds));
  res.status(status).json([{ code: status, description: translate(appError.messageKey, language, appError.params) }]);
}

/** A GeoReport route: runs `run`, answers its value as JSON with `status`, or the error in the spec's format. */
function geoReportRoute(
  ctx: AppContext,
  spec: { method: 'get' | 'post'; path: string; summary: string; status?: 200 | 201 },
  run: (input: HandlerInput<unknown, unknown, unknown, null>) => Promise<unknown>,
): RouteSpec {
  return publicRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: ['open311 GeoReport v2'],
    ...(spec.status ? { status: spec.status } : {}),
    handler: async (input) => {
      input.res.setHeader('Access-Control-Allow-Origin', '*');
      try {
        const value = await run(input as HandlerInput<unknown, unknown, unknown, null>);
        input.res.status(spec.status ?? 200).json(value);
      } catch (error) {
        sendError(ctx, input.res, error, input.origin.language);
      }
    },
  });
}

/** POST parameters: form-encoded (the spec's way) or JSON. `attribute[x]` keys are kept as they come. */
async function postParams(req: Request, origin: RequestOrigin): Promise<Record<string, unknown>> {
  const type = req.get('content-type') ?? '';
  if (/^application\/json/i.test(type)) {
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw badBody(origin);
    return req.body as Record<string, unknown>;
  }
  if (!/^application\/x-www-form-urlencoded/i.test(type) && type !== '') throw badBody(origin);
  if (Number(req.get('content-length') ?? 0) > MAX_FORM_BYTES) throw badBody(origin);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw badBody(origin);
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

const badBody = (_origin: RequestOrigin) =>
  new AppError('VALIDATION', { messageKey: 'open311.error.parameter', params: { field: 'body', issue: 'application/x-www-form-urlencoded or JSON, at most 64 KB' } });

export function open311Routes(ctx: AppContext): RouteSpec[] {
  const adminTags = ['open311 GeoReport v2'];
  const IdParams = z.object({ id: z.uuid() });
  return [
    geoReportRoute(ctx, { method: 'get', path: '/open311/v2/services.json', summary: 'GeoReport v2：服务类别（工单分类的末级）Service list: the catalogue’s leaves' }, async ({ origin }) =>
      service.listServices(ctx, origin.language),
    ),
    geoReportRoute(ctx, { method: 'get', path: '/open311/v2/services/:code.json', summary: 'GeoReport v2：服务定义（无附加属性）Service definition (no attributes)' }, async ({ req }) =>
      service.getServiceDefinition(ctx, String(req.params.code ?? '')),
    ),
    geoReportRoute(
      ctx,
      {
        method: 'get',
        path: '/open311/v2/requests.json',
        summary: 'GeoReport v2：服务请求列表（经 Open311 提交的工单；默认最近 90 天，最多 1000 条）Requests filed through Open311',
      },
      async ({ req, origin }) => service.listRequests(ctx, req.query, origin.language),
    ),
    geoReportRoute(
      ctx,
      {
        method: 'post',
        path: '/open311/v2/requests.json',
        summary: 'GeoReport v2：提交服务请求（需 api_key；登记为 open311 渠道工单，待热线派单）Submit a request (api_key required)',
        status: 201,
      },
      async ({ req, origin }) => service.submitRequest(ctx, origin, await postParams(req, origin)),
    ),
    geoReportRoute(ctx, { method: 'get', path: '/open311/v2/requests/:id.json', summary: 'GeoReport v2：单个服务请求 One request' }, async ({ req, origin }) =>
      service.getRequest(ctx, String(req.params.id ?? ''), origin.language),
    ),
    userRoute({
      method: 'get',
      path: '/api/admin/open311-keys',
      summary: 'Open311 接入密钥列表（管理员）Open311 API keys (admin)',
      tags: adminTags,
      response: z.object({ items: z.array(ApiKeySchema) }),
      handler: async ({ actor }) => service.listApiKeys(ctx, actor),
    }),
    userRoute({
      method: 'post',
      path: '/api/admin/open311-keys',
      summary: '新建 Open311 接入密钥（密钥只显示一次）Create an Open311 API key (shown once)',
      tags: adminTags,
      body: CreateKeyBody,
      response: CreatedKeySchema,
      status: 201,
      handler: async ({ actor, body }) => service.createApiKey(ctx, actor, body),
    }),
    userRoute({
      method: 'delete',
      path: '/api/admin/open311-keys/:id',
      summary: '吊销 Open311 接入密钥 Revoke an Open311 API key',
      tags: adminTags,
      params: IdParams,
      status: 204,
      handler: async ({ actor, params }) => service.revokeApiKey(ctx, actor, params.id),
    }),
  ];
}
