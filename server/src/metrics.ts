/**
 * Metrics as CloudWatch Embedded Metric Format (EMF) lines on stdout: CloudWatch Logs turns
 * them into metrics, with no agent, no API call and no credentials. Counters are kept in memory
 * and written once a minute (and on close), so a request or a move costs an increment, never a
 * log line. The names, unit and dimension are a contract with the CDK stack's alarms (deploy/).
 */

export const METRICS_NAMESPACE = 'TicTacToe';
/** EMF allows at most 100 values in one metric's array. */
const MAX_VALUES = 100;

/** What the DynamoDB client reports: one call per HTTP request it sends, retries included. */
export interface DynamoMetrics {
  dynamodbRequest(latencyMs: number, throttled: boolean): void;
}

export interface MetricsOptions {
  /** The value of the one dimension, `Service`: the stack's name on AWS. */
  service: string;
  /** Receives each EMF document, one line of JSON ending in a newline. */
  write: (line: string) => void;
  /** Milliseconds since the epoch, for `_aws.Timestamp`. */
  now?: () => number;
  /** How often the counters are written. */
  intervalMs?: number;
  /** Runs `flush` every `ms` until the returned function is called; setInterval unless given. */
  every?: (ms: number, flush: () => void) => () => void;
}

const everyInterval = (ms: number, flush: () => void) => {
  const timer = setInterval(flush, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** Two significant digits: latencies fall into few distinct values, so one array holds a minute of them. */
export function latencyBucket(ms: number): number {
  if (!(ms > 0)) return 0;
  const scale = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Number((Math.round(ms / scale) * scale).toPrecision(2));
}

const directive = (metrics: { Name: string; Unit: string }[]) => ({
  Namespace: METRICS_NAMESPACE,
  Dimensions: [['Service']],
  Metrics: metrics,
});

const COUNTERS = ['Requests', 'Responses5xx', 'Moves', 'LiveStreams', 'DynamoDBRequests', 'DynamoDBThrottles'] as const;

export class Metrics implements DynamoMetrics {
  private requests = 0;
  private responses5xx = 0;
  private moves = 0;
  private dynamodbRequests = 0;
  private dynamodbThrottles = 0;
  /** DynamoDB latency: bucket (ms) → how many requests took about that long. */
  private latencies = new Map<number, number>();
  private liveStreams: () => number = () => 0;
  private readonly now: () => number;
  private readonly stop: () => void;
  private closed = false;

  constructor(private readonly options: MetricsOptions) {
    this.now = options.now ?? Date.now;
    this.stop = (options.every ?? everyInterval)(options.intervalMs ?? 60_000, () => this.flush());
  }

  /** A response was sent with this status. */
  response(status: number): void {
    this.requests++;
    if (status >= 500) this.responses5xx++;
  }

  /** A move was played (online or on the local board). */
  move(): void {
    this.moves++;
  }

  dynamodbRequest(latencyMs: number, throttled: boolean): void {
    this.dynamodbRequests++;
    if (throttled) this.dynamodbThrottles++;
    const bucket = latencyBucket(latencyMs);
    this.latencies.set(bucket, (this.latencies.get(bucket) ?? 0) + 1);
  }

  /** Where the number of live streams open is read, at each flush. */
  countLiveStreams(read: () => number): void {
    this.liveStreams = read;
  }

  /**
   * Writes the counters (zeros too, so alarms see 0 rather than missing data) and resets them.
   * The latency goes in documents of its own, at most 100 values each, and only when there is one:
   * { Values, Counts, Max, Min, Count, Sum }, the histogram shape AWS's own EMF libraries write,
   * with the statistics taken from the rounded values so that they always agree with them.
   */
  flush(): void {
    const timestamp = this.now();
    const values: Record<(typeof COUNTERS)[number], number> = {
      Requests: this.requests,
      Responses5xx: this.responses5xx,
      Moves: this.moves,
      LiveStreams: this.liveStreams(),
      DynamoDBRequests: this.dynamodbRequests,
      DynamoDBThrottles: this.dynamodbThrottles,
    };
    const latencies = [...this.latencies].sort(([a], [b]) => a - b);
    this.requests = 0;
    this.responses5xx = 0;
    this.moves = 0;
    this.dynamodbRequests = 0;
    this.dynamodbThrottles = 0;
    this.latencies = new Map();

    const service = this.options.service;
    this.emit({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [directive(COUNTERS.map((name) => ({ Name: name, Unit: 'Count' })))],
      },
      Service: service,
      ...values,
    });
    for (let start = 0; start < latencies.length; start += MAX_VALUES) {
      const chunk = latencies.slice(start, start + MAX_VALUES);
      let count = 0;
      let sum = 0;
      for (const [value, times] of chunk) {
        count += times;
        sum += value * times;
      }
      this.emit({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [directive([{ Name: 'DynamoDBLatency', Unit: 'Milliseconds' }])],
        },
        Service: service,
        DynamoDBLatency: {
          Values: chunk.map(([value]) => value),
          Counts: chunk.map(([, times]) => times),
          Max: chunk[chunk.length - 1]?.[0] ?? 0,
          Min: chunk[0]?.[0] ?? 0,
          Count: count,
          Sum: Number(sum.toPrecision(12)),
        },
      });
    }
  }

  /** Stops the timer and writes what was counted since the last flush. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.flush();
  }

  private emit(document: object): void {
    this.options.write(`${JSON.stringify(document)}\n`);
  }
}
