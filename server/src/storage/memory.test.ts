import { describe, expect, it } from 'vitest';
import { changed, describeStoreContract, gameRecord, playerRecord } from './contract.js';
import { MemoryStore } from './memory.js';

describeStoreContract('memory', async () => ({ store: new MemoryStore() }));

const DAY = 24 * 60 * 60 * 1000;

describe('MemoryStore lists, indexed by player', () => {
  it("costs a bystander's lobby their own games, however many others' games there are", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 50_000; i++) {
      const host = `host${i % 5000}`;
      const status = (['pending', 'playing', 'finished'] as const)[i % 3];
      await store.createGame(gameRecord({ hostId: host, hostName: host, opponentId: `guest${i % 7000}`, status }));
    }
    const mine = [
      gameRecord({ hostId: 'bystander', hostName: 'Bystander', status: 'finished' }),
      gameRecord({ hostId: 'bystander', hostName: 'Bystander', status: 'playing' }),
      gameRecord({ hostId: 'friend', hostName: 'Friend', opponentId: 'bystander', status: 'pending' }),
    ];
    for (const game of mine) await store.createGame(game);

    const before = store.listEntriesVisited;
    const lobby = await Promise.all(
      (['received', 'sent', 'playing', 'finished'] as const).map((list) =>
        store.listGames({ playerId: 'bystander', list, limit: 20 }),
      ),
    );
    expect(lobby.map((page) => page.items.map((game) => game.id))).toEqual([
      [mine[2]?.id],
      [],
      [mine[1]?.id],
      [mine[0]?.id],
    ]);
    // Each of the bystander's games once: the other 50,000 are never looked at.
    expect(store.listEntriesVisited - before).toBe(3);
  });
});

describe('MemoryStore expiry, by the rule DynamoDB TTL follows and the clock it is given', () => {
  function timedStore() {
    let now = Date.parse('2026-03-01T00:00:00.000Z');
    const store = new MemoryStore({ now: () => new Date(now) });
    return { store, advance: (ms: number) => (now += ms), at: () => new Date(now).toISOString() };
  }
  const listed = async (store: MemoryStore, playerId: string, list: 'sent' | 'playing' | 'finished') =>
    (await store.listGames({ playerId, list, limit: 20 })).items.map((game) => game.id);

  it('forgets an unanswered invitation 7 days past its deadline, from reads and lists alike', async () => {
    const { store, advance, at } = timedStore();
    const invitation = gameRecord({
      hostId: 'ann',
      updatedAt: at(),
      deadline: new Date(Date.parse(at()) + DAY).toISOString(),
    });
    await store.createGame(invitation);
    advance(8 * DAY - 1);
    expect(await listed(store, 'ann', 'sent')).toEqual([invitation.id]);
    advance(1);
    expect(await store.getGame(invitation.id)).toBeNull();
    const visited = store.listEntriesVisited;
    expect(await listed(store, 'ann', 'sent')).toEqual([]);
    // Gone from the index too, not only skipped.
    expect(store.listEntriesVisited).toBe(visited);
  });

  it('forgets a game in play 30 days past its deadline; a move pushes that forward; finished games stay', async () => {
    const { store, advance, at } = timedStore();
    const deadline = () => new Date(Date.parse(at()) + 3 * DAY).toISOString();
    const abandoned = gameRecord({ hostId: 'bo', status: 'playing', updatedAt: at(), deadline: deadline() });
    const active = gameRecord({ hostId: 'bo', status: 'playing', updatedAt: at(), deadline: deadline() });
    const done = gameRecord({ hostId: 'bo', status: 'finished', updatedAt: at(), deadline: null });
    for (const game of [abandoned, active, done]) await store.createGame(game);
    advance(20 * DAY);
    const moved = { ...changed(active, {}), updatedAt: at(), deadline: deadline() };
    await store.recordMove(moved, active.version);
    advance(13 * DAY);
    expect(await store.getGame(abandoned.id)).toBeNull();
    expect(await listed(store, 'bo', 'playing')).toEqual([active.id]);
    advance(10 * DAY);
    const finished = { ...changed(moved, { status: 'finished', deadline: null }), updatedAt: at() };
    await store.updateGame(finished, moved.version);
    advance(10_000 * DAY);
    expect(await listed(store, 'bo', 'playing')).toEqual([]);
    expect((await listed(store, 'bo', 'finished')).sort()).toEqual([done.id, active.id].sort());
  });

  it('forgets invitation slots, presence and heartbeats in time, and keeps players', async () => {
    const { store, advance, at } = timedStore();
    await store.createPlayer(playerRecord('Cy'));
    await store.takeInvitationSlot('a#b', 'game1', null);
    await store.savePresence({
      gameId: 'game1',
      instanceId: 'i1',
      attendance: { viewers: ['cy'], anonymous: 0, seq: 1 },
      left: {},
    });
    const until = new Date(Date.parse(at()) + 60_000).toISOString();
    await store.saveHeartbeat('i1', until);
    advance(DAY + 60_000);
    expect(await store.loadHeartbeats(['i1'])).toEqual({});
    advance(6 * DAY);
    expect(await store.loadPresence(['game1'])).toEqual([]);
    expect(await store.getInvitationSlot('a#b')).toBe('game1');
    advance(30 * DAY);
    expect(await store.getInvitationSlot('a#b')).toBeNull();
    expect(await store.getPlayer('cy')).not.toBeNull();
  });

  it('keeps everything when it has no clock (tests with fixed dates)', async () => {
    const store = new MemoryStore();
    const old = gameRecord({ hostId: 'dee', deadline: '2000-01-01T00:00:00.000Z' });
    await store.createGame(old);
    expect(await store.getGame(old.id)).toEqual(old);
  });
});
