import { seededRandom } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { sessionKey } from '../plugins/session.js';
import { Browser, TEST_ACCOUNTS, TEST_SECRET, testApp, testConfig } from '../test-support/app.js';

const EMPTY = { board: ['', '', '', '', '', '', '', '', ''], current_player: 'X', winner: null, game_over: false };

let app: FastifyInstance;
let browser: Browser;

beforeEach(async () => {
  app = await testApp({ random: seededRandom(1) });
  browser = new Browser(app);
});
afterEach(async () => {
  await app.close();
});

async function play(b: Browser, cells: number[]) {
  let last: unknown;
  for (const index of cells) {
    const response = await b.post('/move', { index });
    expect(response.statusCode, `move ${index}: ${response.body}`).toBe(200);
    last = response.json();
  }
  return last;
}

describe('the classic /move and /reset contract', () => {
  it('starts with an empty board and X to play', async () => {
    const response = await browser.get('/state');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(EMPTY);
  });

  it('answers a move with exactly the four fields, X first then O', async () => {
    const first = await browser.post('/move', { index: 4 });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.json()).toEqual({ ...EMPTY, board: ['', '', '', '', 'X', '', '', '', ''], current_player: 'O' });
    expect(Object.keys(first.json()).sort()).toEqual(['board', 'current_player', 'game_over', 'winner']);
    const second = await browser.post('/move', { index: 0 });
    expect(second.json()).toMatchObject({ board: ['O', '', '', '', 'X', '', '', '', ''], current_player: 'X' });
  });

  it('ends the game on a win and says who won', async () => {
    const result = await play(browser, [0, 3, 1, 4, 2]);
    expect(result).toEqual({
      board: ['X', 'X', 'X', 'O', 'O', '', '', '', ''],
      current_player: 'O',
      winner: 'X',
      game_over: true,
    });
  });

  it('lets O win too', async () => {
    const result = await play(browser, [0, 3, 1, 4, 8, 5]);
    expect(result).toMatchObject({ winner: 'O', game_over: true });
  });

  it('calls a full board without a line a draw', async () => {
    const result = await play(browser, [0, 1, 2, 4, 3, 5, 7, 6, 8]);
    expect(result).toEqual({
      board: ['X', 'O', 'X', 'X', 'O', 'O', 'O', 'X', 'X'],
      current_player: 'O',
      winner: 'Draw',
      game_over: true,
    });
  });

  it('starts a new game on reset, also after a finished one', async () => {
    await play(browser, [0, 3, 1, 4, 2]);
    const reset = await browser.post('/reset');
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual(EMPTY);
    expect((await browser.get('/state')).json()).toEqual(EMPTY);
    expect((await browser.post('/move', { index: 8 })).statusCode).toBe(200);
  });

  it('accepts a reset with a JSON content type and no body, or an empty object', async () => {
    await play(browser, [4]);
    const empty = await browser.post('/reset', '', { 'content-type': 'application/json' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual(EMPTY);
    await play(browser, [4]);
    expect((await browser.post('/reset', {})).json()).toEqual(EMPTY);
  });
});

describe('illegal moves: 400 "Invalid move", nothing changes', () => {
  const cases: [string, () => Promise<{ statusCode: number; json: () => unknown }>, string][] = [
    ['an occupied cell', () => browser.post('/move', { index: 4 }), 'move/cell-taken'],
    ['index -1', () => browser.post('/move', { index: -1 }), 'request/invalid'],
    ['index 9', () => browser.post('/move', { index: 9 }), 'request/invalid'],
    ['a fractional index', () => browser.post('/move', { index: 1.5 }), 'request/invalid'],
    ['an index given as a string', () => browser.post('/move', { index: '3' }), 'request/invalid'],
    ['a null index', () => browser.post('/move', { index: null }), 'request/invalid'],
    ['a missing index', () => browser.post('/move', { cell: 3 }), 'request/invalid'],
    ['an array body', () => browser.post('/move', [3]), 'request/invalid'],
    ['no body at all', () => browser.post('/move'), 'request/invalid'],
    ['an empty JSON body', () => browser.post('/move', '', { 'content-type': 'application/json' }), 'request/invalid'],
    [
      'malformed JSON',
      () => browser.post('/move', '{"index": 3', { 'content-type': 'application/json' }),
      'request/malformed-json',
    ],
    [
      'a text body',
      () => browser.post('/move', 'index=3', { 'content-type': 'text/plain' }),
      'request/unsupported-media-type',
    ],
    [
      'a huge body',
      () =>
        browser.post('/move', JSON.stringify({ index: 3, pad: 'x'.repeat(20_000) }), {
          'content-type': 'application/json',
        }),
      'request/too-large',
    ],
    [
      'a prototype-pollution attempt',
      () => browser.post('/move', '{"index": 3, "__proto__": {"x": 1}}', { 'content-type': 'application/json' }),
      'request/malformed-json',
    ],
  ];

  it.each(cases)('refuses %s', async (_, send, code) => {
    await play(browser, [4]);
    const before = (await browser.get('/state')).json();
    const response = await send();
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'Invalid move', code });
    expect((await browser.get('/state')).json()).toEqual(before);
  });

  it('refuses a move after the game is over, and the board stays as it ended', async () => {
    const ended = await play(browser, [0, 3, 1, 4, 2]);
    const response = await browser.post('/move', { index: 8 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'Invalid move',
      code: 'move/game-over',
    });
    expect((await browser.get('/state')).json()).toEqual(ended);
  });

  it('lists what was wrong with an invalid body', async () => {
    const response = await browser.post('/move', { index: 12 });
    const body = response.json();
    expect(body.issues).toEqual([{ path: ['index'], message: expect.stringMatching(/8/) }]);
  });

  it('refuses unknown reset options with a 400 and keeps the game', async () => {
    await play(browser, [4]);
    const response = await browser.post('/reset', { mode: 'computer', level: 'godlike' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'Invalid reset', code: 'request/invalid' });
    expect((await browser.get('/state')).json()).toMatchObject({ current_player: 'O' });
  });
});

describe('one game per browser, kept in the encrypted cookie', () => {
  it('keeps two browsers on two independent boards', async () => {
    const other = new Browser(app);
    await play(browser, [0]);
    await play(other, [8]);
    expect((await browser.get('/state')).json().board).toEqual(['X', '', '', '', '', '', '', '', '']);
    expect((await other.get('/state')).json().board).toEqual(['', '', '', '', '', '', '', '', 'X']);
    expect(browser.cookie).not.toEqual(other.cookie);
  });

  it('sets an httpOnly, SameSite=Lax cookie for the whole site, Secure only over https', async () => {
    const response = await browser.post('/move', { index: 0 });
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^ttt_session=/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i);

    const behindTls = await testApp({ config: { trustProxy: true } });
    const secure = await behindTls.inject({
      method: 'POST',
      url: '/move',
      payload: { index: 0 },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(String(secure.headers['set-cookie'])).toMatch(/; Secure/i);
    await behindTls.close();
  });

  it('does not keep the board in readable form in the cookie', async () => {
    await play(browser, [0, 1, 2]);
    const sealed = decodeURIComponent(browser.cookie ?? '').slice('ttt_session='.length);
    const bytes = Buffer.concat(sealed.split(';').map((part) => Buffer.from(part, 'base64'))).toString('latin1');
    expect(bytes.length).toBeGreaterThan(40);
    expect(bytes).not.toMatch(/board|local|settings|XOX|two-player/);
  });

  it('starts a fresh game, not an error, for a tampered cookie', async () => {
    await play(browser, [0, 4]);
    const [name, value = ''] = (browser.cookie ?? '').split('=');
    const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    for (const cookie of [`${name}=${flipped}`, `${name}=garbage`, `${name}=`, `${name}=${'%'.repeat(5)}`]) {
      const response = await browser.request({ method: 'GET', url: '/state', headers: { cookie } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(EMPTY);
      const move = await browser.request({ method: 'POST', url: '/move', payload: { index: 4 }, headers: { cookie } });
      expect(move.statusCode).toBe(200);
    }
  });

  it('starts a fresh game for a cookie sealed with another key', async () => {
    const foreign = await testApp({ config: { sessionSecret: 'another-secret-of-at-least-32-characters!!' } });
    const stranger = new Browser(foreign);
    await play(stranger, [0, 4]);
    const response = await browser.request({
      method: 'GET',
      url: '/state',
      headers: { cookie: stranger.cookie ?? '' },
    });
    expect(response.json()).toEqual(EMPTY);
    await foreign.close();
  });

  it('keeps the game across a restart and across instances sharing SESSION_SECRET', async () => {
    await play(browser, [0, 4, 8]);
    const restarted = await buildApp({ config: testConfig(), accounts: TEST_ACCOUNTS });
    const same = new Browser(restarted);
    same.cookie = browser.cookie;
    expect((await same.get('/state')).json().board).toEqual(['X', '', '', '', 'O', '', '', '', 'X']);
    await restarted.close();
  });

  it('reads cookies sealed with the previous secret after a rotation', async () => {
    await play(browser, [2]);
    const rotated = await buildApp({
      config: testConfig({
        sessionSecret: 'the-new-secret-of-at-least-32-characters',
        sessionSecretPrevious: TEST_SECRET,
      }),
    });
    const same = new Browser(rotated);
    same.cookie = browser.cookie;
    expect((await same.get('/state')).json().board[2]).toBe('X');
    await rotated.close();
  });

  it('derives a 32-byte key that depends on the secret', () => {
    expect(sessionKey(TEST_SECRET)).toHaveLength(32);
    expect(sessionKey(TEST_SECRET).equals(sessionKey(`${TEST_SECRET}!`))).toBe(false);
  });
});

describe('the local game’s moves, for its replay', () => {
  it('lists the moves in order, while /move and /reset keep their four fields', async () => {
    expect((await browser.get('/api/local/moves')).json()).toEqual({ moves: [] });
    const answer = (await play(browser, [4, 0, 2, 1, 6])) as Record<string, unknown>;
    expect(Object.keys(answer).sort()).toEqual(['board', 'current_player', 'game_over', 'winner']);
    expect(answer).toMatchObject({ winner: 'X', game_over: true });
    const moves = await browser.get('/api/local/moves');
    expect(moves.statusCode).toBe(200);
    expect(moves.json()).toEqual({ moves: [4, 0, 2, 1, 6] });
    // A refused move changes nothing.
    expect((await browser.post('/move', { index: 3 })).statusCode).toBe(400);
    expect((await browser.get('/api/local/moves')).json()).toEqual({ moves: [4, 0, 2, 1, 6] });

    const reset = await browser.post('/reset', { mode: 'computer', level: 'perfect', human: 'O' });
    expect(Object.keys(reset.json()).sort()).toEqual(['board', 'current_player', 'game_over', 'winner']);
    const opening = (await browser.get('/api/local/moves')).json().moves;
    expect(opening).toHaveLength(1);
    expect(reset.json().board[opening[0]]).toBe('X');
    const reply = (await browser.post('/move', { index: reset.json().board.indexOf('') })).json();
    const order = (await browser.get('/api/local/moves')).json().moves;
    expect(order).toHaveLength(3);
    expect(order.map((cell: number) => reply.board[cell])).toEqual(['X', 'O', 'X']);
  });

  it('names the last move with the local game, the computer’s reply included, so a reload can outline it', async () => {
    expect((await browser.get('/api/local')).json().lastMove).toBeNull();
    await play(browser, [4, 0]);
    expect((await browser.get('/api/local')).json().lastMove).toBe(0);
    // A refused move changes nothing.
    expect((await browser.post('/move', { index: 4 })).statusCode).toBe(400);
    expect((await browser.get('/api/local')).json().lastMove).toBe(0);

    await browser.post('/reset', { mode: 'computer', level: 'perfect', human: 'X' });
    expect((await browser.get('/api/local')).json().lastMove).toBeNull();
    await browser.post('/move', { index: 0 });
    const order = (await browser.get('/api/local/moves')).json().moves;
    expect(order).toHaveLength(2);
    expect((await browser.get('/api/local')).json().lastMove).toBe(order[1]);
  });
});

describe('against the computer', () => {
  it('replies to the human in the same response', async () => {
    const reset = await browser.post('/reset', { mode: 'computer', level: 'perfect', human: 'X' });
    expect(reset.json()).toEqual(EMPTY);
    const response = await browser.post('/move', { index: 0 });
    const body = response.json();
    expect(body.board.filter((c: string) => c === 'X')).toHaveLength(1);
    expect(body.board.filter((c: string) => c === 'O')).toHaveLength(1);
    // Perfect play answers a corner with the centre.
    expect(body.board[4]).toBe('O');
    expect(body.current_player).toBe('X');
  });

  it('opens as X when the human plays O', async () => {
    const reset = await browser.post('/reset', { mode: 'computer', level: 'easy', human: 'O' });
    const body = reset.json();
    expect(body.board.filter((c: string) => c === 'X')).toHaveLength(1);
    expect(body.current_player).toBe('O');
    expect((await browser.get('/api/local')).json()).toEqual({
      game: body,
      settings: { mode: 'computer', level: 'easy', human: 'O' },
      lastMove: body.board.indexOf('X'),
    });
  });

  it('fills in defaults: perfect level, human plays X', async () => {
    await browser.post('/reset', { mode: 'computer' });
    expect((await browser.get('/api/local')).json().settings).toEqual({
      mode: 'computer',
      level: 'perfect',
      human: 'X',
    });
  });

  it('never lets the human win against the perfect level, and ends the game on its winning reply', async () => {
    await browser.post('/reset', { mode: 'computer', level: 'perfect', human: 'X' });
    // A careless human: always the first empty cell.
    let state = (await browser.get('/state')).json();
    while (!state.game_over) {
      const index = state.board.indexOf('');
      state = (await browser.post('/move', { index })).json();
    }
    expect(state.winner).not.toBe('X');
    expect(state.winner).toBe('O');
  });

  it('plays the same game for the same seed', async () => {
    const game = async (seed: number) => {
      const seeded = await testApp({ random: seededRandom(seed) });
      const b = new Browser(seeded);
      await b.post('/reset', { mode: 'computer', level: 'easy', human: 'O' });
      let state = (await b.get('/state')).json();
      while (!state.game_over) state = (await b.post('/move', { index: state.board.indexOf('') })).json();
      await seeded.close();
      return state.board.join('');
    };
    expect(await game(7)).toEqual(await game(7));
  });

  it('a plain reset returns to the two-player game', async () => {
    await browser.post('/reset', { mode: 'computer', human: 'O' });
    expect((await browser.post('/reset')).json()).toEqual(EMPTY);
    expect((await browser.get('/api/local')).json().settings.mode).toBe('two-player');
    await play(browser, [0, 1]);
  });
});
