import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { type GameListener, LocalChangeFeed, type Unwatch } from '../online/change-feed.js';
import { Presence } from '../online/presence.js';
import { TEST_ACCOUNTS, testConfig } from '../test-support/app.js';
import { EventReader } from '../test-support/events.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';
import type {} from './live.js';

/** The in-process feed, counting who listens: a refused stream must leave no listener behind. */
class CountingFeed extends LocalChangeFeed {
  listening = 0;
  override addGameListener(gameId: string, listener: GameListener): Unwatch {
    return this.counted(super.addGameListener(gameId, listener));
  }
  override addPlayerListener(playerId: string, listener: GameListener): Unwatch {
    return this.counted(super.addPlayerListener(playerId, listener));
  }
  private counted(stop: () => void): () => void {
    this.listening++;
    let stopped = false;
    return () => {
      if (!stopped) this.listening--;
      stopped = true;
      stop();
    };
  }
}

const MAX_STREAMS = 2;
const MAX_CONNECTIONS = 8;

let app: FastifyInstance;
let feed: CountingFeed;
let base: string;
const readers: EventReader[] = [];

async function open(path: string, headers: Record<string, string> = {}) {
  const reader = await EventReader.open(`${base}${path}`, headers);
  readers.push(reader);
  return reader;
}

/** Waits until the server has seen the streams close and given back their slots. */
const slotsInUse = (count: number) => vi.waitFor(() => expect(app.liveStreams.open).toBe(count));

beforeAll(async () => {
  feed = new CountingFeed();
  const presence = new Presence();
  app = await buildApp({
    config: testConfig(),
    accounts: TEST_ACCOUNTS,
    live: {
      feed,
      presence,
      kind: 'local',
      close: async () => {
        await presence.close();
        await feed.close();
      },
    },
    limits: { maxStreams: MAX_STREAMS, maxConnections: MAX_CONNECTIONS },
  });
  // Fastify answers with the address it listens on, e.g. http://127.0.0.1:41234.
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.close()));
  await app.close();
});

async function fullHouse() {
  const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
  const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
  const game = await startedGame(alice, bob);
  const streams = [
    await open(`/api/games/${game.id}/events?since=${game.version}`),
    await open('/api/lobby/events', { cookie: alice.cookie ?? '' }),
  ];
  expect(streams.map((stream) => stream.status)).toEqual([200, 200]);
  expect(app.liveStreams.open).toBe(MAX_STREAMS);
  return { alice, bob, game, streams };
}

async function closeAll(streams: EventReader[]) {
  await Promise.all(streams.map((stream) => stream.close()));
  await slotsInUse(0);
}

describe('the cap on live streams', () => {
  it('answers a stream over the cap with a JSON 503 and Retry-After, and hijacks nothing', async () => {
    const { alice, game, streams } = await fullHouse();
    const listening = feed.listening;

    for (const path of [`/api/games/${game.id}/events`, '/api/lobby/events']) {
      const refused = await fetch(`${base}${path}`, {
        headers: { accept: 'text/event-stream', cookie: alice.cookie ?? '' },
      });
      expect(refused.status, path).toBe(503);
      expect(refused.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(refused.headers.get('retry-after'), path).toBe('30');
      // The refused browser's connection is closed, not kept alive holding a descriptor.
      expect(refused.headers.get('connection'), path).toBe('close');
      expect(await refused.json(), path).toEqual({ error: expect.any(String), code: 'live/too-many-streams' });
    }
    expect(feed.listening).toBe(listening);
    expect(app.liveStreams.open).toBe(MAX_STREAMS);
    await closeAll(streams);
  });

  it('gives a slot back when a stream closes', async () => {
    const { game, streams } = await fullHouse();
    const [first, second] = streams;
    await first?.close();
    await slotsInUse(MAX_STREAMS - 1);

    const again = await open(`/api/games/${game.id}/events`);
    expect(again.status).toBe(200);
    expect(app.liveStreams.open).toBe(MAX_STREAMS);
    await closeAll([again, ...(second ? [second] : [])]);
  });

  it('gives the slot back when the stream fails before it starts', async () => {
    const missing = await fetch(`${base}/api/games/${'A'.repeat(22)}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(missing.status).toBe(404);
    await slotsInUse(0);
    const signedOut = await fetch(`${base}/api/lobby/events`, { headers: { accept: 'text/event-stream' } });
    expect(signedOut.status).toBe(401);
    await slotsInUse(0);
  });

  it('keeps moves working while every stream slot is taken', async () => {
    const { alice, bob, game, streams } = await fullHouse();
    const [gameStream] = streams;
    const post = (path: string, body: unknown, cookie = '') =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });

    // Classic moves from several browsers at once, each on its own connection.
    const classic = await Promise.all([0, 1, 2, 3].map((index) => post('/move', { index })));
    expect(classic.map((response) => response.status)).toEqual([200, 200, 200, 200]);

    // An online move reaches the stream that holds a slot.
    const move = await post(`/api/games/${game.id}/moves`, { cell: 4, version: game.version }, bob.cookie);
    expect(move.status).toBe(200);
    const event = await gameStream?.next((e) => e.event === 'move' && e.id === String(game.version + 1));
    expect(JSON.parse(event?.data ?? '{}')).toMatchObject({ cell: 4, mark: 'X' });
    expect((await post(`/api/games/${game.id}/moves`, { cell: 0 }, alice.cookie)).status).toBe(200);
    await closeAll(streams);
  });

  it('sets Node’s connection cap as a safety net above the stream cap', () => {
    expect(app.server.maxConnections).toBe(MAX_CONNECTIONS);
    expect(app.liveStreams.max).toBe(MAX_STREAMS);
  });
});
