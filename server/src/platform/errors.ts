/**
 * One error type for everything a use case can refuse. Codes do not assume HTTP; the HTTP layer maps them with
 * one table. The message is a catalogue key rendered in the caller's language at the edge.
 */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'PROVIDER_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  PROVIDER_FAILED: 502,
  INTERNAL: 500,
};

const defaultMessageKey: Record<ErrorCode, string> = {
  VALIDATION: 'error.validation',
  UNAUTHENTICATED: 'error.unauthenticated',
  FORBIDDEN: 'error.forbidden',
  NOT_FOUND: 'error.not_found',
  CONFLICT: 'error.conflict',
  RATE_LIMITED: 'error.rate_limited',
  UNAVAILABLE: 'error.unavailable',
  PROVIDER_FAILED: 'error.provider_failed',
  INTERNAL: 'error.internal',
};

export type AppErrorOptions = {
  /** Catalogue key of the message; defaults to the code's generic message. */
  messageKey?: string;
  params?: Record<string, string | number>;
  /** The request field at fault, for VALIDATION. */
  field?: string;
  /** Seconds until a retry makes sense, for RATE_LIMITED. */
  retryAfterSeconds?: number;
  /** Extra machine-readable facts for the client (never personal data). */
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const messageKey = options.messageKey ?? defaultMessageKey[code];
    super(`${code}: ${messageKey}`, { cause: options.cause });
    this.code = code;
    this.messageKey = messageKey;
    this.params = options.params ?? {};
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
  }
}

/** Shorthand for the most common refusal: the thing does not exist (or the actor may not know it does). */
export function notFound(entity: string): AppError {
  return new AppError('NOT_FOUND', { params: { entity } });
}
