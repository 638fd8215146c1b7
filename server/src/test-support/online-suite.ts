import { boardFromMoves, type GameView, NAME_RULE } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { rematchIdOf } from '../online/games.js';
import type { Store } from '../storage/types.js';
import { Browser, TEST_ACCOUNTS, testConfig } from './app.js';
import { OnlinePlayer, PASSWORD, playOut, startedGame, uniqueName } from './online.js';

export interface OnlineHarness {
  store: Store;
  close?: () => Promise<void>;
}

/**
 * The whole online API, the authorization matrix and the race, against any store.
 * `open` is called once; the suite makes unique names, so the store may be shared.
 */
export function describeOnlineApi(name: string, open: () => Promise<OnlineHarness>) {
  describe(`online play (${name} store)`, () => {
    let app: FastifyInstance;
    let harness: OnlineHarness;
    let clock = Date.parse('2026-11-22T12:00:00.000Z');

    beforeAll(async () => {
      harness = await open();
      app = await buildApp({
        config: testConfig(),
        store: harness.store,
        now: () => new Date(clock),
        accounts: TEST_ACCOUNTS,
      });
    });
    afterAll(async () => {
      await app.close();
      await harness.close?.();
    });

    const signIn = (base: string) => OnlinePlayer.signIn(app, uniqueName(base));

    describe('accounts', () => {
      it('creates the player when asked to and keeps the name as typed', async () => {
        const name = uniqueName('Alice');
        const browser = new Browser(app);
        expect((await browser.get('/api/session')).json()).toEqual({ player: null });
        const first = await browser.post('/api/session', { name, password: PASSWORD, create: true });
        expect(first.statusCode).toBe(200);
        expect(first.json()).toEqual({ player: { id: name.toLowerCase(), name }, created: true });
        expect((await browser.get('/api/session')).json()).toEqual({ player: { id: name.toLowerCase(), name } });

        const again = new Browser(app);
        const second = await again.post('/api/session', { name: name.toUpperCase(), password: PASSWORD });
        expect(second.json()).toEqual({ player: { id: name.toLowerCase(), name }, created: false });
      });

      it('asks before creating: an unknown name without `create` answers 404 and creates nothing', async () => {
        const name = uniqueName('testuserl');
        const browser = new Browser(app);
        for (let i = 0; i < 2; i++) {
          const response = await browser.post('/api/session', { name, password: PASSWORD });
          expect(response.statusCode).toBe(404);
          expect(response.json()).toEqual({
            error: `No player is called ${name}. Create this account?`,
            code: 'auth/unknown-player',
          });
          expect((await browser.get('/api/session')).json()).toEqual({ player: null });
        }
        expect(await harness.store.getPlayer(name.toLowerCase())).toBeNull();
        const created = await browser.post('/api/session', { name, password: PASSWORD, create: true });
        expect(created.json()).toEqual({ player: { id: name.toLowerCase(), name }, created: true });
      });

      it('signs an existing player in with or without `create`, and says no more about a wrong password', async () => {
        const name = uniqueName('erin');
        await OnlinePlayer.signIn(app, name);
        for (const create of [undefined, false, true]) {
          const browser = new Browser(app);
          const wrong = await browser.post('/api/session', { name, password: 'not the password', create });
          expect(wrong.statusCode).toBe(401);
          expect(wrong.json()).toEqual({ error: 'Wrong name or password', code: 'auth/wrong-credentials' });
          const right = await browser.post('/api/session', { name, password: PASSWORD, create });
          expect(right.json()).toEqual({ player: { id: name.toLowerCase(), name }, created: false });
        }
      });

      it('says only "wrong name or password" for a wrong password, and stays signed out', async () => {
        const name = uniqueName('bob');
        await OnlinePlayer.signIn(app, name);
        const browser = new Browser(app);
        const response = await browser.post('/api/session', { name, password: 'not the password' });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error: 'Wrong name or password', code: 'auth/wrong-credentials' });
        expect((await browser.get('/api/session')).json()).toEqual({ player: null });
      });

      it.each([
        ['empty', ''],
        ['too short', 'ab'],
        ['too long', 'a'.repeat(21)],
        ['with a space', 'bob smith'],
        ['markup', '<script>alert(1)</script>'],
        ['an img tag', '<img src=x onerror=alert(1)>'],
        ['quotes', 'bob"o\''],
        ['a path', '../etc'],
        ['non-ASCII letters', 'böb'],
        ['a zero-width space', 'bob\u200b'],
      ])('refuses a name that is %s', async (_, badName) => {
        const browser = new Browser(app);
        const response = await browser.post('/api/session', { name: badName, password: PASSWORD });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({
          code: 'request/invalid',
          issues: [{ path: ['name'], message: NAME_RULE }],
        });
        expect((await browser.get('/api/session')).json()).toEqual({ player: null });
      });

      it('refuses short passwords and bodies of the wrong shape', async () => {
        const browser = new Browser(app);
        for (const body of [
          { name: uniqueName('carol'), password: 'short' },
          { name: 42, password: PASSWORD },
          {},
          [],
        ]) {
          const response = await browser.post('/api/session', body);
          expect(response.statusCode, JSON.stringify(body)).toBe(400);
        }
      });

      it('locks a name after repeated failures, then lets the right password in later', async () => {
        const name = uniqueName('dave');
        await OnlinePlayer.signIn(app, name);
        const browser = new Browser(app);
        for (let i = 0; i < 5; i++) {
          expect((await browser.post('/api/session', { name, password: 'wrong password' })).statusCode).toBe(401);
        }
        const locked = await browser.post('/api/session', { name, password: PASSWORD });
        expect(locked.statusCode).toBe(429);
        expect(locked.json()).toMatchObject({
          code: 'auth/locked',
          error: expect.stringMatching(/Too many failed sign-ins/),
        });
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        expect((await browser.get('/api/session')).json()).toEqual({ player: null });

        clock += 31_000;
        const later = await browser.post('/api/session', { name, password: PASSWORD });
        expect(later.statusCode).toBe(200);
        // The count starts again after a success.
        expect((await browser.post('/api/session', { name, password: 'wrong password' })).statusCode).toBe(401);
        expect((await browser.post('/api/session', { name, password: PASSWORD })).statusCode).toBe(200);
      });

      it('signs out without touching the local game', async () => {
        const alice = await signIn('alice');
        await alice.post('/move', { index: 4 });
        const signedOut = await alice.request({ method: 'DELETE', url: '/api/session' });
        expect(signedOut.json()).toEqual({ player: null });
        expect((await alice.get('/api/session')).json()).toEqual({ player: null });
        expect((await alice.get('/api/lobby')).statusCode).toBe(401);
        expect((await alice.get('/state')).json().board[4]).toBe('X');
      });

      it('ignores any player named in a request body or by a forged cookie', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        const mallory = new Browser(app);
        const forged = await mallory.request({
          method: 'POST',
          url: `/api/games/${game.id}/moves`,
          payload: { cell: 0 },
          headers: { cookie: 'ttt_session=forged-value' },
        });
        expect(forged.statusCode).toBe(401);
        // A body naming a player is refused as a whole (request bodies are strict), and the
        // move itself is judged for the signed-in player only.
        const sneaky = await alice.post(`/api/games/${game.id}/moves`, { cell: 0, playerId: bob.id });
        expect(sneaky.statusCode).toBe(400);
        expect(sneaky.json().code).toBe('request/invalid');
        const plain = await alice.post(`/api/games/${game.id}/moves`, { cell: 0 });
        expect(plain.statusCode).toBe(409);
        expect(plain.json().code).toBe('move/not-your-turn');
        expect((await alice.game(game.id)).moves).toEqual([]);
      });
    });

    describe('invitations and a whole game', () => {
      it('invites by name, accepts, plays to a win, and both see the result and their record', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('Bob');
        const invitation = await alice.invite(bob.name.toUpperCase());
        expect(invitation).toMatchObject({
          status: 'pending',
          invite: 'name',
          host: { id: alice.id, name: alice.name },
          opponent: { id: bob.id, name: bob.name },
          hostMark: 'O',
          turn: null,
          version: 1,
        });
        expect(invitation).not.toHaveProperty('inviteToken');

        const bobLobby = (await bob.get('/api/lobby')).json();
        expect(bobLobby.received.games.map((g: GameView) => g.id)).toEqual([invitation.id]);
        expect((await alice.get('/api/lobby')).json().sent.games.map((g: GameView) => g.id)).toEqual([invitation.id]);

        const accepted = await bob.act(invitation.id, 'accept');
        expect(accepted).toMatchObject({ status: 'playing', turn: 'X', version: 2 });

        // Bob (the invitee) plays X and moves first.
        const finished = await playOut([alice, bob], invitation.id, [0, 3, 1, 4, 2]);
        expect(finished).toMatchObject({
          status: 'finished',
          result: { winner: 'X', reason: 'line', line: [0, 1, 2] },
          moves: [0, 3, 1, 4, 2],
          board: ['X', 'X', 'X', 'O', 'O', '', '', '', ''],
          turn: null,
          // Two, then five moves, then the tally's write (online/tally.ts: counted for both players).
          version: 8,
        });
        expect(finished.finishedAt).toEqual(expect.any(String));

        for (const [player, record] of [
          [bob, { wins: 1, losses: 0, draws: 0 }],
          [alice, { wins: 0, losses: 1, draws: 0 }],
        ] as const) {
          const lobby = (await player.get('/api/lobby')).json();
          expect(lobby.record).toEqual(record);
          expect(lobby.finished.games.map((g: GameView) => g.id)).toEqual([invitation.id]);
          expect(lobby.playing.games).toEqual([]);
          expect(lobby.received.games).toEqual([]);
        }
      });

      it('invites a name nobody has yet: the invitation waits in the lobby that name gets on signing up', async () => {
        const alice = await signIn('alice');
        const name = uniqueName('Ghost');
        const waiting = await alice.post('/api/games', { opponent: name });
        expect(waiting.statusCode).toBe(201);
        expect(waiting.json()).toMatchObject({
          status: 'pending',
          opponent: { id: name.toLowerCase(), name },
          opponentHasJoined: false,
        });
        const ghost = await OnlinePlayer.signIn(app, name.toLowerCase());
        expect((await ghost.get('/api/lobby')).json().received.games.map((g: GameView) => g.id)).toEqual([
          waiting.json().id,
        ]);
        expect((await ghost.act(waiting.json().id, 'accept')).status).toBe('playing');
        const bob = await signIn('bob');
        expect((await alice.post('/api/games', { opponent: bob.name })).json().opponentHasJoined).toBe(true);
      });

      it('keeps one pending invitation by name per pair, either way round, and points to it', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const first = await alice.invite(bob.name);
        const again = await alice.post('/api/games', { opponent: bob.name.toUpperCase() });
        expect(again.statusCode).toBe(409);
        expect(again.json()).toEqual({
          code: 'game/invitation-exists',
          error: `You have already invited ${bob.name}; that invitation is still waiting for an answer`,
          link: `/games/${first.id}`,
        });
        const back = await bob.post('/api/games', { opponent: alice.name });
        expect(back.statusCode).toBe(409);
        expect(back.json().error).toBe(`${alice.name} has already invited you; accept or decline that invitation`);
        // Three at once: one lands.
        const carol = await signIn('carol');
        const burst = await Promise.all([1, 2, 3].map(() => carol.post('/api/games', { opponent: bob.name })));
        expect(burst.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
        expect((await bob.get('/api/lobby')).json().received.games).toHaveLength(2);
        // A slot left pointing at no game (a crash between its write and the game's) is free.
        const dave = await signIn('dave');
        const erin = await signIn('erin');
        const pair = [dave.name.toLowerCase(), erin.name.toLowerCase()].sort().join('#');
        await harness.store.takeInvitationSlot(pair, 'neverwrittengame000000', null);
        expect((await dave.post('/api/games', { opponent: erin.name })).statusCode).toBe(201);
        // Once answered, the pair may have another; links are not limited.
        await bob.act(first.id, 'decline');
        expect((await alice.post('/api/games', { opponent: bob.name })).statusCode).toBe(201);
        expect((await alice.post('/api/games', { invite: 'link' })).statusCode).toBe(201);
        expect((await alice.post('/api/games', { invite: 'link' })).statusCode).toBe(201);
      });

      it('refuses to invite yourself or a name that is not one', async () => {
        const alice = await signIn('alice');
        const self = await alice.post('/api/games', { opponent: alice.name.toUpperCase() });
        expect(self.statusCode).toBe(400);
        expect(self.json().code).toBe('game/self-invite');
        const hostile = await alice.post('/api/games', { opponent: '<img src=x onerror=alert(1)>' });
        expect(hostile.statusCode).toBe(400);
        expect((await alice.get('/api/lobby')).json().sent.games).toEqual([]);
      });

      it('ends in a draw on a full board, and counts it', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        const drawn = await playOut([alice, bob], game.id, [0, 1, 2, 4, 3, 5, 7, 6, 8]);
        expect(drawn).toMatchObject({ status: 'finished', result: { winner: null, reason: 'draw', line: null } });
        expect((await alice.get('/api/lobby')).json().record).toEqual({ wins: 0, losses: 0, draws: 1 });
      });

      it('lets a player resign, and the opponent wins', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        await bob.move(game.id, 4);
        const resigned = await bob.act(game.id, 'resign');
        expect(resigned).toMatchObject({ status: 'finished', result: { winner: 'O', reason: 'resign', line: null } });
        expect((await alice.get('/api/lobby')).json().record).toEqual({ wins: 1, losses: 0, draws: 0 });
        expect((await bob.get('/api/lobby')).json().record).toEqual({ wins: 0, losses: 1, draws: 0 });
      });

      it('declines and cancels, and neither can be accepted afterwards', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const declined = await alice.invite(bob.name);
        expect(await bob.act(declined.id, 'decline')).toMatchObject({ status: 'declined' });
        const late = await bob.post(`/api/games/${declined.id}/accept`);
        expect(late.statusCode).toBe(409);
        expect(late.json()).toEqual({ error: 'This invitation was declined', code: 'game/declined' });

        const cancelled = await alice.invite(bob.name);
        expect(await alice.act(cancelled.id, 'cancel')).toMatchObject({ status: 'cancelled' });
        const after = await bob.post(`/api/games/${cancelled.id}/accept`);
        expect(after.statusCode).toBe(409);
        expect(after.json()).toEqual({ error: 'This invitation was cancelled', code: 'game/cancelled' });
        expect((await bob.get('/api/lobby')).json().received.games).toEqual([]);
      });

      it('invites by link: only the host sees the secret, anyone else signed in accepts once', async () => {
        const alice = await signIn('alice');
        const carol = await signIn('carol');
        const dave = await signIn('dave');
        const link = await alice.inviteByLink();
        expect(link).toMatchObject({ invite: 'link', opponent: null, status: 'pending' });
        const token = link.inviteToken;
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(await carol.game(link.id)).not.toHaveProperty('inviteToken');
        expect(await new Browser(app).get(`/api/games/${link.id}`).then((r) => r.json())).not.toHaveProperty(
          'inviteToken',
        );

        const noToken = await carol.post(`/api/games/${link.id}/accept`);
        expect(noToken.statusCode).toBe(403);
        const wrongToken = await carol.post(`/api/games/${link.id}/accept`, { token: 'A'.repeat(43) });
        expect(wrongToken.statusCode).toBe(403);
        expect(wrongToken.json().code).toBe('game/bad-invite-link');
        const own = await alice.post(`/api/games/${link.id}/accept`, { token });
        expect(own.statusCode).toBe(403);
        const declineLink = await carol.post(`/api/games/${link.id}/decline`);
        expect(declineLink.statusCode).toBe(403);

        const accepted = await carol.act(link.id, 'accept', { token });
        expect(accepted).toMatchObject({ status: 'playing', opponent: { id: carol.id, name: carol.name }, turn: 'X' });
        expect(accepted).not.toHaveProperty('inviteToken');
        expect(await alice.game(link.id)).not.toHaveProperty('inviteToken');

        const second = await dave.post(`/api/games/${link.id}/accept`, { token });
        expect(second.statusCode).toBe(409);
        expect(second.json().code).toBe('game/already-accepted');
        expect((await alice.game(link.id)).opponent?.id).toBe(carol.id);
        // Carol accepted, so she plays X and moves first.
        expect((await carol.move(link.id, 4)).board[4]).toBe('X');
      });

      it('offers one rematch with marks swapped, seen in the lobby, and refuses a second', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const first = await startedGame(alice, bob);
        await playOut([alice, bob], first.id, [0, 3, 1, 4, 2]);

        const early = await alice.post(`/api/games/${(await startedGame(alice, bob)).id}/rematch`);
        expect(early.statusCode).toBe(409);
        expect(early.json().code).toBe('game/not-finished');

        const rematch = (await alice.post(`/api/games/${first.id}/rematch`)).json();
        expect(rematch).toMatchObject({
          id: rematchIdOf(first.id),
          status: 'pending',
          host: { id: alice.id },
          opponent: { id: bob.id },
          // Alice played O in the first game; now she plays X.
          hostMark: 'X',
          rematchOf: first.id,
        });
        expect((await bob.game(first.id)).rematchId).toBe(rematch.id);
        expect((await bob.get('/api/lobby')).json().received.games.map((g: GameView) => g.id)).toContain(rematch.id);

        const again = await bob.post(`/api/games/${first.id}/rematch`);
        expect(again.statusCode).toBe(409);
        expect(again.json().code).toBe('game/rematch-exists');

        await bob.act(rematch.id, 'accept');
        expect((await alice.move(rematch.id, 4)).board[4]).toBe('X');
      });

      it('makes exactly one rematch when both players ask at the same moment', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        await bob.act(game.id, 'resign');
        const answers = await Promise.all([
          alice.post(`/api/games/${game.id}/rematch`),
          bob.post(`/api/games/${game.id}/rematch`),
        ]);
        expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
        expect((await alice.game(game.id)).rematchId).toBe(rematchIdOf(game.id));
      });

      it('pages through long lists 20 at a time, newest first', async () => {
        const alice = await signIn('alice');
        const ids: string[] = [];
        for (let i = 0; i < 23; i++) {
          clock += 1000;
          ids.push((await alice.invite(uniqueName('bob'))).id);
        }
        const lobby = (await alice.get('/api/lobby')).json();
        expect(lobby.sent.games.map((g: GameView) => g.id)).toEqual(ids.slice(-20).reverse());
        expect(lobby.sent.cursor).toEqual(expect.any(String));
        const more = (await alice.get(`/api/games?list=sent&cursor=${encodeURIComponent(lobby.sent.cursor)}`)).json();
        expect(more.games.map((g: GameView) => g.id)).toEqual(ids.slice(0, 3).reverse());
        expect(more.cursor).toBeNull();

        const bad = await alice.get('/api/games?list=sent&cursor=nonsense');
        expect(bad.statusCode).toBe(400);
        expect(bad.json().code).toBe('request/bad-cursor');
        expect((await alice.get('/api/games?list=everything')).statusCode).toBe(400);
        expect((await alice.get('/api/games?list=sent&limit=500')).statusCode).toBe(400);
      });
    });

    describe('authorization: refused with the right status, nothing changed', () => {
      type Case = [string, () => Promise<{ statusCode: number; json: () => { code: string } }>, number, string?];
      let alice: OnlinePlayer;
      let bob: OnlinePlayer;
      let mallory: OnlinePlayer;
      let anonymous: Browser;
      let pending: GameView;
      let playing: GameView;
      let finished: GameView;

      beforeAll(async () => {
        alice = await signIn('alice');
        bob = await signIn('bob');
        mallory = await signIn('mallory');
        anonymous = new Browser(app);
        playing = await startedGame(alice, bob);
        await bob.move(playing.id, 4);
        playing = await alice.game(playing.id);
        finished = await startedGame(alice, bob);
        finished = await playOut([alice, bob], finished.id, [0, 3, 1, 4, 2]);
        // Last: the two have one pending invitation at a time, and the games above were accepted.
        pending = await alice.invite(bob.name);
      });

      const cases = (): Case[] => [
        ['signed out: invite', () => anonymous.post('/api/games', { opponent: bob.name }), 401, 'auth/signed-out'],
        ['signed out: lobby', () => anonymous.get('/api/lobby'), 401],
        ['signed out: list', () => anonymous.get('/api/games?list=sent'), 401],
        ['signed out: accept', () => anonymous.post(`/api/games/${pending.id}/accept`), 401],
        ['signed out: move', () => anonymous.post(`/api/games/${playing.id}/moves`, { cell: 0 }), 401],
        ['signed out: resign', () => anonymous.post(`/api/games/${playing.id}/resign`), 401],
        ['signed out: lobby events', () => anonymous.get('/api/lobby/events'), 401],
        ['third player: accept', () => mallory.post(`/api/games/${pending.id}/accept`), 403, 'game/not-invitee'],
        ['third player: decline', () => mallory.post(`/api/games/${pending.id}/decline`), 403, 'game/not-invitee'],
        ['third player: cancel', () => mallory.post(`/api/games/${pending.id}/cancel`), 403, 'game/not-host'],
        [
          'third player: move',
          () => mallory.post(`/api/games/${playing.id}/moves`, { cell: 0 }),
          403,
          'game/not-a-player',
        ],
        ['third player: resign', () => mallory.post(`/api/games/${playing.id}/resign`), 403, 'game/not-a-player'],
        ['third player: rematch', () => mallory.post(`/api/games/${finished.id}/rematch`), 403, 'game/not-a-player'],
        [
          'host accepting their own invitation',
          () => alice.post(`/api/games/${pending.id}/accept`),
          403,
          'game/not-invitee',
        ],
        [
          'host declining their own invitation',
          () => alice.post(`/api/games/${pending.id}/decline`),
          403,
          'game/not-invitee',
        ],
        ['invitee cancelling', () => bob.post(`/api/games/${pending.id}/cancel`), 403, 'game/not-host'],
        [
          'moving before the invitation is accepted',
          () => bob.post(`/api/games/${pending.id}/moves`, { cell: 0 }),
          409,
          'game/not-started',
        ],
        [
          'moving out of turn',
          () => bob.post(`/api/games/${playing.id}/moves`, { cell: 0 }),
          409,
          'move/not-your-turn',
        ],
        [
          'moving on a taken cell',
          () => alice.post(`/api/games/${playing.id}/moves`, { cell: 4 }),
          409,
          'move/cell-taken',
        ],
        [
          'moving on an older board',
          () => alice.post(`/api/games/${playing.id}/moves`, { cell: 0, version: 2 }),
          409,
          'game/stale',
        ],
        ['moving after the end', () => alice.post(`/api/games/${finished.id}/moves`, { cell: 8 }), 409, 'game/over'],
        ['resigning after the end', () => alice.post(`/api/games/${finished.id}/resign`), 409, 'game/not-playing'],
        ['accepting twice', () => bob.post(`/api/games/${playing.id}/accept`), 409, 'game/already-accepted'],
        [
          'cancelling an accepted game',
          () => alice.post(`/api/games/${playing.id}/cancel`),
          409,
          'game/already-accepted',
        ],
        [
          'declining an accepted game',
          () => bob.post(`/api/games/${playing.id}/decline`),
          409,
          'game/already-accepted',
        ],
        [
          'a cell outside the board',
          () => alice.post(`/api/games/${playing.id}/moves`, { cell: 9 }),
          400,
          'request/invalid',
        ],
        [
          'a cell that is not a number',
          () => alice.post(`/api/games/${playing.id}/moves`, { cell: 'a1' }),
          400,
          'request/invalid',
        ],
        ['an unknown game', () => bob.post('/api/games/AAAAAAAAAAAAAAAAAAAAAA/accept'), 404, 'game/not-found'],
        ['a malformed game id', () => bob.get('/api/games/not-an-id'), 400, 'request/invalid'],
        [
          'a cross-site request',
          () =>
            alice.request({
              method: 'POST',
              url: `/api/games/${playing.id}/moves`,
              payload: { cell: 0 },
              headers: { origin: 'https://evil.example' },
            }),
          403,
          'request/cross-site',
        ],
      ];

      it('refuses every case', async () => {
        for (const [label, send, status, code] of cases()) {
          const before = await Promise.all([pending, playing, finished].map((g) => alice.game(g.id)));
          const response = await send();
          expect(response.statusCode, label).toBe(status);
          if (code) expect(response.json().code, label).toBe(code);
          const after = await Promise.all([pending, playing, finished].map((g) => alice.game(g.id)));
          expect(after, label).toEqual(before);
        }
      });

      it('lets anyone watch a game, read-only', async () => {
        const watched = (await anonymous.get(`/api/games/${playing.id}`)).json();
        expect(watched).toMatchObject({ id: playing.id, status: 'playing', moves: [4] });
        expect((await anonymous.post(`/api/games/${playing.id}/moves`, { cell: 0 })).statusCode).toBe(401);
        expect((await mallory.post(`/api/games/${playing.id}/moves`, { cell: 0 })).statusCode).toBe(403);
        expect((await alice.game(playing.id)).moves).toEqual([4]);
      });
    });

    describe('races', () => {
      it('lets exactly one of many concurrent moves for the same turn through', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        const cells = [0, 1, 2, 3, 4, 5, 6, 7, 8, 4, 4, 0];
        const answers = await Promise.all(cells.map((cell) => bob.post(`/api/games/${game.id}/moves`, { cell })));
        const codes = answers.map((a) => a.statusCode);
        expect(codes.filter((c) => c === 200)).toHaveLength(1);
        expect(codes.filter((c) => c === 409)).toHaveLength(cells.length - 1);
        const final = await bob.game(game.id);
        expect(final.moves).toHaveLength(1);
        expect(final.version).toBe(game.version + 1);
      });

      it('keeps a valid alternating game when both players hammer the board at once', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob);
        for (let round = 0; round < 12; round++) {
          const state = await alice.game(game.id);
          if (state.status !== 'playing') break;
          await Promise.all(
            [alice, bob].flatMap((player) =>
              [0, 1, 2, 3, 4, 5, 6, 7, 8]
                .filter((cell) => (cell + round) % 3 === 0)
                .map((cell) => player.post(`/api/games/${game.id}/moves`, { cell, version: state.version })),
            ),
          );
        }
        const final = await alice.game(game.id);
        const replayed = boardFromMoves(final.moves);
        expect(replayed).not.toBeNull();
        expect(replayed).toEqual(final.board);
        // Accepted, the moves, and (once it finished) the tally's write.
        expect(final.version).toBe(2 + final.moves.length + (final.status === 'finished' ? 1 : 0));
      });
    });

    // Last: these move the shared clock forward by days.
    describe('time: clocks, time-outs, claims and expiry, settled by whoever reads first', () => {
      const LIVE = { type: 'live', initialSeconds: 60, incrementSeconds: 2 } as const;
      const advance = (ms: number) => {
        clock += ms;
      };
      const listIds = async (player: OnlinePlayer, list: string) =>
        ((await player.get(`/api/games?list=${list}`)).json() as { games: GameView[] }).games.map((g) => g.id);

      it('invites with a time control, validated, and sends the server time with the game', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        for (const bad of [
          { type: 'live', initialSeconds: 0, incrementSeconds: 2 },
          { type: 'live', initialSeconds: 60 },
          { type: 'correspondence', days: 30 },
          { type: 'blitz' },
          'live',
        ]) {
          const response = await alice.post('/api/games', { opponent: bob.name, timeControl: bad });
          expect(response.statusCode, JSON.stringify(bad)).toBe(400);
          expect(response.json().code).toBe('request/invalid');
        }
        expect(await listIds(bob, 'received')).toEqual([]);
        const response = await alice.post('/api/games', { opponent: bob.name, timeControl: LIVE });
        expect(response.statusCode).toBe(201);
        await bob.act(response.json().id, 'decline');
        expect(response.json()).toMatchObject({
          timeControl: LIVE,
          deadline: new Date(clock + 24 * 3_600_000).toISOString(),
          clocks: null,
          serverTime: new Date(clock).toISOString(),
        });
        const plain = await alice.invite(bob.name);
        expect(plain.timeControl).toEqual({ type: 'correspondence', days: 3 });
      });

      it("runs the mover's clock, and records a time-out at the first read after it runs out", async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob, LIVE);
        expect(game).toMatchObject({ clocks: { X: 60_000, O: 60_000 } });
        advance(10_000);
        const moved = await bob.move(game.id, 4);
        expect(moved).toMatchObject({
          clocks: { X: 52_000, O: 60_000 },
          deadline: new Date(clock + 60_000).toISOString(),
        });
        advance(60_000);
        // Both players and a spectator read at once: one write records it, every answer shows it.
        const reads = await Promise.all([alice, bob, alice, bob].map((player) => player.game(game.id)));
        for (const read of reads) {
          expect(read).toMatchObject({
            status: 'finished',
            // The time-out, then the tally's write.
            version: moved.version + 2,
            result: { winner: 'X', reason: 'timeout', line: null },
            clocks: { X: 52_000, O: 0 },
            deadline: null,
          });
        }
        const late = await alice.post(`/api/games/${game.id}/moves`, { cell: 0 });
        expect(late.statusCode).toBe(409);
        expect(late.json().code).toBe('game/over');
        expect(await listIds(bob, 'finished')).toContain(game.id);
      });

      it('records a time-out found by a move, and refuses the move', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob, LIVE);
        advance(60_000);
        const late = await bob.post(`/api/games/${game.id}/moves`, { cell: 4 });
        expect(late.statusCode).toBe(409);
        expect(late.json().code).toBe('game/over');
        expect(await alice.game(game.id)).toMatchObject({
          status: 'finished',
          version: game.version + 2, // the time-out, then the tally's write
          moves: [],
          result: { winner: 'O', reason: 'timeout' },
        });
      });

      it('settles a game listed after its deadline, and moves it to the right list', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob, LIVE);
        expect(await listIds(alice, 'playing')).toEqual([game.id]);
        advance(61_000);
        expect(await listIds(alice, 'playing')).toEqual([]);
        expect(await listIds(bob, 'finished')).toEqual([game.id]);
        expect((await bob.game(game.id)).result).toMatchObject({ winner: 'O', reason: 'timeout' });
      });

      it('expires an invitation nobody answered: it leaves both lobbies and can no longer be accepted', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const invitation = await alice.invite(bob.name);
        const link = await alice.inviteByLink();
        expect(await listIds(bob, 'received')).toEqual([invitation.id]);
        advance(24 * 3_600_000);
        expect(await listIds(bob, 'received')).toEqual([]);
        expect(await listIds(alice, 'sent')).toEqual([]);
        const lobby = (await alice.get('/api/lobby')).json();
        expect(lobby.sent.games).toEqual([]);
        const accept = await bob.post(`/api/games/${invitation.id}/accept`);
        expect(accept.statusCode).toBe(409);
        expect(accept.json().code).toBe('game/expired');
        expect((await bob.game(invitation.id)).status).toBe('expired');
        const viaLink = await bob.post(`/api/games/${link.id}/accept`, { token: link.inviteToken });
        expect(viaLink.statusCode).toBe(409);
        expect(viaLink.json().code).toBe('game/expired');
      });

      it('lets the player waiting claim a live game once the player to move has been gone long enough', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const carol = await signIn('carol');
        const game = await startedGame(alice, bob, LIVE);
        const moved = await bob.move(game.id, 4);
        // Alice, to move, never opened the game's page: gone since her turn began.
        advance(10_000);
        const early = await bob.post(`/api/games/${game.id}/claim`, { outcome: 'win' });
        expect(early.statusCode).toBe(409);
        expect(early.json().code).toBe('claim/too-soon');
        advance(20_000);
        const own = await alice.post(`/api/games/${game.id}/claim`, { outcome: 'win' });
        expect(own.json().code).toBe('claim/your-turn');
        expect((await carol.post(`/api/games/${game.id}/claim`, { outcome: 'win' })).statusCode).toBe(403);
        expect((await bob.post(`/api/games/${game.id}/claim`, { outcome: 'lose' })).statusCode).toBe(400);
        expect((await bob.game(game.id)).version).toBe(moved.version);
        const claimed = await bob.act(game.id, 'claim', { outcome: 'win' });
        expect(claimed).toMatchObject({ status: 'finished', result: { winner: 'X', reason: 'abandoned' } });

        const correspondence = await startedGame(alice, bob);
        await bob.move(correspondence.id, 4);
        advance(3_600_000);
        const refused = await bob.post(`/api/games/${correspondence.id}/claim`, { outcome: 'draw' });
        expect(refused.json().code).toBe('claim/not-live');
      });

      it('keeps the time control for a rematch', async () => {
        const alice = await signIn('alice');
        const bob = await signIn('bob');
        const game = await startedGame(alice, bob, LIVE);
        await bob.act(game.id, 'resign');
        const response = await alice.post(`/api/games/${game.id}/rematch`);
        expect(response.statusCode).toBe(201);
        expect(response.json()).toMatchObject({ timeControl: LIVE, status: 'pending' });
      });
    });
  });
}
