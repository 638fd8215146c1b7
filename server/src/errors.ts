import type { ErrorBody, Issue } from '@ttt/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error a client can cause: a stable code, an HTTP status and a message for people. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, issues?: Issue[]) {
    super(400, code, message, issues);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first', code = 'auth/signed-out') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}
export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, code, message);
  }
}
export class UnavailableError extends AppError {
  constructor(
    code: string,
    message: string,
    /** When to try again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(503, code, message);
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Routes of the classic API answer every client error with 400 and this message
     * (e.g. "Invalid move"), because existing clients read `error` and nothing else.
     */
    classicError?: string;
  }
}

/** Fastify's own client errors (body parsing, content type, size) in the API's words. */
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'request/malformed-json', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'request/empty-body', message: 'The body is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'request/unsupported-media-type',
    message: 'Send the body as application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'request/too-large', message: 'The body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'request/bad-length', message: 'Content-Length does not match the body' },
};

function toIssues(error: FastifyError): Issue[] {
  const validation = error.validation ?? [];
  return validation.map((v) => ({
    path: v.instancePath
      .split('/')
      .filter(Boolean)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    message: v.message ?? 'Invalid value',
  }));
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** One error handler for the whole app: every error body is `{ error, code, issues? }`. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const classic = request.routeOptions.config.classicError;
    let status: number;
    let body: ErrorBody;

    if (error instanceof AppError) {
      status = error.status;
      body = { error: error.message, code: error.code, ...(error.issues ? { issues: error.issues } : {}) };
      if (
        (error instanceof TooManyRequestsError || error instanceof UnavailableError) &&
        error.retryAfterSeconds !== undefined
      ) {
        reply.header('retry-after', String(error.retryAfterSeconds));
      }
    } else if (error.validation) {
      status = 400;
      const where = error.validationContext ?? 'body';
      body = { error: `The request ${where} is not valid`, code: 'request/invalid', issues: toIssues(error) };
    } else if (error.code && FASTIFY_CLIENT_ERRORS[error.code]) {
      const known = FASTIFY_CLIENT_ERRORS[error.code] as { code: string; message: string };
      status = error.statusCode ?? 400;
      body = { error: known.message, code: known.code };
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      body = { error: error.message, code: 'request/rejected' };
    } else {
      request.log.error({ err: error }, 'unhandled error');
      status = 500;
      body = { error: 'Something went wrong on our side; please try again', code: 'server/internal' };
    }

    // The classic contract: every client error is a 400 whose `error` says what kind of request failed.
    if (classic && status < 500 && status !== 403 && status !== 429) {
      return send(reply, 400, { ...body, error: classic });
    }
    return send(reply, status, body);
  });
}
