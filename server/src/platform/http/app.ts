/**
 * The Express application: the webhook routers, request ids and logs, body parsing, the API routes, the
 * OpenAPI document and docs page, the console bundle, and the error handler. No domain knowledge lives here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { buildOpenApiDocument, mountRoutes, type Authenticate, type RouteSpec } from './route.ts';

export type HttpAppOptions = {
  logger: Logger;
  routes: RouteSpec[];
  authenticate: Authenticate;
  /** Raw routers mounted before the JSON API (webhooks that need their own body parsing). */
  extraRouters?: { path: string; router: express.Router }[];
  /** Built console (index.html + assets); served at `/` when present. */
  consoleDir?: string;
  trustProxy?: boolean | string | number;
};

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.set('query parser', 'extended');

  // Webhooks come before the request log: a carrier's callbacks are many and routine, and pino-http's
  // per-request logger cost them a tenth of their CPU. They get a one-line log of their own for what needs a
  // look (a forged signature, a malformed or failed webhook) and, at debug level, for everything.
  for (const extra of options.extraRouters ?? []) app.use(extra.path, logWebhooks(options.logger), extra.router);

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) ?? randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
    }),
  );
  app.use(securityHeaders());

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  mountRoutes(api, options.routes, options.authenticate);
  app.use(api);

  const openApi = buildOpenApiDocument(options.routes, {
    title: '12345 政务服务便民热线平台 API',
    version: '0.1.0',
    description: 'The HTTP API of the 12345 hotline platform. Errors are `{error:{code,message,field?,errorId?}}`; send `Accept-Language: en` for English messages.',
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  app.use('/api/docs/assets', express.static(path.dirname(fileOf('swagger-ui-dist/package.json')), { index: false, maxAge: '1d' }));
  app.use('/api', notFoundHandler());

  if (options.consoleDir && existsSync(path.join(options.consoleDir, 'index.html'))) {
    const consoleDir = options.consoleDir;
    app.use(express.static(consoleDir, { index: false, maxAge: '1h' }));
    // The console is a single-page app: every other GET that is not an API call gets its shell.
    app.get(/^\/(?!api\/|twilio\/|socket\.io\/).*/, (_req, res) => {
      res.sendFile(path.join(consoleDir, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } });
    });
  }

  app.use(notFoundHandler());
  app.use(errorHandler(options.logger));
  return app;
}

function logWebhooks(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const callSid = (req.body as Record<string, unknown> | undefined)?.CallSid;
      logger[level]({ method: req.method, url: req.originalUrl, statusCode: res.statusCode, callSid, ms: Math.round(performance.now() - started) }, 'webhook answered');
    });
    next();
  };
}

function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    next();
  };
}

function fileOf(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}

/** A readable API reference page, served from the swagger-ui-dist package (no network needed). */
function docsPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>12345 平台 API 文档</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', deepLinking: true });</script>
</body></html>`;
}
