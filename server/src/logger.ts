import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export interface ProcessLogger {
  log: Logger;
  /** Writes what is still gathered; called on every way out of the process. */
  flush: () => void;
}

/**
 * JSON lines for machines, or readable lines for a person at a terminal (pino-pretty, as
 * Fastify documents). pino-pretty is imported only then: JSON output — containers, the
 * benchmarks' cold start — never loads it.
 */
export async function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Promise<ProcessLogger> {
  if (config.logFormat === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({ sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
    return { log: pino({ level: config.logLevel }, stream), flush: () => {} };
  }
  // Log lines are gathered and written to stdout synchronously, 4 KB at a time and at least
  // every 250 ms. pino's default hands every line to libuv's thread pool (~60 µs of CPU per
  // /move request); a synchronous write per line costs a system call per request instead.
  const destination = pino.destination({ sync: true, minLength: 4096, periodicFlush: 250 });
  return { log: pino({ level: config.logLevel }, destination), flush: () => destination.flushSync() };
}

/** Where a person opens the game: an address that listens everywhere is reached as localhost. */
export function readyUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** An ALB trace id (`Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1`): fields of safe characters. */
const TRACE_ID = /^[A-Za-z]+=[A-Za-z0-9.-]+(;[A-Za-z]+=[A-Za-z0-9.-]+){0,7}$/;
let nextId = 0;

/**
 * The request id of log lines: the load balancer's X-Amzn-Trace-Id when it has that shape and
 * a sane length (any client can send the header, so nothing else of it reaches a log line),
 * otherwise a counter, like Fastify's own.
 */
export function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const trace = request.headers['x-amzn-trace-id'];
  if (typeof trace === 'string' && trace.length <= 200 && TRACE_ID.test(trace)) return trace;
  nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER;
  return `req-${nextId.toString(36)}`;
}
