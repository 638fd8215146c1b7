import { STATUS_CODES } from 'node:http';
import { type ErrorBody, type Issue, RESERVED_NAME_RULE } from '@ttt/shared';
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
  'player/not-found': { status: 404, message: ({ name }) => `No player is called ${name}` },
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
  // Sign-in guard and names (issue 12, accounts).
  'auth/busy': {
    status: 429,
    message: 'Another sign-in to this name is being checked right now; try again in a moment',
    retryAfter: 1,
  },
  'auth/reserved-name': { status: 400, message: RESERVED_NAME_RULE },
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
  // Answered through `frameworkErrors` (app.ts): they happen before routing.
  FST_ERR_BAD_URL: { code: 'request/bad-url', message: 'The address is not valid (check its % escapes)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'request/path-too-long', message: 'A part of the address is too long' },
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

/** What the handler answers: a status, the one body shape, and Retry-After when it applies. */
export function errorAnswer(
  error: FastifyError,
  request: FastifyRequest,
): { status: number; body: ErrorBody; retryAfter?: number } {
  if (error instanceof DomainError) return domainErrorAnswer(error);
  if (error instanceof AppError) {
    const retryAfter =
      error instanceof TooManyRequestsError || error instanceof UnavailableError ? error.retryAfterSeconds : undefined;
    return {
      status: error.status,
      body: { error: error.message, code: error.code, ...(error.issues ? { issues: error.issues } : {}) },
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  }
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    return {
      status: 400,
      body: { error: `The request ${where} is not valid`, code: 'request/invalid', issues: toIssues(error) },
    };
  }
  const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
  if (known) return { status: error.statusCode ?? 400, body: { error: known.message, code: known.code } };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: { error: error.message, code: 'request/rejected' } };
  }
  request.log.error({ err: error }, 'unhandled error');
  return {
    status: 500,
    body: { error: 'Something went wrong on our side; please try again', code: 'server/internal' },
  };
}

/** One error handler for the whole app: every error body is `{ error, code, issues? }`. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const classic = request.routeOptions.config.classicError;
    const { status, body, retryAfter } = errorAnswer(error, request);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));

    // The classic contract: every client error is a 400 whose `error` says what kind of request failed.
    if (classic && status < 500 && status !== 403 && status !== 429) {
      return send(reply, 400, { ...body, error: classic });
    }
    return send(reply, status, body);
  });
}

// --- errors the framework answers before any route or hook runs (issue 12, row 6) --------

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode or a path parameter over its length
 * limit. No hook runs for these, so the API's headers are set here.
 */
export function frameworkErrorHandler(headers: Readonly<Record<string, string>>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorAnswer(error, request);
    return send(reply.headers(headers), status, body);
  };
}

/** What Node's HTTP parser refused (`clientError`), by its code: status, code and message. */
const CLIENT_SOCKET_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request/timeout', message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'request/headers-too-large', message: 'The request headers are too large' },
};
const MALFORMED_HTTP = { status: 400, code: 'request/malformed-http', message: 'The request is not valid HTTP' };

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (bad request line, unknown
 * method, header overflow) never becomes a request, so the answer is written on the socket.
 */
export function clientErrorHandler(headers: Readonly<Record<string, string>>) {
  return (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const known = (error.code && CLIENT_SOCKET_ERRORS[error.code]) || MALFORMED_HTTP;
    const body = JSON.stringify({ error: known.message, code: known.code } satisfies ErrorBody);
    if (socket.writable) {
      const lines = Object.entries({
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      }).map(([name, value]) => `${name}: ${value}`);
      socket.write(`HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}

// --- rate limits (issue 12) ---------------------------------------------------------------

/** "30 seconds", "4 minutes", "2 hours": how long until a limit lets the client in again. */
export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

/** Every refusal of a rate limit or cap (plugins/rate-limit.ts, plugins/live.ts): its code and message. */
export const RATE_LIMIT_ERRORS = {
  'rate/requests': (wait: string) => `Too many requests from your network; try again in ${wait}`,
  'rate/sign-ups': (wait: string) => `Too many accounts were created from your network; try again in ${wait}`,
  'rate/sign-ins': (wait: string) => `Too many sign-in attempts from your network; try again in ${wait}`,
  'rate/sign-in-failures': (wait: string) =>
    `Too many failed sign-ins from your network, whatever the name; try again in ${wait}`,
  'rate/invitations': (wait: string) => `You have sent too many invitations; try again in ${wait}`,
  'rate/invitations-per-address': (wait: string) =>
    `Too many invitations were sent from your network; try again in ${wait}`,
  'rate/pending-invitations': () =>
    'You have too many invitations waiting for an answer; cancel some, or wait until they are answered or expire',
  'rate/streams': (wait: string) =>
    `Too many live connections from your network; updates will come by polling, try again in ${wait}`,
} as const;

export type RateLimitCode = keyof typeof RATE_LIMIT_ERRORS;

/** 429 with Retry-After, for a limit of RATE_LIMIT_ERRORS. */
export class RateLimitedError extends TooManyRequestsError {
  constructor(code: RateLimitCode, retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(code, RATE_LIMIT_ERRORS[code](waitText(seconds)), seconds);
  }
}
