import { seededRandom } from '@ttt/shared';
import { describe, expect, it } from 'vitest';
import { decode, encode, playLocalMove, startLocalGame, TWO_PLAYER } from './local-game.js';

describe('the local game in the cookie', () => {
  it('keeps the moves in order after the board and settings, one digit each', () => {
    let state = startLocalGame(TWO_PLAYER, seededRandom(1));
    for (const cell of [4, 0, 8]) {
      const result = playLocalMove(state, cell, seededRandom(1));
      if (!result.ok) throw new Error(result.reason);
      state = result.state;
    }
    expect(state.moves).toEqual([4, 0, 8]);
    expect(encode(state)).toBe('O---X---XtpX408');
    expect(decode(encode(state))).toEqual(state);
  });

  it('records the computer’s moves too, its opening included', () => {
    const state = startLocalGame({ mode: 'computer', level: 'easy', human: 'O' }, seededRandom(3));
    expect(state.moves).toHaveLength(1);
    const result = playLocalMove(state, state.board.indexOf(''), seededRandom(3));
    if (!result.ok) throw new Error(result.reason);
    expect(result.state.moves).toHaveLength(3);
    expect(decode(encode(result.state))?.moves).toEqual(result.state.moves);
  });

  it('stays small: a full game is 21 characters', () => {
    const moves = [0, 4, 8, 2, 6, 3, 5, 7, 1];
    let state = startLocalGame(TWO_PLAYER, seededRandom(1));
    for (const cell of moves) {
      const result = playLocalMove(state, cell, seededRandom(1));
      if (!result.ok) throw new Error(result.reason);
      state = result.state;
    }
    expect(encode(state)).toHaveLength(21);
    expect(decode(encode(state))?.moves).toEqual(moves);
  });

  it('reads a cookie saved before the moves were kept: the game goes on, its order unknown', () => {
    const old = decode('X---O----tpX');
    expect(old).toMatchObject({ board: ['X', '', '', '', 'O', '', '', '', ''], moves: null });
    const result = old && playLocalMove(old, 8, seededRandom(1));
    expect(result).toMatchObject({ ok: true, state: { moves: null } });
    if (result?.ok) expect(encode(result.state)).toBe('X---O---XtpX');
    // An empty board has no order to lose.
    expect(decode('---------tpX')?.moves).toEqual([]);
  });

  it('starts afresh when the moves do not lead to the board', () => {
    expect(decode('X---O----tpX40')).toBeNull();
    expect(decode('X---O----tpX0')).toBeNull();
    expect(decode('X---O----tpX049')).toBeNull();
    expect(decode('X---O----tpX0400000000')).toBeNull();
  });
});
