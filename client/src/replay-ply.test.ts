import { describe, expect, it } from 'vitest';
import { plyAfterKey, plyFromSearch, searchWithPly } from './replay-ply';

describe('plyFromSearch', () => {
  it('opens at ?ply=N, within the game', () => {
    expect(plyFromSearch('?ply=3', 7)).toBe(3);
    expect(plyFromSearch('?ply=0', 7)).toBe(0);
    expect(plyFromSearch('?invite=abc&ply=7', 7)).toBe(7);
    expect(plyFromSearch('?ply=12', 7)).toBe(7);
  });

  it('opens at the last position without a usable ply', () => {
    for (const search of ['', '?ply=', '?ply=-1', '?ply=2.5', '?ply=x', '?ply=999', '?other=1']) {
      expect(plyFromSearch(search, 5), search).toBe(5);
    }
  });
});

describe('searchWithPly', () => {
  it('sets or removes ply and keeps the other parameters', () => {
    expect(searchWithPly('', 4)).toBe('?ply=4');
    expect(searchWithPly('?ply=4', 5)).toBe('?ply=5');
    expect(searchWithPly('?invite=abc', 0)).toBe('?invite=abc&ply=0');
    expect(searchWithPly('?invite=abc&ply=2', null)).toBe('?invite=abc');
    expect(searchWithPly('?ply=2', null)).toBe('');
  });
});

describe('plyAfterKey', () => {
  it('steps with the arrows and jumps with Home and End, never past either end', () => {
    expect(plyAfterKey('ArrowRight', 2, 5)).toBe(3);
    expect(plyAfterKey('ArrowRight', 5, 5)).toBe(5);
    expect(plyAfterKey('ArrowLeft', 2, 5)).toBe(1);
    expect(plyAfterKey('ArrowLeft', 0, 5)).toBe(0);
    expect(plyAfterKey('Home', 3, 5)).toBe(0);
    expect(plyAfterKey('End', 3, 5)).toBe(5);
    expect(plyAfterKey('ArrowUp', 3, 5)).toBeNull();
    expect(plyAfterKey('Enter', 3, 5)).toBeNull();
  });
});
