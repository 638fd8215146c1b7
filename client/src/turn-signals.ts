import { type GameList, type GameSummary, type GameView, type Lobby, markOf, markOfMove } from '@ttt/shared';
import { acceptedNotice, invitationNotice, isYourTurn, type Notice, turnNotice } from './game-text';

/**
 * What is worth a signal (a sound, a tab title, a notification, a place at the top of a
 * list) when a game or a lobby changes. Pure: every function compares plain data.
 */

/**
 * Games waiting for the player's move first, each group in the order given (the server's:
 * newest first). Only the loaded page is ordered; a later page may hold more of either.
 */
export function yourTurnFirst(games: readonly GameSummary[], playerId: string): GameSummary[] {
  return [
    ...games.filter((game) => isYourTurn(game, playerId)),
    ...games.filter((game) => !isYourTurn(game, playerId)),
  ];
}

export function countYourTurn(games: readonly GameSummary[], playerId: string): number {
  return games.filter((game) => isYourTurn(game, playerId)).length;
}

export interface GameChange {
  /** A move was made: by the viewer ('own') or by someone else ('other'). */
  sound: 'own' | 'other' | null;
  /** The game did not wait for the viewer's move before, and does now. */
  yourTurn: boolean;
}

/** What one update of a game's page means for its viewer; nothing for a first load. */
export function gameChange(before: GameView | null, after: GameView, viewerId: string | null | undefined): GameChange {
  if (!before || before.id !== after.id) return { sound: null, yourTurn: false };
  let sound: GameChange['sound'] = null;
  if (after.moves.length > before.moves.length) {
    sound = markOfMove(after.moves.length - 1) === markOf(after, viewerId) ? 'own' : 'other';
  }
  return { sound, yourTurn: !isYourTurn(before, viewerId) && isYourTurn(after, viewerId) };
}

export interface LobbyChanges {
  /** Invitations for the player that were not there before. */
  invitations: GameSummary[];
  /** The player's invitations that have been accepted since. */
  accepted: GameSummary[];
  /** Games that wait for the player's move now and did not before. */
  yourTurn: GameSummary[];
}

const LISTS: GameList[] = ['received', 'sent', 'playing', 'finished'];
const noMarks = (game: GameSummary) => game.board.every((cell) => cell === '');

/**
 * What changed between two states of the lobby shown (a read of its first pages, or a change
 * applied). A game not listed before is news only when it changed after everything listed
 * then: lists are newest first, so one that rose from a later page on a read is not.
 */
export function lobbyChanges(previous: Lobby, next: Lobby): LobbyChanges {
  const me = next.player.id;
  const before = new Map<string, GameSummary>();
  let newest = '';
  for (const list of LISTS) {
    for (const game of previous[list].games) {
      before.set(game.id, game);
      if (game.updatedAt > newest) newest = game.updatedAt;
    }
  }
  const fresh = (game: GameSummary) => !before.has(game.id) && game.updatedAt > newest;
  const playing = next.playing.games;
  return {
    invitations: next.received.games.filter(fresh),
    // Moved on from pending; or, not seen before, playing with no move yet (a move would show).
    accepted: playing.filter(
      (game) => game.host.id === me && (before.get(game.id)?.status === 'pending' || (fresh(game) && noMarks(game))),
    ),
    yourTurn: playing.filter((game) => {
      if (!isYourTurn(game, me)) return false;
      const seen = before.get(game.id);
      return seen ? !isYourTurn(seen, me) : fresh(game);
    }),
  };
}

/** One notification per game that changed, the most telling one: accepted, then your turn. */
export function lobbyNotices(changes: LobbyChanges, playerId: string): Notice[] {
  const accepted = new Set(changes.accepted.map((game) => game.id));
  return [
    ...changes.invitations.map(invitationNotice),
    ...changes.accepted.map((game) => acceptedNotice(game, playerId)),
    ...changes.yourTurn.filter((game) => !accepted.has(game.id)).map((game) => turnNotice(game, playerId)),
  ];
}
