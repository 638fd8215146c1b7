import type { GameList, GameStatus } from '@ttt/shared';
import { BadCursorError } from './errors.js';
import type { GameRecord, GameSummaryRecord } from './types.js';

/**
 * The sort key of a game in a player's lists: status, then last change, then id, so that
 * one key range holds one list, newest first, with no ties. DynamoDB's indexes sort by it;
 * the memory store sorts the same way, so cursors mean the same thing in both.
 */
export function listSortKey(game: Pick<GameRecord, 'status' | 'updatedAt' | 'id'>): string {
  return `${game.status.toUpperCase()}#${game.updatedAt}#${game.id}`;
}

export function listStatus(list: GameList): GameStatus {
  return list === 'received' || list === 'sent' ? 'pending' : list;
}

/** Which of the player's roles a list covers: games they host, games they were invited to. */
export function listRoles(list: GameList): ('host' | 'opponent')[] {
  if (list === 'received') return ['opponent'];
  if (list === 'sent') return ['host'];
  return ['host', 'opponent'];
}

export function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ k: sortKey })).toString('base64url');
}

export function decodeCursor(cursor: string, status: GameStatus): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const key = (parsed as { k?: unknown }).k;
    if (typeof key === 'string' && key.startsWith(`${status.toUpperCase()}#`) && key.length < 200) return key;
  } catch {}
  throw new BadCursorError();
}

export function toSummary(game: GameRecord): GameSummaryRecord {
  const {
    moves: _moves,
    inviteToken: _token,
    finishedAt: _finished,
    rematchId: _rematch,
    clocks: _clocks,
    ...summary
  } = game;
  return summary;
}

/** Two players' pair, the same whoever invites whom: their ids in order (ids have no '#'). */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}#${b}` : `${b}#${a}`;
}

// --- expiry: how long the store keeps what nobody will come back to ---------------------------

const DAY_MS = 24 * 60 * 60 * 1000;
/** A pending invitation is kept this long past its deadline (then it would read as expired anyway). */
export const INVITATION_KEPT_MS = 7 * DAY_MS;
/** A game in play is kept this long past its deadline: nobody opened it for a month after it was lost. */
export const ABANDONED_KEPT_MS = 30 * DAY_MS;
/** An answered invitation (declined, cancelled, expired) is kept this long after its last change. */
export const ANSWERED_KEPT_MS = 7 * DAY_MS;
/** A pair's invitation slot outlives the longest invitation (30 days, config.ts) and its game's 7 days. */
export const SLOT_KEPT_MS = 37 * DAY_MS;
/** A game page's presence, after its last change: far longer than anyone stays on a page unchanged. */
export const PRESENCE_KEPT_MS = 7 * DAY_MS;
/** An instance's heartbeat, after the time it said it is alive until. */
export const HEARTBEAT_KEPT_MS = DAY_MS;

/**
 * When the store may forget a game (epoch ms), or null to keep it: finished games are history.
 * Every write recomputes it, so a move pushes it forward and finishing removes it. Games made
 * without a deadline count from their last change.
 */
export function gameExpiresAt(game: Pick<GameRecord, 'status' | 'deadline' | 'updatedAt'>): number | null {
  const from = Date.parse(game.deadline ?? game.updatedAt);
  switch (game.status) {
    case 'finished':
      return null;
    case 'pending':
      return from + INVITATION_KEPT_MS;
    case 'playing':
      return from + ABANDONED_KEPT_MS;
    case 'declined':
    case 'cancelled':
    case 'expired':
      return Date.parse(game.updatedAt) + ANSWERED_KEPT_MS;
  }
}

/** DynamoDB's TTL attribute holds whole epoch seconds; rounded up, so nothing goes early. */
export const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
