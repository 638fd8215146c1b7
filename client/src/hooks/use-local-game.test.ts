import type { Board, ClassicGame } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { lastMoveBetween, stepsAfterMove } from './use-local-game';

const board = (cells: string): Board => cells.split('').map((c) => (c === '-' ? '' : c)) as Board;
const game = (cells: string, fields: Partial<ClassicGame> = {}): ClassicGame => ({
  board: [...board(cells)],
  current_player: 'X',
  winner: null,
  game_over: false,
  ...fields,
});

describe('the last move on the local board', () => {
  it('is the one cell that was empty and now has a mark', () => {
    expect(lastMoveBetween(board('---------'), board('----X----'))).toBe(4);
    expect(lastMoveBetween(board('----X----'), board('O---X----'))).toBe(0);
  });

  it('is not known when nothing, or more than one thing, changed', () => {
    expect(lastMoveBetween(board('----X----'), board('----X----'))).toBeNull();
    expect(lastMoveBetween(board('---------'), board('O---X----'))).toBeNull();
    expect(lastMoveBetween(board('X--------'), board('O---X----'))).toBeNull();
    expect(lastMoveBetween(board('X--------'), board('---------'))).toBeNull();
  });
});

describe('what the local board draws after a move', () => {
  it('draws our move first, then the computer’s reply from the same answer', () => {
    const answer = game('O---X----', { current_player: 'X' });
    expect(stepsAfterMove(board('---------'), 4, answer)).toEqual([
      { game: game('----X----', { current_player: 'O' }), lastMove: 4 },
      { game: answer, lastMove: 0 },
    ]);
  });

  it('draws one step when nobody replies: two players, or our move ended the game', () => {
    const twoPlayers = game('----X----', { current_player: 'O' });
    expect(stepsAfterMove(board('---------'), 4, twoPlayers)).toEqual([{ game: twoPlayers, lastMove: 4 }]);
    const won = game('XXXOO----', { current_player: 'O', winner: 'X', game_over: true });
    expect(stepsAfterMove(board('XX-OO----'), 2, won)).toEqual([{ game: won, lastMove: 2 }]);
  });

  it('draws the answer alone, last move unknown, when it is not our move plus one reply', () => {
    // Another tab of the same browser changed the game meanwhile.
    const elsewhere = game('OX--X-O--');
    expect(stepsAfterMove(board('---------'), 4, elsewhere)).toEqual([{ game: elsewhere, lastMove: null }]);
  });
});
