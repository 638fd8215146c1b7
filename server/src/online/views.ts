import type { GameSummary, GameView, Mark, WinLossRecord } from '@ttt/shared';
import { opponentOf } from '@ttt/shared';
import { turnMark } from '../storage/keys.js';
import type { GameRecord, GameSummaryRecord } from '../storage/types.js';

/** From stored records to what the API shows. */

export function summaryView(game: GameSummaryRecord): GameSummary {
  return {
    id: game.id,
    version: game.version,
    status: game.status,
    invite: game.invite,
    host: { id: game.hostId, name: game.hostName },
    opponent: game.opponentId && game.opponentName ? { id: game.opponentId, name: game.opponentName } : null,
    hostMark: game.hostMark,
    board: game.board,
    turn: turnMark(game.status, game.board.filter((cell) => cell !== '').length),
    result: game.result,
    createdAt: game.createdAt,
    updatedAt: game.updatedAt,
    rematchOf: game.rematchOf,
  };
}

/** The full game; the secret link of a pending link invitation only for its host. */
export function gameView(game: GameRecord, viewerId: string | null): GameView {
  const view: GameView = {
    ...summaryView(game),
    moves: game.moves,
    finishedAt: game.finishedAt,
    rematchId: game.rematchId,
  };
  if (game.inviteToken && game.status === 'pending' && viewerId === game.hostId) view.inviteToken = game.inviteToken;
  return view;
}

/** The mark a player has in a game, or null for anyone else. */
export function markOf(game: Pick<GameRecord, 'hostId' | 'opponentId' | 'hostMark'>, playerId: string): Mark | null {
  if (playerId === game.hostId) return game.hostMark;
  if (playerId === game.opponentId) return opponentOf(game.hostMark);
  return null;
}

export function addToRecord(record: WinLossRecord, game: GameSummaryRecord, playerId: string): WinLossRecord {
  const mark = markOf(game, playerId);
  if (!mark || !game.result) return record;
  if (game.result.winner === null) return { ...record, draws: record.draws + 1 };
  if (game.result.winner === mark) return { ...record, wins: record.wins + 1 };
  return { ...record, losses: record.losses + 1 };
}
