/**
 * Routes are declared once, as data: method, path, zod schemas, who may call, and a handler. The same
 * declaration validates requests, mounts the Express handler and writes the OpenAPI document, so the
 * documentation cannot drift from what the server accepts.
 *
 * A route reads as a chain: authenticate → validate → handler (which calls one service) → present.
 */
import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { AppError } from '../errors.ts';
import type { Actor, RequestOrigin, UserActor } from '../actor.ts';
import { pickLanguage, type Language } from '../i18n.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type HandlerInput<B, Q, P, A> = {
  body: B;
  query: Q;
  params: P;
  actor: A;
  origin: RequestOrigin;
  req: Request;
  res: Response;
};

export type RouteSpec<B = unknown, Q = unknown, P = unknown, A extends Actor | null = Actor | null> = {
  method: Method;
  /** Express-style path: `/api/users/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** `user` requires a valid access token; `public` does not. */
  auth: 'public' | 'user';
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response?: z.ZodType;
  /** Success status; 204 sends no body. */
  status?: 200 | 201 | 202 | 204;
  handler(input: HandlerInput<B, Q, P, A>): Promise<unknown>;
};

/** Declares a route that needs a signed-in user. */
export function userRoute<B = undefined, Q = undefined, P = undefined>(
  spec: Omit<RouteSpec<B, Q, P, UserActor>, 'auth'>,
): RouteSpec {
  return { ...spec, auth: 'user' } as RouteSpec;
}

/** Declares a route anyone may call (sign-in, health, public status). */
export function publicRoute<B = undefined, Q = undefined, P = undefined>(
  spec: Omit<RouteSpec<B, Q, P, null>, 'auth'>,
): RouteSpec {
  return { ...spec, auth: 'public' } as RouteSpec;
}

export type Authenticate = (token: string, origin: RequestOrigin) => Promise<UserActor>;

export function requestOrigin(req: Request): RequestOrigin {
  return {
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
    language: languageOf(req),
  };
}

export function languageOf(req: Request): Language {
  const explicit = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  return pickLanguage(explicit ?? req.get('accept-language'));
}

/** Mounts every route on the router. */
export function mountRoutes(router: Router, routes: RouteSpec[], authenticate: Authenticate): void {
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      const origin = requestOrigin(req);
      let actor: UserActor | null = null;
      if (route.auth === 'user') {
        const header = req.get('authorization') ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
        if (!token) throw new AppError('UNAUTHENTICATED');
        actor = await authenticate(token, origin);
      }
      const input = {
        body: parseWith(route.body, req.body ?? {}, 'body', origin.language),
        query: parseWith(route.query, req.query, 'query', origin.language),
        params: parseWith(route.params, req.params, 'params', origin.language),
        actor,
        origin,
        req,
        res,
      };
      const result = await route.handler(input as HandlerInput<unknown, unknown, unknown, Actor | null>);
      if (res.headersSent) return;
      const status = route.status ?? 200;
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });
  }
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string, language: Language): T {
  if (!schema) return undefined as T;
  const locale = language === 'en' ? z.locales.en() : z.locales.zhCN();
  const parsed = schema.safeParse(value, { error: locale.localeError });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : where;
  throw new AppError('VALIDATION', {
    messageKey: 'error.validation.field',
    params: { field, issue: issue.message },
    field,
    details: { issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })) },
  });
}

const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(['VALIDATION', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'UNAVAILABLE', 'PROVIDER_FAILED', 'INTERNAL']),
      message: z.string(),
      field: z.string().optional(),
      errorId: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The OpenAPI 3.1 document for every declared route. */
export function buildOpenApiDocument(routes: RouteSpec[], info: { title: string; version: string; description?: string }) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const errorResponse = { description: '错误 Error', content: { 'application/json': { schema: ErrorBody } } };
    const operation: ZodOpenApiOperationObject = {
      summary: route.summary,
      tags: route.tags,
      ...(route.auth === 'user' ? { security: [{ bearer: [] }] } : {}),
      requestParams: {
        ...(route.params ? { path: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
      },
      ...(route.body ? { requestBody: { content: { 'application/json': { schema: route.body } } } } : {}),
      responses: {
        [String(route.status ?? 200)]:
          route.status === 204
            ? { description: '无内容 No content' }
            : { description: '成功 OK', ...(route.response ? { content: { 'application/json': { schema: route.response } } } : {}) },
        ...(route.body || route.query || route.params ? { '400': errorResponse } : {}),
        ...(route.auth === 'user' ? { '401': errorResponse, '403': errorResponse } : {}),
        default: errorResponse,
      },
    };
    paths[openApiPath] = { ...paths[openApiPath], [route.method]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info,
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  });
}
