import { type MoveEvent, MoveEventSchema } from '@ttt/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { TEST_ACCOUNTS, testConfig } from '../test-support/app.js';
import { EventReader } from '../test-support/events.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';

let app: FastifyInstance;
let base: string;
const readers: EventReader[] = [];

async function open(path: string, headers: Record<string, string> = {}) {
  const reader = await EventReader.open(`${base}${path}`, headers);
  readers.push(reader);
  return reader;
}

beforeAll(async () => {
  app = await buildApp({ config: testConfig(), heartbeatMs: 200, accounts: TEST_ACCOUNTS });
  // Fastify answers with the address it listens on, e.g. http://127.0.0.1:41234.
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await app.close();
});

const players = async () => {
  const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
  const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
  return { alice, bob };
};

describe('a game stream', () => {
  it('pushes each move to a spectator as a small event carrying the version', async () => {
    const { alice, bob } = await players();
    const game = await startedGame(alice, bob);
    const stream = await open(`/api/games/${game.id}/events?since=${game.version}`);
    expect(stream.status).toBe(200);

    await bob.move(game.id, 4);
    const event = await stream.next((e) => e.event === 'move');
    const move: MoveEvent = MoveEventSchema.parse(JSON.parse(event.data));
    expect(move).toMatchObject({
      id: game.id,
      version: game.version + 1,
      cell: 4,
      mark: 'X',
      status: 'playing',
      result: null,
    });
    expect(event.id).toBe(String(game.version + 1));
    expect(event.bytes).toBeLessThanOrEqual(300);

    await alice.move(game.id, 0);
    const second = await stream.next((e) => e.event === 'move' && e.id === String(game.version + 2));
    expect(JSON.parse(second.data)).toMatchObject({ cell: 0, mark: 'O' });
  });

  it('carries the result on the move that ends the game, still small', async () => {
    const { alice, bob } = await players();
    const game = await startedGame(alice, bob);
    const stream = await open(`/api/games/${game.id}/events?since=${game.version}`);
    for (const [player, cell] of [
      [bob, 0],
      [alice, 3],
      [bob, 1],
      [alice, 4],
    ] as const)
      await player.move(game.id, cell);
    await bob.move(game.id, 2);
    const last = await stream.next((e) => e.event === 'move' && JSON.parse(e.data).status === 'finished');
    expect(JSON.parse(last.data)).toMatchObject({ cell: 2, result: { winner: 'X', reason: 'line', line: [0, 1, 2] } });
    expect(last.bytes).toBeLessThanOrEqual(300);
  });

  it('sends the whole game first when the client is behind, then resumes from Last-Event-ID', async () => {
    const { alice, bob } = await players();
    const game = await startedGame(alice, bob);
    await bob.move(game.id, 4);
    await alice.move(game.id, 0);
    const stream = await open(`/api/games/${game.id}/events`, { 'last-event-id': String(game.version) });
    const first = await stream.next((e) => e.event !== 'retry');
    expect(first.event).toBe('game');
    expect(JSON.parse(first.data)).toMatchObject({ version: game.version + 2, moves: [4, 0] });
    // Up to date now: the next change is a small move event.
    await bob.move(game.id, 8);
    expect((await stream.next((e) => e.event === 'move')).id).toBe(String(game.version + 3));
  });

  it('sends nothing old to a client that is up to date', async () => {
    const { alice, bob } = await players();
    const game = await startedGame(alice, bob);
    const stream = await open(`/api/games/${game.id}/events`, { 'last-event-id': String(game.version) });
    await bob.move(game.id, 4);
    await stream.next((e) => e.event === 'move');
    expect(stream.events.filter((e) => e.event === 'game' || e.event === 'move')).toHaveLength(1);
  });

  it('sends non-move changes as whole games: accept, resign, rematch link', async () => {
    const { alice, bob } = await players();
    const invitation = await alice.invite(bob.name);
    const stream = await open(`/api/games/${invitation.id}/events?since=1`);
    await bob.act(invitation.id, 'accept');
    expect(JSON.parse((await stream.next((e) => e.event === 'game')).data)).toMatchObject({
      status: 'playing',
      version: 2,
    });
    await bob.act(invitation.id, 'resign');
    expect(JSON.parse((await stream.next((e) => e.id === '3')).data)).toMatchObject({ status: 'finished' });
    // The tally's write (records counted) is a change like any other.
    expect(JSON.parse((await stream.next((e) => e.id === '4')).data)).toMatchObject({ status: 'finished' });
    await alice.post(`/api/games/${invitation.id}/rematch`);
    expect(JSON.parse((await stream.next((e) => e.id === '5')).data).rematchId).toEqual(expect.any(String));
  });

  it('answers an unknown game with a 404, not a stream', async () => {
    const stream = await open('/api/games/AAAAAAAAAAAAAAAAAAAAAA/events');
    expect(stream.status).toBe(404);
  });

  it('keeps idle streams alive with comments', async () => {
    const { alice, bob } = await players();
    const game = await startedGame(alice, bob);
    const response = await fetch(`${base}/api/games/${game.id}/events?since=${game.version}`);
    const reader = response.body?.getReader();
    let text = '';
    const until = Date.now() + 3000;
    while (!text.includes(': ping') && Date.now() < until && reader) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    await reader?.cancel();
    expect(text).toContain(': ping');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  });
});

describe('a lobby stream', () => {
  it('tells the invitee about a new invitation at once, and the host when it is accepted', async () => {
    const { alice, bob } = await players();
    const bobLobby = await open('/api/lobby/events', { cookie: bob.cookie ?? '' });
    const aliceLobby = await open('/api/lobby/events', { cookie: alice.cookie ?? '' });
    await bobLobby.next((e) => e.event === 'ready');
    await aliceLobby.next((e) => e.event === 'ready');

    const invitation = await alice.invite(bob.name);
    const seen = await bobLobby.next((e) => e.event === 'lobby');
    expect(JSON.parse(seen.data)).toMatchObject({ id: invitation.id, status: 'pending', host: { id: alice.id } });

    await bob.act(invitation.id, 'accept');
    const accepted = await aliceLobby.next((e) => e.event === 'lobby' && JSON.parse(e.data).status === 'playing');
    expect(JSON.parse(accepted.data).id).toBe(invitation.id);
  });

  it('is only for the signed-in player', async () => {
    const stream = await open('/api/lobby/events');
    expect(stream.status).toBe(401);
  });
});

describe('stopping the server', () => {
  it('ends open streams with a reconnect hint instead of hanging the shutdown', async () => {
    const own = await buildApp({ config: testConfig(), accounts: TEST_ACCOUNTS });
    await own.listen({ port: 0, host: '127.0.0.1' });
    const address = own.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const alice = await OnlinePlayer.signIn(own, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(own, uniqueName('bob'));
    const game = await startedGame(alice, bob);
    const stream = await EventReader.open(`http://127.0.0.1:${address.port}/api/games/${game.id}/events`);
    await stream.next((e) => e.event === 'game');
    await own.close();
    await stream.next((e) => e.event === 'retry' && e.bytes < 30, 2000, 1);
    expect(stream.ended || stream.events.length > 1).toBe(true);
    await stream.close();
  });
});
