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
