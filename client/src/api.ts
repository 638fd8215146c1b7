import {
  type ClassicGame,
  ClassicGameSchema,
  type ErrorBody,
  ErrorBodySchema,
  type Issue,
  type LocalGame,
  LocalGameSchema,
  type ResetRequest,
} from '@ttt/shared';
import type * as z from 'zod/mini';

/** The only module that calls fetch: every answer is checked against the shared schemas. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    /** Where what the error is about can be seen, e.g. the invitation that already exists. */
    readonly link?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

export async function request<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  schema: z.ZodMiniType<T>,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network/unreachable', NETWORK_MESSAGE);
  }
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    throw new ApiError(response.status, 'response/not-json', `The server answered ${response.status} without data`);
  }
  if (!response.ok) {
    const parsed = ErrorBodySchema.safeParse(payload);
    const error: ErrorBody = parsed.success
      ? parsed.data
      : { error: `The server answered ${response.status}`, code: 'response/unexpected' };
    throw new ApiError(response.status, error.code, error.error, error.issues, error.link);
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    throw new ApiError(
      response.status,
      'response/invalid',
      'The server sent an answer this page does not understand; reload the page.',
    );
  return parsed.data;
}

export const api = {
  localGame: (signal?: AbortSignal): Promise<LocalGame> =>
    request('GET', '/api/local', LocalGameSchema, undefined, signal),
  move: (index: number): Promise<ClassicGame> => request('POST', '/move', ClassicGameSchema, { index }),
  reset: (settings: ResetRequest): Promise<ClassicGame> => request('POST', '/reset', ClassicGameSchema, settings),
};

/** A message for people, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return NETWORK_MESSAGE;
}
