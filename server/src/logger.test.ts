import { describe, expect, it } from 'vitest';
import { readyUrl } from './logger.js';

describe('readyUrl', () => {
  it('names localhost for an address that listens everywhere, and the address otherwise', () => {
    expect(readyUrl('0.0.0.0', 5000)).toBe('http://localhost:5000');
    expect(readyUrl('::', 5000)).toBe('http://localhost:5000');
    expect(readyUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(readyUrl('::1', 5000)).toBe('http://[::1]:5000');
    expect(readyUrl('game.example', 5000)).toBe('http://game.example:5000');
  });
});
