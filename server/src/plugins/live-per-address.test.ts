import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { NO_RATE_LIMITS, testConfig } from '../test-support/app.js';
import { EventReader } from '../test-support/events.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';

/** Streams one address may hold; behind one proxy hop, so the test can speak from several addresses. */
const PER_ADDRESS = 2;
const A = '203.0.113.1';
const B = '198.51.100.2';
const from = (address: string) => ({ 'x-forwarded-for': address });

let app: FastifyInstance;
let base: string;
const readers: EventReader[] = [];

async function open(path: string, headers: Record<string, string>) {
  const reader = await EventReader.open(`${base}${path}`, headers);
  readers.push(reader);
  return reader;
}

beforeAll(async () => {
  app = await buildApp({
    config: testConfig({ trustProxy: 1, rateLimits: { ...NO_RATE_LIMITS, streamsPerAddress: PER_ADDRESS } }),
  });
  // Fastify answers with the address it listens on, e.g. http://127.0.0.1:41234.
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.close()));
  await app.close();
});

describe('live streams per client address', () => {
  it('refuses the (N+1)th stream of one address with 429 and Retry-After; other addresses and moves go on', async () => {
    const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
    const game = await startedGame(alice, bob);
    const gameStream = await open(`/api/games/${game.id}/events?since=${game.version}`, from(A));
    const lobbyStream = await open('/api/lobby/events', { ...from(A), cookie: alice.cookie ?? '' });
    expect([gameStream.status, lobbyStream.status]).toEqual([200, 200]);

    for (const path of [`/api/games/${game.id}/events`, '/api/lobby/events']) {
      const refused = await fetch(`${base}${path}`, {
        headers: { accept: 'text/event-stream', cookie: alice.cookie ?? '', ...from(A) },
      });
      expect(refused.status, path).toBe(429);
      expect(refused.headers.get('retry-after'), path).toBe('30');
      // The refused connection is closed, not kept holding a descriptor.
      expect(refused.headers.get('connection'), path).toBe('close');
      expect(await refused.json(), path).toEqual({ error: expect.any(String), code: 'rate/streams' });
    }
    expect(app.liveStreams.open).toBe(PER_ADDRESS);

    // Another address is not affected.
    const elsewhere = await open(`/api/games/${game.id}/events`, from(B));
    expect(elsewhere.status).toBe(200);

    // A move from the capped address still goes through, and reaches its stream.
    const move = await fetch(`${base}/api/games/${game.id}/moves`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: bob.cookie ?? '', ...from(A) },
      body: JSON.stringify({ cell: 4, version: game.version }),
    });
    expect(move.status).toBe(200);
    await gameStream.next((e) => e.event === 'move' && e.id === String(game.version + 1));

    // Closing one gives the address its slot back.
    await lobbyStream.close();
    await vi.waitFor(() => expect(app.liveStreams.open).toBe(PER_ADDRESS));
    const again = await open('/api/lobby/events', { ...from(A), cookie: alice.cookie ?? '' });
    expect(again.status).toBe(200);
  });
});
