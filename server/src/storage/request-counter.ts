import { AsyncLocalStorage } from 'node:async_hooks';

/** DynamoDB requests by command name, e.g. `{ UpdateItemCommand: 1 }`. */
export type CommandCounts = Record<string, number>;

export interface RequestCounts {
  total: number;
  byCommand: CommandCounts;
  /** Keyed by the API operation that caused them; `(none)` outside any operation. */
  byOperation: Record<string, CommandCounts>;
}

/** The API operation in progress, and what it has sent so far. */
export interface OperationScope {
  operation: string;
  counts: CommandCounts;
}

const NO_OPERATION = '(none)';

// One scope for the whole process: a single hook labels the requests of every store and client.
// Node enables it (a hook on every promise) only once `run` is first called.
const scope = new AsyncLocalStorage<OperationScope>();

/**
 * Counts database requests per command, and per API operation where one is labelled. A store
 * feeds it from an SDK middleware. With debug logging the app labels each API request with
 * `run(name, next)` and logs what it cost from `current()`; otherwise everything counts under
 * `(none)`, and a caller that wants one operation's requests resets the counter around it.
 */
export class RequestCounter {
  private byOperation = new Map<string, CommandCounts>();

  /** Runs `fn` (and everything it starts) as the API operation `operation`. */
  run<T>(operation: string, fn: () => T): T {
    return scope.run({ operation, counts: {} }, fn);
  }

  /** The operation the caller runs in, with the requests it has sent so far; undefined outside `run`. */
  current(): OperationScope | undefined {
    return scope.getStore();
  }

  record(command: string): { operation: string; count: number } {
    const active = scope.getStore();
    if (active) active.counts[command] = (active.counts[command] ?? 0) + 1;
    const operation = active?.operation ?? NO_OPERATION;
    const counts = this.byOperation.get(operation) ?? {};
    counts[command] = (counts[command] ?? 0) + 1;
    this.byOperation.set(operation, counts);
    return { operation, count: counts[command] };
  }

  snapshot(): RequestCounts {
    const byCommand: CommandCounts = {};
    const byOperation: Record<string, CommandCounts> = {};
    let total = 0;
    for (const [operation, counts] of this.byOperation) {
      byOperation[operation] = { ...counts };
      for (const [command, count] of Object.entries(counts)) {
        byCommand[command] = (byCommand[command] ?? 0) + count;
        total += count;
      }
    }
    return { total, byCommand, byOperation };
  }

  reset(): void {
    this.byOperation = new Map();
  }
}

/** The process-wide counter that stores count into unless given their own. */
export const requestCounter = new RequestCounter();
