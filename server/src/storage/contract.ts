import { randomBytes } from 'node:crypto';
import type { PairingQueue } from '@ttt/shared';
import { markOfMove } from '@ttt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changed, gameId, gameRecord, playerRecord, tick } from '../test-support/records.js';
import { AlreadyExistsError, BadCursorError, StaleGameError } from './errors.js';
import type { GameRecord, SessionsRecord, SignInGuard, StatsRecord, Store } from './types.js';

export { changed, gameId, gameRecord, playerRecord, tick } from '../test-support/records.js';

function moved(game: GameRecord, cell: number): GameRecord {
  const mark = markOfMove(game.moves.length);
  const board = [...game.board];
  board[cell] = mark;
  return changed(game, { board, moves: [...game.moves, cell] });
}

export interface StoreHarness {
  store: Store;
  close?: () => Promise<void>;
}

/** The behaviour every Store must have. Run it against each adapter. */
export function describeStoreContract(name: string, open: () => Promise<StoreHarness>) {
  describe(`${name} store`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(async () => {
      await harness.store.close();
      await harness.close?.();
    });

    // --- readiness (issue 12, row 7) ---
    describe('readiness', () => {
      it('answers a ping, and the ping changes nothing', async () => {
        const player = playerRecord(`ping${randomBytes(3).toString('hex')}`);
        await store.createPlayer(player);
        await expect(store.ping()).resolves.toBeUndefined();
        expect(await store.getPlayer(player.id)).toEqual(player);
      });
    });

    describe('players', () => {
      it('creates a player once per name, ignoring case', async () => {
        const suffix = randomBytes(3).toString('hex');
        const carol = playerRecord(`Carol_${suffix}`);
        expect(await store.createPlayer(carol)).toBe(true);
        expect(await store.getPlayer(carol.id)).toEqual(carol);
        expect(await store.createPlayer(playerRecord(`CAROL_${suffix}`))).toBe(false);
        expect((await store.getPlayer(carol.id))?.name).toBe(`Carol_${suffix}`);
      });

      it('finds nobody under an unknown id', async () => {
        expect(await store.getPlayer('nobody-here')).toBeNull();
      });

      it('saves a sign-in guard only over the version it was decided from', async () => {
        const dave = playerRecord(`dave_${randomBytes(3).toString('hex')}`);
        await store.createPlayer(dave);
        const first: SignInGuard = { version: 1, clients: { k1: { failures: 1, lastFailureAt: 1_000 } } };
        await store.saveSignInGuard(dave.id, first, 0);
        expect((await store.getPlayer(dave.id))?.signInGuard).toEqual(first);
        // Decided from version 0 too: too late.
        await expect(store.saveSignInGuard(dave.id, { version: 1, clients: {} }, 0)).rejects.toThrow(StaleGameError);
        const second: SignInGuard = {
          version: 2,
          clients: { k1: { failures: 2, lastFailureAt: 2_000 }, '*': { failures: 1, lastFailureAt: 2_500 } },
        };
        await store.saveSignInGuard(dave.id, second, 1);
        expect(await store.getPlayer(dave.id)).toEqual({ ...dave, signInGuard: second });
        await expect(store.saveSignInGuard('nobody-here', first, 0)).rejects.toThrow(StaleGameError);
        expect(await store.getPlayer('nobody-here')).toBeNull();
      });

      it('replaces the password hash with the guard, in the same conditional write', async () => {
        const erin = playerRecord(`erin_${randomBytes(3).toString('hex')}`, { passwordHash: 'scrypt$old' });
        await store.createPlayer(erin);
        await expect(store.saveSignInGuard(erin.id, { version: 1, clients: {} }, 7, 'scrypt$new')).rejects.toThrow(
          StaleGameError,
        );
        expect((await store.getPlayer(erin.id))?.passwordHash).toBe('scrypt$old');
        await store.saveSignInGuard(erin.id, { version: 1, clients: {} }, 0, 'scrypt$new');
        expect(await store.getPlayer(erin.id)).toMatchObject({
          passwordHash: 'scrypt$new',
          signInGuard: { version: 1 },
        });
      });

      it('lets exactly one of many writes decided from the same guard land', async () => {
        const fay = playerRecord(`fay_${randomBytes(3).toString('hex')}`);
        await store.createPlayer(fay);
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.saveSignInGuard(fay.id, { version: 1, clients: { [`k${i}`]: { failures: 1, lastFailureAt: i } } }, 0),
          ),
        );
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        expect(Object.keys((await store.getPlayer(fay.id))?.signInGuard.clients ?? {})).toHaveLength(1);
      });
    });

    describe('games', () => {
      it('stores a game and reads it back as written', async () => {
        const game = gameRecord({
          invite: 'link',
          inviteToken: randomBytes(32).toString('base64url'),
          opponentId: null,
          opponentName: null,
        });
        await store.createGame(game);
        expect(await store.getGame(game.id)).toEqual(game);
        expect(await store.getGame(gameId())).toBeNull();
      });

      it('keeps the time control, the deadline and the clocks, and games made before them', async () => {
        const live = gameRecord({
          status: 'playing',
          timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 2 },
          deadline: '2026-01-01T00:01:00.000Z',
          clocks: { X: 60_000, O: 58_500 },
        });
        const legacy = gameRecord({ timeControl: null, deadline: null, clocks: null });
        await store.createGame(live);
        await store.createGame(legacy);
        expect(await store.getGame(live.id)).toEqual(live);
        expect(await store.getGame(legacy.id)).toEqual(legacy);
      });

      it('refuses a second game with the same id and keeps the first', async () => {
        const game = gameRecord();
        await store.createGame(game);
        await expect(store.createGame({ ...game, hostName: 'Mallory' })).rejects.toBeInstanceOf(AlreadyExistsError);
        expect((await store.getGame(game.id))?.hostName).toBe('Alice');
      });

      it('reads many games at once and skips missing ones', async () => {
        const games = Array.from({ length: 30 }, () => gameRecord());
        for (const game of games) await store.createGame(game);
        const ids = [...games.map((g) => g.id), gameId(), games[0]?.id ?? ''];
        const read = await store.getGames(ids);
        expect(read.map((g) => g.id).sort()).toEqual(games.map((g) => g.id).sort());
        expect(await store.getGames([])).toEqual([]);
      });

      it('updates only from the expected version', async () => {
        const game = gameRecord();
        await store.createGame(game);
        const accepted = changed(game, { status: 'playing' });
        await store.updateGame(accepted, 1);
        expect(await store.getGame(game.id)).toEqual(accepted);

        const late = changed(game, { status: 'cancelled' });
        await expect(store.updateGame(late, 1)).rejects.toBeInstanceOf(StaleGameError);
        await expect(store.updateGame(changed(gameRecord(), {}), 1)).rejects.toBeInstanceOf(StaleGameError);
        expect(await store.getGame(game.id)).toEqual(accepted);
      });

      it('lets exactly one of several concurrent updates from one version win', async () => {
        const game = gameRecord();
        await store.createGame(game);
        const attempts = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            store.updateGame(changed(game, { status: i % 2 ? 'declined' : 'cancelled' }), 1),
          ),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        for (const failure of attempts.filter((a) => a.status === 'rejected')) {
          expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(StaleGameError);
        }
        expect((await store.getGame(game.id))?.version).toBe(2);
      });
    });

    describe('moves', () => {
      async function playing(): Promise<GameRecord> {
        const game = gameRecord({ status: 'playing' });
        await store.createGame(game);
        return game;
      }

      it('records a move, and the next one', async () => {
        const game = await playing();
        // The host plays O, so Bob plays X and moves first.
        const next = moved(game, 4);
        await store.recordMove(next, 1);
        expect(await store.getGame(game.id)).toEqual(next);
        const reply = moved(next, 0);
        await store.recordMove(reply, 2);
        expect(await store.getGame(game.id)).toEqual(reply);
      });

      it('refuses a move decided from a version that is not the stored one, or of no game, changing nothing', async () => {
        // The rules are the pure module's (shared/src/online-game.ts): the store checks the version only.
        const game = await playing();
        const first = moved(game, 4);
        await store.recordMove(first, 1);
        await expect(store.recordMove(moved(game, 0), 1)).rejects.toBeInstanceOf(StaleGameError);
        await expect(store.recordMove(moved(first, 0), 3)).rejects.toBeInstanceOf(StaleGameError);
        await expect(store.recordMove(moved(gameRecord({ status: 'playing' }), 0), 1)).rejects.toBeInstanceOf(
          StaleGameError,
        );
        expect(await store.getGame(game.id)).toEqual(first);
      });

      it('records a finishing move with its result in the same write', async () => {
        let game = await playing();
        for (const cell of [0, 3, 1, 4]) {
          const next = moved(game, cell);
          await store.recordMove(next, game.version);
          game = next;
        }
        const at = tick();
        const finished = {
          ...moved(game, 2),
          status: 'finished' as const,
          result: { winner: 'X' as const, reason: 'line' as const, line: [0, 1, 2] as [number, number, number] },
          finishedAt: at,
          tally: { snapshot: null, X: null, O: null },
        };
        await store.recordMove(finished, game.version);
        expect(await store.getGame(game.id)).toEqual(finished);
      });

      it("moves a live game's deadline and clocks with each move, and drops the deadline when it ends", async () => {
        let game = gameRecord({
          status: 'playing',
          timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 2 },
          deadline: '2026-01-01T00:01:00.000Z',
          clocks: { X: 60_000, O: 60_000 },
        });
        await store.createGame(game);
        const next = { ...moved(game, 4), deadline: '2026-01-01T00:02:00.000Z', clocks: { X: 61_000, O: 60_000 } };
        await store.recordMove(next, game.version);
        expect(await store.getGame(game.id)).toEqual(next);
        game = next;
        const last = {
          ...moved(game, 0),
          status: 'finished' as const,
          result: { winner: 'O' as const, reason: 'line' as const, line: [0, 1, 2] as [number, number, number] },
          finishedAt: tick(),
          deadline: null,
          clocks: { X: 61_000, O: 59_000 },
        };
        await store.recordMove(last, game.version);
        expect(await store.getGame(game.id)).toEqual(last);
      });

      it('lets exactly one of many concurrent moves for the same turn through', async () => {
        const game = await playing();
        const results = await Promise.allSettled(
          [0, 1, 2, 3, 5, 6, 7, 8].map((cell) => store.recordMove(moved(game, cell), 1)),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const stored = await store.getGame(game.id);
        expect(stored?.moves).toHaveLength(1);
        expect(stored?.board.filter((c) => c !== '')).toHaveLength(1);
      });
    });

    describe('one pending invitation per pair', () => {
      it('keeps the slot of a pair, taken only from what it held, one of many at once', async () => {
        const pair = `p${randomBytes(4).toString('hex')}#q${randomBytes(4).toString('hex')}`;
        expect(await store.getInvitationSlot(pair)).toBeNull();
        const first = gameId();
        await store.takeInvitationSlot(pair, first, null);
        expect(await store.getInvitationSlot(pair)).toBe(first);
        await expect(store.takeInvitationSlot(pair, gameId(), null)).rejects.toBeInstanceOf(StaleGameError);
        await expect(store.takeInvitationSlot(pair, gameId(), gameId())).rejects.toBeInstanceOf(StaleGameError);
        const attempts = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.takeInvitationSlot(pair, gameId(), first)),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        expect(await store.getInvitationSlot(pair)).not.toBe(first);
      });
    });

    describe('the "Play anyone" queue', () => {
      const queue = (version: number, seekers: PairingQueue['seekers'] = []): PairingQueue => ({
        version,
        seekers,
        recent: [],
      });
      const seeker = (id: string): PairingQueue['seekers'][number] => ({
        player: { id, name: id },
        timeControl: { type: 'live', initialSeconds: 60, incrementSeconds: 2 },
        rated: false,
        since: tick(),
        until: tick(),
      });

      // One queue per store: these tests run in order, each from the version the last left.
      it('starts empty, is written from version 0 once, then only from the version stored', async () => {
        const stored = (await store.getPairingQueue())?.version ?? 0;
        const first = queue(stored + 1, [seeker('alice')]);
        await store.savePairingQueue(first, stored);
        expect(await store.getPairingQueue()).toEqual(first);
        await expect(store.savePairingQueue(queue(stored + 1), stored)).rejects.toBeInstanceOf(StaleGameError);
        const second = {
          ...queue(stored + 2),
          recent: [
            {
              gameId: gameId(),
              host: { id: 'alice', name: 'alice' },
              opponent: { id: 'bob', name: 'bob' },
              timeControl: { type: 'correspondence' as const, days: 3 },
              rated: true,
              at: tick(),
            },
          ],
        };
        await store.savePairingQueue(second, stored + 1);
        expect(await store.getPairingQueue()).toEqual(second);
      });

      it('lets exactly one of several writes from one version land', async () => {
        const stored = (await store.getPairingQueue())?.version ?? 0;
        const attempts = await Promise.allSettled(
          ['a', 'b', 'c', 'd', 'e'].map((id) => store.savePairingQueue(queue(stored + 1, [seeker(id)]), stored)),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        expect((await store.getPairingQueue())?.seekers).toHaveLength(1);
      });
    });

    describe('what the change feed re-reads', () => {
      it('reads games and lobby versions together, and counts touches', async () => {
        const frank = playerRecord(`frank_${randomBytes(3).toString('hex')}`);
        const grace = playerRecord(`grace_${randomBytes(3).toString('hex')}`);
        await store.createPlayer(frank);
        await store.createPlayer(grace);
        const game = gameRecord();
        await store.createGame(game);

        const before = await store.poll([game.id, gameId()], [frank.id, grace.id, 'nobody-here']);
        expect(before.games).toEqual([game]);
        expect(before.lobbies).toEqual({ [frank.id]: 0, [grace.id]: 0 });

        await store.touchLobby(frank.id);
        await store.touchLobby(frank.id);
        await store.touchLobby('nobody-here');
        const after = await store.poll([], [frank.id, grace.id]);
        expect(after).toEqual({ games: [], lobbies: { [frank.id]: 2, [grace.id]: 0 } });
        expect(await store.getPlayer('nobody-here')).toBeNull();
        // The player record itself is unchanged by touches.
        expect(await store.getPlayer(frank.id)).toEqual(frank);
      });

      it('reads more than a hundred keys at once', async () => {
        const games = Array.from({ length: 105 }, () => gameRecord());
        for (const game of games) await store.createGame(game);
        const read = await store.poll(
          games.map((g) => g.id),
          [],
        );
        expect(read.games.map((g) => g.id).sort()).toEqual(games.map((g) => g.id).sort());
      });
    });

    describe('presence, for instances without a bus', () => {
      it("keeps each instance's latest attendance and when viewers left, and ignores older writes", async () => {
        const game = gameId();
        const other = gameId();
        await store.savePresence({
          gameId: game,
          instanceId: 'a1',
          attendance: { viewers: ['bob'], anonymous: 1, seq: 1 },
          left: {},
        });
        await store.savePresence({
          gameId: game,
          instanceId: 'b2',
          attendance: { viewers: ['alice', 'carol'], anonymous: 0, seq: 7 },
          left: {},
        });
        await store.savePresence({
          gameId: game,
          instanceId: 'a1',
          attendance: { viewers: [], anonymous: 0, seq: 2 },
          left: { bob: '2026-11-30T10:00:00.000Z' },
        });
        // Late, older writes from both instances change nothing.
        await store.savePresence({
          gameId: game,
          instanceId: 'a1',
          attendance: { viewers: ['bob'], anonymous: 3, seq: 1 },
          left: { bob: '2026-11-30T09:00:00.000Z' },
        });
        await store.savePresence({
          gameId: game,
          instanceId: 'b2',
          attendance: { viewers: [], anonymous: 0, seq: 7 },
          left: {},
        });

        expect(await store.loadPresence([game, other])).toEqual([
          {
            gameId: game,
            instances: {
              a1: { viewers: [], anonymous: 0, seq: 2 },
              b2: { viewers: ['alice', 'carol'], anonymous: 0, seq: 7 },
            },
            lastSeen: { bob: '2026-11-30T10:00:00.000Z' },
          },
        ]);
      });

      it('keeps the latest heartbeat of each instance', async () => {
        const a = `a${randomBytes(4).toString('hex')}`;
        const b = `b${randomBytes(4).toString('hex')}`;
        await store.saveHeartbeat(a, '2026-11-30T10:00:10.000Z');
        await store.saveHeartbeat(b, '2026-11-30T10:00:20.000Z');
        await store.saveHeartbeat(a, '2026-11-30T10:00:05.000Z');
        expect(await store.loadHeartbeats([a, b, 'never-seen'])).toEqual({
          [a]: '2026-11-30T10:00:10.000Z',
          [b]: '2026-11-30T10:00:20.000Z',
        });
      });
    });

    describe('lists', () => {
      const me = () => `lister_${randomBytes(4).toString('hex')}`;

      it('puts each game in the right list for each player, newest first', async () => {
        const host = me();
        const guest = me();
        const base = { hostId: host, hostName: host, opponentId: guest, opponentName: guest };
        const pendingOld = gameRecord(base);
        const pendingNew = gameRecord(base);
        const playing = gameRecord({ ...base, status: 'playing' });
        const reversed = gameRecord({
          ...base,
          hostId: guest,
          hostName: guest,
          opponentId: host,
          opponentName: host,
          status: 'playing',
        });
        const finished = gameRecord({ ...base, status: 'finished' });
        const cancelled = gameRecord({ ...base, status: 'cancelled' });
        for (const game of [pendingOld, pendingNew, playing, reversed, finished, cancelled])
          await store.createGame(game);

        const ids = async (playerId: string, list: 'received' | 'sent' | 'playing' | 'finished') =>
          (await store.listGames({ playerId, list, limit: 20 })).items.map((g) => g.id);
        expect(await ids(host, 'sent')).toEqual([pendingNew.id, pendingOld.id]);
        expect(await ids(host, 'received')).toEqual([]);
        expect(await ids(guest, 'received')).toEqual([pendingNew.id, pendingOld.id]);
        expect(await ids(guest, 'sent')).toEqual([]);
        expect(await ids(host, 'playing')).toEqual([reversed.id, playing.id]);
        expect(await ids(guest, 'playing')).toEqual([reversed.id, playing.id]);
        expect(await ids(host, 'finished')).toEqual([finished.id]);
        expect(await ids(me(), 'playing')).toEqual([]);
      });

      it('moves a game between lists when its status changes, and reorders by last change', async () => {
        const host = me();
        const base = { hostId: host, hostName: host, opponentId: 'bob', opponentName: 'Bob' };
        const first = gameRecord({ ...base, status: 'playing' });
        const second = gameRecord({ ...base, status: 'playing' });
        await store.createGame(first);
        await store.createGame(second);
        const list = async (l: 'playing' | 'finished') =>
          (await store.listGames({ playerId: host, list: l, limit: 20 })).items.map((g) => g.id);
        expect(await list('playing')).toEqual([second.id, first.id]);

        const firstMoved = moved(first, 4);
        await store.recordMove(firstMoved, 1);
        expect(await list('playing')).toEqual([first.id, second.id]);

        await store.updateGame(changed(second, { status: 'finished' }), 1);
        expect(await list('playing')).toEqual([first.id]);
        expect(await list('finished')).toEqual([second.id]);
      });

      it('pages through a long list with a cursor, each game once', async () => {
        const host = me();
        const games = Array.from({ length: 23 }, () =>
          gameRecord({ hostId: host, hostName: host, status: 'finished' }),
        );
        for (const game of games) await store.createGame(game);
        const seen: string[] = [];
        let cursor: string | undefined;
        const sizes: number[] = [];
        do {
          const page = await store.listGames({ playerId: host, list: 'finished', limit: 10, cursor });
          sizes.push(page.items.length);
          seen.push(...page.items.map((g) => g.id));
          cursor = page.cursor ?? undefined;
        } while (cursor);
        expect(sizes).toEqual([10, 10, 3]);
        expect(seen).toEqual(games.map((g) => g.id).reverse());
      });

      it('pages a list merged from both roles, each game once, a game against oneself included', async () => {
        const player = me();
        const other = me();
        const games = Array.from({ length: 9 }, (_, i) =>
          gameRecord(
            i % 3 === 0
              ? { hostId: player, hostName: player, opponentId: player, opponentName: player, status: 'playing' }
              : i % 3 === 1
                ? { hostId: player, hostName: player, opponentId: other, opponentName: other, status: 'playing' }
                : { hostId: other, hostName: other, opponentId: player, opponentName: player, status: 'playing' },
          ),
        );
        for (const game of games) await store.createGame(game);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listGames({ playerId: player, list: 'playing', limit: 2, cursor });
          seen.push(...page.items.map((g) => g.id));
          cursor = page.cursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(games.map((g) => g.id).reverse());
        const others = (await store.listGames({ playerId: other, list: 'playing', limit: 20 })).items;
        expect(others.map((g) => g.id)).toEqual(
          games
            .filter((_, i) => i % 3 !== 0)
            .map((g) => g.id)
            .reverse(),
        );
      });

      it('says there is no next page when a page ends exactly at the end', async () => {
        const host = me();
        for (let i = 0; i < 4; i++) await store.createGame(gameRecord({ hostId: host, hostName: host }));
        const page = await store.listGames({ playerId: host, list: 'sent', limit: 4 });
        expect(page.items).toHaveLength(4);
        expect(page.cursor).toBeNull();
      });

      it('lists summaries without the invitation secret or the move list', async () => {
        const host = me();
        const game = gameRecord({
          hostId: host,
          hostName: host,
          invite: 'link',
          inviteToken: 'secret',
          opponentId: null,
          opponentName: null,
        });
        await store.createGame(game);
        const [summary] = (await store.listGames({ playerId: host, list: 'sent', limit: 5 })).items;
        expect(summary).toMatchObject({ id: game.id, hostId: host, board: game.board, opponentId: null });
        expect(summary).not.toHaveProperty('inviteToken');
        expect(summary).not.toHaveProperty('moves');
        expect(summary).not.toHaveProperty('clocks');
      });

      it('lists the time control and the deadline, and an expired invitation in no list', async () => {
        const host = me();
        const game = gameRecord({
          hostId: host,
          hostName: host,
          timeControl: { type: 'live', initialSeconds: 180, incrementSeconds: 0 },
          deadline: '2026-01-02T00:00:00.000Z',
        });
        await store.createGame(game);
        const [summary] = (await store.listGames({ playerId: host, list: 'sent', limit: 5 })).items;
        expect(summary).toMatchObject({ timeControl: game.timeControl, deadline: game.deadline });
        await store.updateGame(changed(game, { status: 'expired', deadline: null }), game.version);
        for (const list of ['received', 'sent', 'playing', 'finished'] as const) {
          expect((await store.listGames({ playerId: host, list, limit: 5 })).items).toEqual([]);
        }
      });

      it('refuses a cursor that is garbage or belongs to another list', async () => {
        const host = me();
        for (let i = 0; i < 3; i++)
          await store.createGame(gameRecord({ hostId: host, hostName: host, status: 'finished' }));
        const page = await store.listGames({ playerId: host, list: 'finished', limit: 1 });
        expect(page.cursor).not.toBeNull();
        await expect(
          store.listGames({ playerId: host, list: 'sent', limit: 1, cursor: page.cursor ?? '' }),
        ).rejects.toBeInstanceOf(BadCursorError);
        for (const cursor of ['garbage', '', Buffer.from('{"k":5}').toString('base64url')]) {
          await expect(store.listGames({ playerId: host, list: 'finished', limit: 1, cursor })).rejects.toBeInstanceOf(
            BadCursorError,
          );
        }
      });
    });

    // Revocable sessions (issue 12, row 5).
    describe('sessions', () => {
      const someone = () => `sessions_${randomBytes(4).toString('hex')}`;
      const record = (playerId: string, version: number, sessions: Record<string, string>): SessionsRecord => ({
        playerId,
        version,
        sessions,
        expiresAt: 1_790_000_000 + version,
      });

      it('holds nothing for a player who never signed in', async () => {
        expect(await store.getSessions(someone())).toBeNull();
      });

      it('writes the first record once, then each next one only from the version it was decided from', async () => {
        const playerId = someone();
        const first = record(playerId, 1, { a: '2026-01-01T00:00:00.000Z' });
        await store.saveSessions(first, 0);
        expect(await store.getSessions(playerId)).toEqual(first);
        // A second "first" write (two sign-ins at once): refused, nothing changed.
        await expect(
          store.saveSessions(record(playerId, 1, { b: '2026-01-01T00:00:01.000Z' }), 0),
        ).rejects.toBeInstanceOf(StaleGameError);
        const second = record(playerId, 2, { a: '2026-01-01T00:00:00.000Z', b: '2026-01-01T00:00:01.000Z' });
        await store.saveSessions(second, 1);
        await expect(store.saveSessions(record(playerId, 2, {}), 1)).rejects.toBeInstanceOf(StaleGameError);
        expect(await store.getSessions(playerId)).toEqual(second);
        // Signed out everywhere: an empty record, still versioned.
        const none = record(playerId, 3, {});
        await store.saveSessions(none, 2);
        expect(await store.getSessions(playerId)).toEqual(none);
      });

      it('keeps sessions apart from the player', async () => {
        const player = playerRecord(someone());
        await store.createPlayer(player);
        await store.saveSessions(record(player.id, 1, { a: '2026-01-01T00:00:00.000Z' }), 0);
        expect(await store.getPlayer(player.id)).toEqual(player);
      });
    });

    // --- records and ratings (issue 14) ---
    describe('stats and the leaderboard', () => {
      const someone = () => `stats_${randomBytes(4).toString('hex')}`;
      const stats = (playerId: string, version: number, rating: number | null, extra: Partial<StatsRecord> = {}) => ({
        playerId,
        name: playerId.toUpperCase(),
        record: { wins: version, losses: 1, draws: 2 },
        rating:
          rating === null
            ? null
            : { rating, deviation: 87.123456789, volatility: 0.0599931, games: version, lastRatedAt: tick() },
        history: rating === null ? [] : [{ at: tick(), rating, gameId: gameId() }],
        pending: [{ gameId: gameId(), change: rating === null ? null : { before: 1500, after: rating } }],
        version,
        ...extra,
      });

      it('holds nothing for a player with no stats, and leaves missing ones out of a batch', async () => {
        expect(await store.getStats([someone()])).toEqual([]);
      });

      it('writes the first stats once, then each next from the version it was decided from', async () => {
        const id = someone();
        const first = stats(id, 1, null);
        await store.saveStats(first, 0);
        await expect(store.saveStats(stats(id, 1, 1600), 0)).rejects.toBeInstanceOf(StaleGameError);
        expect(await store.getStats([id, someone()])).toEqual([first]);
        const second = stats(id, 2, 1662.311174290548);
        await store.saveStats(second, 1);
        await expect(store.saveStats(stats(id, 2, 1400), 1)).rejects.toBeInstanceOf(StaleGameError);
        // Every number comes back as written, fractions included.
        expect(await store.getStats([id])).toEqual([second]);
      });

      it('ranks rated players best first, leaves out the unrated, and follows a rating that changes', async () => {
        const [low, high, unrated, top] = [someone(), someone(), someone(), someone()];
        // Far above anything else in this run, so these lead the board.
        await store.saveStats(stats(low, 1, 90_001), 0);
        await store.saveStats(stats(high, 1, 90_002), 0);
        await store.saveStats(stats(unrated, 1, null), 0);
        const board = await store.leaderboard(3);
        expect(board.map((entry) => entry.playerId).slice(0, 2)).toEqual([high, low]);
        expect(board.length).toBeLessThanOrEqual(3);
        expect(board[0]).toMatchObject({
          playerId: high,
          name: high.toUpperCase(),
          rating: { rating: 90_002, games: 1 },
        });
        const all = await store.leaderboard(50);
        expect(all.map((entry) => entry.playerId)).not.toContain(unrated);
        // The low one climbs past the other, and a new one goes straight to the top.
        await store.saveStats(stats(low, 2, 90_003), 1);
        await store.saveStats(stats(top, 1, 90_004), 0);
        expect((await store.leaderboard(3)).map((entry) => entry.playerId)).toEqual([top, low, high]);
        expect(await store.leaderboard(1)).toHaveLength(1);
      });

      it("keeps a game's rated flag and tally, in the game and in the lists", async () => {
        const tally = {
          snapshot: {
            X: { rating: 1500, deviation: 350, volatility: 0.06 },
            O: { rating: 1612.5, deviation: 200.25, volatility: 0.06 },
          },
          X: { change: { before: 1500, after: 1662.31 } },
          O: null,
        };
        const game = gameRecord({
          status: 'finished',
          rated: true,
          tally,
          result: { winner: 'X', reason: 'resign', line: null },
          finishedAt: tick(),
        });
        await store.createGame(game);
        expect(await store.getGame(game.id)).toEqual(game);
        const listed = await store.listGames({ playerId: game.hostId, list: 'finished', limit: 50 });
        expect(listed.items.find((item) => item.id === game.id)).toMatchObject({ rated: true, tally });
        const casual = gameRecord();
        await store.createGame(casual);
        expect(await store.getGame(casual.id)).toMatchObject({ rated: false, tally: null });
      });
    });
  });
}
