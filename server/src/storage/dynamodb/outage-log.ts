import { errorName } from './sdk-errors.js';

/** Where the summary goes; pino and the store's logger fit. */
export interface OutageLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface OutageLogOptions {
  /** At most one summary line per interval while the database does not answer (ms). */
  intervalMs?: number;
  /** Milliseconds now; injected by tests. */
  now?: () => number;
}

/**
 * An outage in a few lines instead of one stack trace per request: the first failure at once
 * (one line, no stack), then at most one line per interval with how many requests failed and
 * how, and one line when the database answers again.
 */
export class OutageLog {
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** When the outage began; null while the database answers. */
  private since: number | null = null;
  private lastLineAt = 0;
  private total = 0;
  /** Failures since the last line, by error name. */
  private pending = new Map<string, number>();

  constructor(
    private readonly logger: OutageLogger,
    private readonly table: string,
    options: OutageLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A request failed because the database did not answer. */
  failed(error: unknown): void {
    const at = this.now();
    const name = errorName(error);
    this.total++;
    if (this.since === null) {
      this.since = at;
      this.lastLineAt = at;
      this.logger.warn(
        { table: this.table, error: name },
        `DynamoDB is not answering (${name}); further failures are summarised every ${Math.round(this.intervalMs / 1000)} s`,
      );
      return;
    }
    this.pending.set(name, (this.pending.get(name) ?? 0) + 1);
    if (at - this.lastLineAt >= this.intervalMs) this.summarise(at);
  }

  /** A request got an answer: ends an outage, if there was one. Cheap when there was none. */
  answered(): void {
    if (this.since === null) return;
    const at = this.now();
    this.logger.info(
      { table: this.table, failures: this.total, seconds: Math.round((at - this.since) / 1000) },
      `DynamoDB answers again, after ${this.total} failed requests in ${Math.round((at - this.since) / 1000)} s`,
    );
    this.since = null;
    this.total = 0;
    this.pending.clear();
  }

  private summarise(at: number): void {
    const failures = [...this.pending.values()].reduce((sum, count) => sum + count, 0);
    const errors = Object.fromEntries(this.pending);
    this.logger.warn(
      { table: this.table, failures, errors, seconds: Math.round((at - (this.since ?? at)) / 1000) },
      `DynamoDB is still not answering: ${failures} failed requests in the last ${Math.round((at - this.lastLineAt) / 1000)} s`,
    );
    this.lastLineAt = at;
    this.pending.clear();
  }
}
