import { AppError, BadRequestError, ConflictError, UnavailableError } from '../errors.js';

/** The game changed since it was read (or is not in the state the write expected). */
export class StaleGameError extends ConflictError {
  constructor(message = 'The game changed meanwhile; reload it and try again') {
    super('game/stale', message);
  }
}

export class AlreadyExistsError extends ConflictError {
  constructor(what: string) {
    super('storage/exists', `${what} already exists`);
  }
}

export class BadCursorError extends BadRequestError {
  constructor() {
    super('request/bad-cursor', 'The page cursor is not valid; start from the first page');
  }
}

/** The database did not answer (after the SDK's retries). */
export class StorageUnavailableError extends UnavailableError {
  constructor(message = 'The game storage is not reachable right now; please try again in a moment') {
    super('storage/unavailable', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
