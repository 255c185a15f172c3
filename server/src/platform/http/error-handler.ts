/**
 * The one place an error becomes an HTTP answer. AppErrors keep their code and get a message in the caller's
 * language; anything unexpected becomes a 500 whose error id is also in the log. No stack reaches a client.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, httpStatusOf } from '../errors.ts';
import { translate } from '../i18n.ts';
import type { Logger } from '../logger.ts';
import { languageOf } from './route.ts';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new AppError('NOT_FOUND', { messageKey: 'error.route_not_found', params: { method: req.method, path: req.originalUrl.split('?')[0]!.slice(0, 200) } }));
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const language = languageOf(req);
    const appError = toAppError(err);
    const errorId = randomUUID();
    if (appError.code === 'INTERNAL') {
      logger.error({ err, errorId, method: req.method, path: req.path }, 'unexpected error');
    } else if (appError.code === 'PROVIDER_FAILED' || appError.code === 'UNAVAILABLE') {
      logger.warn({ err, errorId, method: req.method, path: req.path }, appError.message);
    }
    if (res.headersSent) return;
    if (appError.retryAfterSeconds) res.set('Retry-After', String(appError.retryAfterSeconds));
    const params = appError.code === 'INTERNAL' ? { errorId } : appError.params;
    res.status(httpStatusOf[appError.code]).json({
      error: {
        code: appError.code,
        message: translate(appError.messageKey, language, params),
        ...(appError.field ? { field: appError.field } : {}),
        ...(appError.code === 'INTERNAL' || appError.code === 'PROVIDER_FAILED' ? { errorId } : {}),
        ...(appError.details ? { details: appError.details } : {}),
      },
    });
  };
}

/** Errors from Express's own body parser are the client's fault, not ours. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return new AppError('VALIDATION', { messageKey: 'error.validation.json', field: 'body' });
  if (e?.type === 'entity.too.large') return new AppError('VALIDATION', { params: { detail: 'body too large' }, field: 'body' });
  if (e?.status && e.status >= 400 && e.status < 500 && e.type) return new AppError('VALIDATION', { params: { detail: e.type }, field: 'body' });
  return new AppError('INTERNAL', { cause: err });
}
