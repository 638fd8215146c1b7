import { readFileSync } from 'node:fs';

/**
 * Every connection holds a file descriptor, and a live stream holds its connection for as long
 * as a page is open. At the process's open-files limit the kernel refuses new sockets, and Node
 * accepts and drops connections, moves included. So the server reads its limit once at start-up
 * and keeps streams, then connections, below it, leaving descriptors for ordinary requests,
 * DynamoDB and Redis sockets, and files.
 */

/** Where the limit cannot be read (not Linux, or /proc unreadable): the usual soft default. */
export const FALLBACK_OPEN_FILES = 1024;

export interface OpenFilesLimit {
  /** The soft limit on open files: the one the kernel enforces. */
  limit: number;
  /** `proc`: read from /proc/self/limits; `fallback`: assumed. */
  source: 'proc' | 'fallback';
}

/** The soft "Max open files" of /proc/PID/limits text; undefined when absent or not a number. */
export function parseOpenFilesLimit(procLimits: string): number | undefined {
  const soft = /^Max open files\s+(\S+)\s+\S+/m.exec(procLimits)?.[1];
  if (!soft || !/^\d+$/.test(soft)) return undefined;
  const limit = Number(soft);
  return limit > 0 ? limit : undefined;
}

/** Reads this process's own limit; the fallback where that is not possible. */
export function readOpenFilesLimit(
  platform: NodeJS.Platform = process.platform,
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): OpenFilesLimit {
  if (platform !== 'linux') return { limit: FALLBACK_OPEN_FILES, source: 'fallback' };
  let limit: number | undefined;
  try {
    limit = parseOpenFilesLimit(read());
  } catch {
    limit = undefined;
  }
  return limit === undefined ? { limit: FALLBACK_OPEN_FILES, source: 'fallback' } : { limit, source: 'proc' };
}

export interface ConnectionCaps {
  /** Live streams at once; one more is answered 503 with Retry-After. */
  maxStreams: number;
  /** Connections at once (Node's `server.maxConnections`); more are dropped. A safety net only. */
  maxConnections: number;
}

/**
 * Caps for an open-files limit. Streams leave max(256, 10 %) of the descriptors to everything
 * else; connections leave max(64, 2 %) for sockets to DynamoDB and Redis and for files, so
 * between the two there is room for move requests even when every stream slot is taken.
 * 20,000 → 18,000 streams and 19,600 connections; 65,536 → 58,982 and 64,225.
 */
export function connectionCaps(openFiles: number): ConnectionCaps {
  const maxConnections = openFiles - Math.max(64, Math.ceil(openFiles * 0.02));
  const maxStreams = Math.max(Math.floor(openFiles / 4), openFiles - Math.max(256, Math.ceil(openFiles * 0.1)));
  return { maxStreams, maxConnections: Math.max(maxStreams, maxConnections) };
}
