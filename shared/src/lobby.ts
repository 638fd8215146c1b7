import type { GameList, GamePage, GameSummary, Lobby } from './online-api.js';
import { addToRecord } from './online-game.js';

/**
 * The lobby as a cache fed by live events: every change to one of the player's games comes
 * as its summary, and moves the game to the list it now belongs in, where the server would
 * list it. No read: the summary is the whole news.
 */

const LISTS: readonly GameList[] = ['received', 'sent', 'playing', 'finished'];

/**
 * The list a game belongs in for a player: null when in none (not theirs, or it ended before
 * it began), undefined for a status this code does not know.
 */
export function lobbyListOf(
  game: Pick<GameSummary, 'status' | 'host' | 'opponent'>,
  playerId: string,
): GameList | null | undefined {
  const hosts = game.host.id === playerId;
  if (!hosts && game.opponent?.id !== playerId) return null;
  switch (game.status) {
    case 'pending':
      return hosts ? 'sent' : 'received';
    case 'playing':
    case 'finished':
      return game.status;
    case 'declined':
    case 'cancelled':
    case 'expired':
      return null;
    default:
      return undefined;
  }
}

/** The server's order within a list: last change, then id, newest first (storage/keys.ts). */
function newerFirst(a: GameSummary, b: GameSummary): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/**
 * The lobby after a change to one game: the same object when there is nothing to change (not
 * the player's game, or a version already shown), or 'reread' when this cannot be told from
 * the lobby shown (a status unknown here, or a finished game whose place in the record is
 * unknown). Lists show their newest games; a game leaving a list that has more pages leaves
 * the page shorter, and one that sorts below a page's last game is on a later page.
 */
export function applyLobbyEvent(lobby: Lobby, game: GameSummary): Lobby | 'reread' {
  const me = lobby.player.id;
  const target = lobbyListOf(game, me);
  if (target === undefined) return 'reread';
  let from: GameList | null = null;
  let shown: GameSummary | undefined;
  for (const list of LISTS) {
    shown = lobby[list].games.find((listed) => listed.id === game.id);
    if (shown) {
      from = list;
      break;
    }
  }
  if (shown && shown.version >= game.version) return lobby;
  if (!shown && target === null) return lobby;

  let record = lobby.record;
  if (game.status === 'finished' && shown?.status !== 'finished') {
    // Not shown and finished: either it just ended (count it) or it ended long ago and is on
    // a later page of finished games (counted already). Only a complete list tells them apart.
    if (!shown && lobby.finished.cursor !== null) return 'reread';
    record = addToRecord(record, game, me);
  }

  const next: Lobby = { ...lobby, record };
  if (from) next[from] = { ...lobby[from], games: lobby[from].games.filter((listed) => listed.id !== game.id) };
  if (target) next[target] = withGame(next[target], game);
  return next;
}

/** The page with the game in its place, unless that place is on a later page. */
function withGame(page: GamePage, game: GameSummary): GamePage {
  const index = page.games.findIndex((listed) => newerFirst(game, listed) < 0);
  if (index === -1) return page.cursor === null ? { ...page, games: [...page.games, game] } : page;
  return { ...page, games: [...page.games.slice(0, index), game, ...page.games.slice(index)] };
}
