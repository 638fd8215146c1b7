import { DomainError } from '../domain-error.js';

/** The game is no longer at the version the write was decided from. */
export class StaleGameError extends DomainError {
  constructor() {
    super('game/stale');
  }
}

/** An item with this key exists already. */
export class AlreadyExistsError extends DomainError {
  constructor(what: string) {
    super('storage/exists', { what });
  }
}

export class BadCursorError extends DomainError {
  constructor() {
    super('request/bad-cursor');
  }
}

/** The database did not answer (after the SDK's retries). */
export class StorageUnavailableError extends DomainError {
  constructor() {
    super('storage/unavailable');
  }
}
