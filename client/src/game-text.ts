import {
  type GameSummary,
  type Mark,
  markOf,
  markToMove,
  opponentOf,
  type Player,
  type Presence,
  turnOf,
} from '@ttt/shared';

/** What a viewer reads about a game, in the game's words. Pure: easy to test. */

export function playerWith(game: GameSummary, mark: Mark): Player | null {
  return mark === game.hostMark ? game.host : game.opponent;
}

/** The other player, from a player's side. */
export function opponentFor(game: GameSummary, playerId: string): Player | null {
  return playerId === game.host.id ? game.opponent : game.host;
}

/** Whether the game waits for this player's move: the shared rules say whose turn and which mark. */
export function isYourTurn(game: GameSummary, playerId: string | null | undefined): boolean {
  const mine = markOf(game, playerId);
  return mine !== null && turnOf(game) === mine;
}

/** An invitation, as the one invited reads it: a rematch says so. */
const invitationLine = (game: GameSummary) =>
  game.rematchOf ? `${game.host.name} offers you a rematch` : `${game.host.name} invites you to play`;

export function statusLine(game: GameSummary, viewerId: string | null | undefined): string {
  const mine = markOf(game, viewerId);
  const host = game.host.name;
  const opponent = game.opponent?.name;
  switch (game.status) {
    case 'pending':
      if (viewerId === game.host.id) {
        if (!opponent) return 'Waiting for someone to accept your invitation link';
        return game.rematchOf ? `Waiting for ${opponent} to accept your rematch` : `Waiting for ${opponent} to accept`;
      }
      if (viewerId && viewerId === game.opponent?.id) return invitationLine(game);
      return opponent ? `Waiting for ${opponent} to accept ${host}'s invitation` : invitationLine(game);
    case 'playing': {
      const turn = game.turn ?? 'X';
      const mover = playerWith(game, turn)?.name ?? turn;
      if (mine) return turn === mine ? 'Your turn' : `Waiting for ${mover}`;
      return `${mover}'s turn (${turn})`;
    }
    case 'finished': {
      const result = game.result;
      // Who left, when a game was claimed: the player whose turn it was.
      const leaver = playerWith(game, markToMove(game.board))?.name ?? 'The other player';
      if (!result || result.winner === null) {
        return result?.reason === 'abandoned' ? `Draw — ${leaver} left the game` : 'Draw';
      }
      const winner = playerWith(game, result.winner)?.name ?? result.winner;
      const loser = playerWith(game, opponentOf(result.winner))?.name ?? opponentOf(result.winner);
      const iLost = mine !== null && mine !== result.winner;
      const headline = mine ? (iLost ? 'You lose' : 'You win') : `${winner} wins`;
      switch (result.reason) {
        case 'resign':
          return iLost ? 'You lose — you resigned' : `${headline} — ${loser} resigned`;
        case 'timeout':
          return iLost ? 'You lose — out of time' : `${headline} — ${loser} ran out of time`;
        case 'abandoned':
          return iLost ? 'You lose — you left the game' : `${headline} — ${loser} left the game`;
        default:
          return headline;
      }
    }
    case 'declined':
      if (viewerId === game.host.id) return `${opponent} declined your invitation`;
      if (viewerId === game.opponent?.id) return 'You declined this invitation';
      return `${opponent} declined ${host}'s invitation`;
    case 'cancelled':
      if (viewerId === game.host.id) return 'You cancelled this invitation';
      return `${host} cancelled the invitation`;
    case 'expired':
      if (viewerId === game.host.id) return 'Your invitation expired before anyone answered';
      return `${host}'s invitation expired`;
  }
}

/** One line for a game in a lobby list. */
export function lobbyLine(game: GameSummary, playerId: string): string {
  const other = opponentFor(game, playerId)?.name;
  switch (game.status) {
    case 'pending':
      if (playerId === game.host.id) {
        if (!other) return 'Invitation link — anyone with it can accept';
        return game.rematchOf ? `You offered ${other} a rematch` : `You invited ${other}`;
      }
      return game.rematchOf ? `${game.host.name} wants a rematch` : `${game.host.name} invited you`;
    case 'playing':
      return isYourTurn(game, playerId) ? 'Your turn' : `Waiting for ${other}`;
    case 'finished': {
      const mine = markOf(game, playerId);
      if (!game.result || game.result.winner === null) return 'Draw';
      const how = { line: '', draw: '', resign: ' (resigned)', timeout: ' (on time)', abandoned: ' (left)' }[
        game.result.reason
      ];
      return `${game.result.winner === mine ? 'You won' : 'You lost'}${how}`;
    }
    default:
      return game.status;
  }
}

const APP = 'Tic-tac-toe';

/** The tab's title on a game's page: what a player glancing at another tab wants to know. */
export function gameTitle(game: GameSummary, viewerId: string | null | undefined): string {
  const other = viewerId && markOf(game, viewerId) ? opponentFor(game, viewerId)?.name : undefined;
  if (viewerId && other) {
    if (isYourTurn(game, viewerId)) return `● Your turn · vs ${other}`;
    if (game.status === 'finished') return `${lobbyLine(game, viewerId)} · vs ${other}`;
  }
  return `${statusLine(game, viewerId)} · ${APP}`;
}

/** The tab's title in the lobby: how many games wait for the player's move. */
export function lobbyTitle(yourTurn: number): string {
  return yourTurn > 0 ? `(${yourTurn}) Your turn · ${APP}` : APP;
}

/** A browser notification: what it says, and where a click on it leads. */
export interface Notice {
  title: string;
  body: string;
  /** One per game: a newer notice about the same game replaces the older one. */
  tag: string;
  href: string;
}

const aboutGame = (game: GameSummary) => ({ tag: `game-${game.id}`, href: `/games/${game.id}` });

/** It is your move; a game's page knows the last move, the lobby only the board. */
export function turnNotice(game: GameSummary & { moves?: readonly number[] }, playerId: string): Notice {
  const other = opponentFor(game, playerId)?.name ?? 'Your opponent';
  const last = game.moves?.at(-1);
  const body =
    last !== undefined
      ? `${other} played ${cellName(last)}.`
      : game.board.every((cell) => cell === '')
        ? `${other} accepted: you move first.`
        : `${other} has played.`;
  return { title: `Your turn · vs ${other}`, body, ...aboutGame(game) };
}

export function invitationNotice(game: GameSummary): Notice {
  return { title: invitationLine(game), body: 'Open it to accept or decline.', ...aboutGame(game) };
}

export function acceptedNotice(game: GameSummary, playerId: string): Notice {
  const other = opponentFor(game, playerId)?.name ?? 'Someone';
  const body = isYourTurn(game, playerId) ? 'You move first.' : `${other} moves first.`;
  return { title: `${other} accepted your invitation`, body, ...aboutGame(game) };
}

export function cellName(index: number): string {
  return `row ${Math.floor(index / 3) + 1}, column ${(index % 3) + 1}`;
}

export function when(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 7],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return format.format(value, unit);
    value = Math.round(value / size);
  }
  return new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Whether a player of the game has its page open: true, false, or null when not known. */
export function isConnected(presence: Presence | null, playerId: string | undefined): boolean | null {
  if (!presence || !playerId) return null;
  return presence.players.find((p) => p.id === playerId)?.online ?? null;
}

/**
 * What a player reads about their opponent being there, while there is a game to play:
 * nothing while they are connected (the dot says so), otherwise that they left or have
 * not come yet.
 */
export function presenceLine(
  game: GameSummary,
  presence: Presence | null,
  viewerId: string | null | undefined,
): string | null {
  if (!presence || !viewerId || (game.status !== 'playing' && game.status !== 'pending')) return null;
  const opponent = markOf(game, viewerId) ? opponentFor(game, viewerId) : null;
  if (!opponent) return null;
  const state = presence.players.find((p) => p.id === opponent.id);
  if (!state || state.online) return null;
  if (state.lastSeenAt) return `${opponent.name} left the game`;
  return game.status === 'playing' ? `${opponent.name} is not on this page` : null;
}

/** "3 watching", for everyone; null when nobody but the players is here. */
export function watchingLine(presence: Presence | null): string | null {
  if (!presence || presence.spectators === 0) return null;
  return `${presence.spectators} watching`;
}
