import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { type Item, n, parseItem, s } from './codec.js';

/**
 * Rate-limit counters in the games table: one item per key and window, `RATE#<key>#<window
 * start>`, holding `Hits` and the TTL attribute `ExpiresAt` (epoch seconds), so DynamoDB deletes
 * it after the window. No index holds these items (they have no HostId or OpponentId).
 */
export const RATE_PREFIX = 'RATE#';

export const rateKey = (key: string, windowStart: number) => s(`${RATE_PREFIX}${key}#${windowStart}`);

/** Adds hits in one UpdateItem (ADD is atomic), answering the count after it. */
export function addHitsCommand(table: string, key: string, windowStart: number, expiresAt: number, add: number) {
  return new UpdateItemCommand({
    TableName: table,
    Key: { GameId: rateKey(key, windowStart) },
    UpdateExpression: 'ADD #hits :add SET #expires = :expires',
    ExpressionAttributeNames: { '#hits': 'Hits', '#expires': 'ExpiresAt' },
    ExpressionAttributeValues: { ':add': n(add), ':expires': n(expiresAt) },
    ReturnValues: 'UPDATED_NEW',
  });
}

/** Reads the count (strongly consistent) without writing. */
export function readHitsCommand(table: string, key: string, windowStart: number) {
  return new GetItemCommand({
    TableName: table,
    Key: { GameId: rateKey(key, windowStart) },
    ProjectionExpression: 'Hits',
    ConsistentRead: true,
  });
}

const HitsItemSchema = z.object({
  Hits: z.optional(z.object({ N: z.string().check(z.regex(/^-?\d+$/, 'not a whole number')) })),
});

/** The count in an answer's item or attributes (parsed, never cast); 0 when there is none. */
export function hitsOf(item: Item | undefined): number {
  return item ? Number(parseItem(HitsItemSchema, item, 'rate counter').Hits?.N ?? 0) : 0;
}
