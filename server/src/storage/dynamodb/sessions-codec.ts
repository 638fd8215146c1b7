import * as z from 'zod/mini';
import type { SessionsRecord } from '../types.js';
import { type Item, n, parseItem, s } from './codec.js';

/** A player's sessions (`SESSIONS#<player id>`): session id → issued at, a version, and the TTL. */
export const SESSIONS_PREFIX = 'SESSIONS#';

const whole = z.pipe(
  z.object({ N: z.string().check(z.regex(/^\d+$/, 'not a whole number')) }),
  z.transform((attribute: { N: string }) => Number(attribute.N)),
);
const SessionsItemSchema = z.object({
  GameId: z.object({ S: z.string().check(z.startsWith(SESSIONS_PREFIX)) }),
  Version: whole,
  ExpiresAt: whole,
  Sessions: z.object({ M: z.record(z.string(), z.object({ S: z.string() })) }),
});

export function sessionsItem(record: SessionsRecord): Item {
  return {
    GameId: s(SESSIONS_PREFIX + record.playerId),
    Version: n(record.version),
    ExpiresAt: n(record.expiresAt),
    Sessions: { M: Object.fromEntries(Object.entries(record.sessions).map(([id, at]) => [id, s(at)])) },
  };
}

export function sessionsFromItem(item: Item): SessionsRecord {
  const parsed = parseItem(SessionsItemSchema, item, 'sessions');
  return {
    playerId: parsed.GameId.S.slice(SESSIONS_PREFIX.length),
    version: parsed.Version,
    expiresAt: parsed.ExpiresAt,
    sessions: Object.fromEntries(Object.entries(parsed.Sessions.M).map(([id, at]) => [id, at.S])),
  };
}
