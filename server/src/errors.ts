import type { ErrorBody, Issue } from '@ttt/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from './domain-error.js';

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

/**
 * The one table: every code the rules, the service and the stores answer with, its HTTP
 * status and what a person reads. A code missing here does not compile.
 */
export const DOMAIN_ERRORS: Record<
  DomainErrorCode,
  { status: number; message: string | ((details: Readonly<Record<string, string>>) => string); retryAfter?: number }
> = {
  'auth/unknown-player': { status: 404, message: ({ name }) => `No player is called ${name}. Create this account?` },
  'auth/player-gone': {
    status: 401,
    message: ({ name }) =>
      `You were signed out: this server no longer knows ${name}. A server that keeps players in memory forgets them when it restarts; sign in to create the account again.`,
  },
  'game/not-found': { status: 404, message: 'There is no game at this address' },
  'game/self-invite': { status: 400, message: "You can't invite yourself; invite another player" },
  'game/not-invitee': { status: 403, message: 'Only the invited player can answer this invitation' },
  'game/own-invitation': { status: 403, message: 'This is your own invitation; send the link to your opponent' },
  'game/bad-invite-link': { status: 403, message: 'This invitation link is not valid; ask for a new one' },
  'game/not-host': { status: 403, message: 'Only the player who sent this invitation can cancel it' },
  'game/not-a-player': { status: 403, message: 'You are watching this game; only its players can do that' },
  'game/already-accepted': { status: 409, message: 'This invitation was already accepted' },
  'game/declined': { status: 409, message: 'This invitation was declined' },
  'game/cancelled': { status: 409, message: 'This invitation was cancelled' },
  'game/over': { status: 409, message: 'The game is over' },
  'game/not-started': { status: 409, message: 'The game has not started' },
  'game/not-playing': { status: 409, message: 'Only a game in progress can be resigned' },
  'game/not-finished': { status: 409, message: 'A rematch can follow only a finished game' },
  'game/rematch-exists': { status: 409, message: 'A rematch was already offered for this game' },
  'game/stale': { status: 409, message: 'The game changed since you saw it; here is the latest' },
  'game/invitation-exists': {
    status: 409,
    message: ({ mine, other }) =>
      mine === 'true'
        ? `You have already invited ${other}; that invitation is still waiting for an answer`
        : `${other} has already invited you; accept or decline that invitation`,
  },
  'game/expired': { status: 409, message: 'This invitation expired before anyone answered it' },
  'move/not-your-turn': { status: 409, message: "It's not your turn" },
  'move/cell-taken': { status: 409, message: 'That cell is already taken' },
  'claim/not-live': {
    status: 409,
    message: 'Only a game with live clocks can be claimed; this one has a move due date',
  },
  'claim/your-turn': { status: 409, message: "It's your turn: the game is waiting for you, not your opponent" },
  'claim/opponent-here': { status: 409, message: 'Your opponent is still connected' },
  'claim/too-soon': { status: 409, message: 'Your opponent left only a moment ago; give them a little longer' },
  'storage/exists': { status: 409, message: ({ what }) => `${what ?? 'It'} already exists` },
  'request/bad-cursor': { status: 400, message: 'The page cursor is not valid; start from the first page' },
  'pairing/busy': {
    status: 503,
    message: 'So many players are looking for a game right now that yours did not get through; try again',
    retryAfter: 1,
  },
  // Revocable sessions (issue 12, row 5): many sign-ins and sign-outs of one player at once.
  'session/busy': {
    status: 503,
    message: 'Too many sign-ins and sign-outs of this player at once; try again',
    retryAfter: 1,
  },
  'storage/unavailable': {
    status: 503,
    message: 'The game storage is not reachable right now; please try again in a moment',
  },
};

/** Status and body of a domain error, from the table. */
export function domainErrorAnswer(error: DomainError): { status: number; body: ErrorBody; retryAfter?: number } {
  const entry = DOMAIN_ERRORS[error.code];
  const error_ = typeof entry.message === 'function' ? entry.message(error.details) : entry.message;
  return {
    status: entry.status,
    body: { error: error_, code: error.code, ...(error.details.link ? { link: error.details.link } : {}) },
    ...(entry.retryAfter ? { retryAfter: entry.retryAfter } : {}),
  };
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

    if (error instanceof DomainError) {
      const answer = domainErrorAnswer(error);
      status = answer.status;
      body = answer.body;
      if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
    } else if (error instanceof AppError) {
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
