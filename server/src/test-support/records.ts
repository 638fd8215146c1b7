import { randomBytes } from 'node:crypto';
import { newBoard } from '@ttt/shared';
import type { GameRecord, PlayerRecord } from '../storage/types.js';

/** Records for tests and benchmarks, as the service would write them. */

/** A fresh id in the shape the API uses. */
export const gameId = () => randomBytes(16).toString('base64url');

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** Strictly increasing timestamps, so "newest first" is well defined. */
export const tick = () => {
  clock += 1000;
  return new Date(clock).toISOString();
};

export function playerRecord(name: string, overrides: Partial<PlayerRecord> = {}): PlayerRecord {
  return {
    id: name.toLowerCase(),
    name,
    passwordHash: 'scrypt$test',
    createdAt: tick(),
    signInGuard: { version: 0, clients: {} },
    ...overrides,
  };
}

export function gameRecord(overrides: Partial<GameRecord> = {}): GameRecord {
  const at = tick();
  return {
    id: gameId(),
    version: 1,
    status: 'pending',
    invite: 'name',
    inviteToken: null,
    hostId: 'alice',
    hostName: 'Alice',
    opponentId: 'bob',
    opponentName: 'Bob',
    hostMark: 'O',
    board: [...newBoard()],
    moves: [],
    result: null,
    createdAt: at,
    updatedAt: at,
    finishedAt: null,
    rematchOf: null,
    rematchId: null,
    timeControl: { type: 'correspondence', days: 3 },
    deadline: null,
    clocks: null,
    rated: false,
    tally: null,
    ...overrides,
  };
}

/** The next version of a game after `changes`, as the routes would write it. */
export function changed(game: GameRecord, changes: Partial<GameRecord>): GameRecord {
  return { ...game, ...changes, version: game.version + 1, updatedAt: tick() };
}
