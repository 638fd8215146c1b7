import { type Presence, PresenceSchema } from '@ttt/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynalite, freshTableName, startDynalite } from '../test-support/dynalite.js';
import { type Instance, Streams, startInstance } from '../test-support/instances.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';
import { TestRedis } from '../test-support/redis.js';
import { until } from '../test-support/wait.js';
import type { BusChangeFeed } from './bus-feed.js';

const presenceOf = (event: { data: string }): Presence => PresenceSchema.parse(JSON.parse(event.data));
const isOnline = (presence: Presence, id: string) => presence.players.find((p) => p.id === id)?.online === true;

describe('two instances on the Redis bus, sharing DynamoDB', () => {
  let dynamo: Dynalite;
  let redis: TestRedis;
  let a: Instance<BusChangeFeed>;
  let b: Instance<BusChangeFeed>;
  const streams = new Streams();
  const stream = (on: Instance, path: string, cookie?: string) => streams.open(on.base, path, cookie);
  /** One server process's worth on the bus. Polling would hide a bus that does not work: far too slow here. */
  const instance = async (table: string) => {
    const started = await startInstance<BusChangeFeed>(dynamo.endpoint, table, {
      redisUrl: redis.url,
      pollMs: 3_600_000,
      presence: { leaveGraceMs: 50, instanceTtlMs: 1000 },
    });
    await until(() => started.feed.live, 'the instance is on the bus');
    return started;
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
    redis = await TestRedis.start();
    const table = freshTableName();
    a = await instance(table);
    b = await instance(table);
  });
  afterAll(async () => {
    await streams.closeAll();
    await a.app.close();
    await b.app.close();
    await redis.stop();
    await dynamo.close();
  });

  it('brings a move made through one instance to a stream on the other, with no DynamoDB read', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    const invitation = await alice.invite(bob.name);
    const game = await bob.act(invitation.id, 'accept');
    const bobSees = await stream(b, `/api/games/${game.id}/events?since=${game.version}`, bob.cookie);
    await bobSees.next((e) => e.event === 'presence');

    b.counter.reset();
    let version = game.version;
    for (const [mover, cell] of [
      [bob, 4],
      [alice, 0],
      [bob, 8],
    ] as const) {
      // With the version seen, as the web client sends it.
      await mover.act(game.id, 'moves', { cell, version });
      version++;
      const seen = await bobSees.next((e) => e.id === String(version), 10_000);
      expect(seen.event).toBe('move');
      expect(JSON.parse(seen.data)).toMatchObject({ cell });
    }
    // Alice's move reached B by the bus, applied to what B had read; Bob's moves through B
    // were decided from that same copy, each one conditional write.
    const reads = b.counter.snapshot().byCommand;
    expect(reads.GetItemCommand ?? 0).toBe(0);
    expect(reads.BatchGetItemCommand ?? 0).toBe(0);
    expect(reads.UpdateItemCommand).toBe(2);
  });

  it('shows each player whether the other is here, across instances, and when they left', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    const game = await startedGame(alice, bob);
    const bobSees = await stream(b, `/api/games/${game.id}/events`, bob.cookie);
    const first = presenceOf(await bobSees.next((e) => e.event === 'presence'));
    expect(isOnline(first, bob.id)).toBe(true);
    expect(isOnline(first, alice.id)).toBe(false);

    const aliceSees = await stream(a, `/api/games/${game.id}/events`, alice.cookie);
    await bobSees.next((e) => e.event === 'presence' && isOnline(presenceOf(e), alice.id));
    // A spectator on A, not signed in.
    const spectator = await stream(a, `/api/games/${game.id}/events`);
    await bobSees.next((e) => e.event === 'presence' && presenceOf(e).spectators === 1);
    const api = await bob.get(`/api/games/${game.id}/presence`);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual({
      players: [
        { id: alice.id, online: true, lastSeenAt: null },
        { id: bob.id, online: true, lastSeenAt: null },
      ],
      spectators: 1,
      abandonAfterMs: 30_000,
    });

    const before = bobSees.events.length;
    await aliceSees.close();
    await spectator.close();
    const left = presenceOf(
      await bobSees.next(
        (e) => e.event === 'presence' && !isOnline(presenceOf(e), alice.id) && presenceOf(e).spectators === 0,
        10_000,
        before,
      ),
    );
    expect(left.players.find((p) => p.id === alice.id)?.lastSeenAt).toEqual(expect.any(String));
  });

  it('answers 404 for the presence of a game that does not exist', async () => {
    const response = await a.app.inject({ method: 'GET', url: `/api/games/${'x'.repeat(22)}/presence` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'game/not-found' });
  });
});
