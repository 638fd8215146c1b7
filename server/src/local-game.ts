import {
  applyMove,
  type Board,
  boardFromMoves,
  type Cell,
  type ClassicGame,
  computerMove,
  type IllegalMoveReason,
  isReachable,
  type LocalSettings,
  type Mark,
  markToMove,
  newBoard,
  outcome,
  type Random,
} from '@ttt/shared';

/**
 * The local game as kept in the session cookie: 12 characters, the board (X, O or - per
 * cell) then the mode (t two players, c computer), the level (e, m, p) and the human's mark,
 * then the moves in order, one digit each (at most 9 more), so a finished game can be replayed.
 * Small on purpose: the cookie travels with every request, sealed and unsealed each time.
 * A cookie from before the moves were kept has a board and no digits: its order is unknown.
 */
export type StoredLocalGame = string;
const STORED = /^[XO-]{9}[tc][emp][XO][0-8]{0,9}$/;
const MODES = { t: 'two-player', c: 'computer' } as const;
const LEVELS = { e: 'easy', m: 'medium', p: 'perfect' } as const;

export interface LocalGameState {
  board: Board;
  settings: LocalSettings;
  /** The cells played, in order; null for a game saved before the order was kept. */
  moves: number[] | null;
}

export const TWO_PLAYER: LocalSettings = { mode: 'two-player', level: 'perfect', human: 'X' };

export function encode(state: LocalGameState): StoredLocalGame {
  const { mode, level, human } = state.settings;
  const moves = state.moves?.join('') ?? '';
  return `${state.board.map((cell) => cell || '-').join('')}${mode === 'computer' ? 'c' : 't'}${level[0]}${human}${moves}`;
}

/** Anything that is not a game a real sequence of moves could produce starts a fresh game. */
export function decode(stored: unknown): LocalGameState | null {
  if (typeof stored !== 'string' || !STORED.test(stored)) return null;
  const board = stored
    .slice(0, 9)
    .split('')
    .map((c) => (c === '-' ? '' : c) as Cell);
  if (!isReachable(board)) return null;
  const digits = stored.slice(12);
  const known = digits !== '' || board.every((cell) => cell === '');
  const moves = known ? digits.split('').map(Number) : null;
  // Moves that do not lead to the board are not this game's: start afresh, as for any bad cookie.
  if (moves && boardFromMoves(moves)?.join() !== board.join()) return null;
  const settings: LocalSettings = {
    mode: MODES[stored[9] as keyof typeof MODES],
    level: LEVELS[stored[10] as keyof typeof LEVELS],
    human: stored[11] as Mark,
  };
  return { board, settings, moves };
}

export function toClassic(board: Board): ClassicGame {
  const result = outcome(board);
  return {
    board: [...board],
    current_player: markToMove(board),
    winner: result.status === 'won' ? result.winner : result.status === 'draw' ? 'Draw' : null,
    game_over: result.status !== 'playing',
  };
}

function isComputersTurn(state: LocalGameState): boolean {
  return (
    state.settings.mode === 'computer' &&
    outcome(state.board).status === 'playing' &&
    markToMove(state.board) !== state.settings.human
  );
}

/** Lets the computer play while it is its turn (at most once in practice). */
function computerReplies(state: LocalGameState, random: Random): LocalGameState {
  let { board, moves } = state;
  while (isComputersTurn({ ...state, board })) {
    const cell = computerMove(board, state.settings.level, random);
    const reply = applyMove(board, cell);
    if (!reply.ok) throw new Error(`computer chose an illegal move: ${reply.reason}`);
    board = reply.board;
    moves = moves && [...moves, cell];
  }
  return { ...state, board, moves };
}

/** A new game; when the computer plays X it opens at once. */
export function startLocalGame(settings: LocalSettings, random: Random): LocalGameState {
  return computerReplies({ board: newBoard(), settings, moves: [] }, random);
}

export type LocalMoveResult =
  | { ok: true; state: LocalGameState }
  | { ok: false; reason: IllegalMoveReason | 'not-your-turn' };

/** The human's move and, against the computer, its reply in the same step. */
export function playLocalMove(state: LocalGameState, index: number, random: Random): LocalMoveResult {
  if (isComputersTurn(state)) return { ok: false, reason: 'not-your-turn' };
  const move = applyMove(state.board, index);
  if (!move.ok) return move;
  const moves = state.moves && [...state.moves, index];
  return { ok: true, state: computerReplies({ ...state, board: move.board, moves }, random) };
}
