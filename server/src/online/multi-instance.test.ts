import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { DynamoStore } from '../storage/dynamodb/index.js';
import { TEST_ACCOUNTS, testConfig } from '../test-support/app.js';
import { type Dynalite, dynaliteClient, freshTableName, startDynalite } from '../test-support/dynalite.js';
import type { EventReader } from '../test-support/events.js';
import { type Instance, Streams, startInstance } from '../test-support/instances.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';
import type { PollingChangeFeed } from './polling-feed.js';

describe('two instances sharing one DynamoDB', () => {
  let dynamo: Dynalite;
  let a: Instance<PollingChangeFeed>;
  let b: Instance<PollingChangeFeed>;
  const streams = new Streams();
  const stream = (on: Instance, path: string, cookie?: string) => streams.open(on.base, path, cookie);
  /** One server process's worth, polling every `pollMs`. */
  const instance = (table: string, pollMs: number) =>
    startInstance<PollingChangeFeed>(dynamo.endpoint, table, { pollMs });

  beforeAll(async () => {
    dynamo = await startDynalite();
    const table = freshTableName();
    a = await instance(table, 200);
    b = await instance(table, 200);
  });
  afterAll(async () => {
    await streams.closeAll();
    await a.app.close();
    await b.app.close();
    await dynamo.close();
  });

  it('lets players on different instances play a whole game, each seeing the other live', async () => {
    // One sign-in cookie works on both: they share SESSION_SECRET.
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    const invitation = await alice.invite(bob.name);
    const game = await bob.act(invitation.id, 'accept');

    const aliceSees = await stream(a, `/api/games/${game.id}/events?since=${game.version}`);
    const bobSees = await stream(b, `/api/games/${game.id}/events?since=${game.version}`);
    // Bob (X) moves through B, Alice (O) through A; each sees the other's move on their own instance.
    const moves: [OnlinePlayer, EventReader, number][] = [
      [bob, aliceSees, 0],
      [alice, bobSees, 3],
      [bob, aliceSees, 1],
      [alice, bobSees, 4],
      [bob, aliceSees, 2],
    ];
    let version = game.version;
    for (const [mover, watcher, cell] of moves) {
      await mover.move(game.id, cell);
      version++;
      // The last move is followed at once by the tally's write: an instance polling may see
      // only that, as the whole game (with the move in it).
      const seen = await watcher.next((e) => Number(e.id) >= version, 10_000);
      const data = JSON.parse(seen.data);
      expect(data.cell ?? data.moves.at(version - game.version - 1)).toBe(cell);
    }
    const last = await bobSees.next((e) => Number(e.id) >= version, 10_000);
    expect(JSON.parse(last.data)).toMatchObject({ status: 'finished', result: { winner: 'X' } });
  });

  it('shows an invitation made through one instance in a lobby streamed from the other', async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    const lobby = await stream(b, '/api/lobby/events', bob.cookie);
    await lobby.next((e) => e.event === 'ready');
    // Let B take the lobby's baseline before the invitation exists.
    await b.feed.tick();

    const invitation = await alice.invite(bob.name);
    const seen = await lobby.next((e) => e.event === 'lobby' && JSON.parse(e.data).id === invitation.id, 10_000);
    expect(JSON.parse(seen.data)).toMatchObject({ status: 'pending', host: { id: alice.id } });

    // And Bob's acceptance through B reaches Alice's lobby on A.
    const aliceLobby = await stream(a, '/api/lobby/events', alice.cookie);
    await aliceLobby.next((e) => e.event === 'ready');
    await a.feed.tick();
    await bob.act(invitation.id, 'accept');
    await aliceLobby.next(
      (e) => e.event === 'lobby' && JSON.parse(e.data).id === invitation.id && JSON.parse(e.data).status === 'playing',
      10_000,
    );
  });

  it("keeps a host's lobby live for invitations the host made through another instance", async () => {
    const alice = await OnlinePlayer.signIn(a.app, uniqueName('alice'));
    const bob = await OnlinePlayer.signIn(b.app, uniqueName('bob'));
    // Alice's lobby streams from A, but her requests land on B (a load balancer's choice).
    const lobby = await stream(a, '/api/lobby/events', alice.cookie);
    await lobby.next((e) => e.event === 'ready');
    await a.feed.tick();
    const aliceOnB = new OnlinePlayer(b.app, alice.name);
    aliceOnB.cookie = alice.cookie;

    const invitation = await aliceOnB.invite(bob.name);
    await lobby.next((e) => e.event === 'lobby' && JSON.parse(e.data).id === invitation.id, 10_000);
    await bob.act(invitation.id, 'decline');
    const declined = await lobby.next(
      (e) => e.event === 'lobby' && JSON.parse(e.data).id === invitation.id && JSON.parse(e.data).status === 'declined',
      10_000,
    );
    expect(JSON.parse(declined.data).version).toBe(2);

    // A link invitation accepted through B reaches the acceptor's lobby on A.
    const carol = await OnlinePlayer.signIn(a.app, uniqueName('carol'));
    const carolLobby = await stream(a, '/api/lobby/events', carol.cookie);
    await carolLobby.next((e) => e.event === 'ready');
    await a.feed.tick();
    const link = await aliceOnB.inviteByLink();
    const carolOnB = new OnlinePlayer(b.app, carol.name);
    carolOnB.cookie = carol.cookie;
    await carolOnB.act(link.id, 'accept', { token: link.inviteToken });
    await carolLobby.next((e) => e.event === 'lobby' && JSON.parse(e.data).id === link.id, 10_000);
  });

  it('re-reads everything its clients watch in one batched request per round, however many clients', async () => {
    const table = freshTableName();
    const quiet = await instance(table, 3_600_000);
    const writer = await instance(table, 3_600_000);
    try {
      const alice = await OnlinePlayer.signIn(writer.app, uniqueName('alice'));
      const bob = await OnlinePlayer.signIn(writer.app, uniqueName('bob'));
      const games = [await startedGame(alice, bob), await startedGame(alice, bob), await startedGame(alice, bob)];
      // Twelve spectators on the quiet instance, four per game.
      const spectators: EventReader[] = [];
      for (let i = 0; i < 12; i++) {
        const game = games[i % 3];
        if (!game) throw new Error('no game');
        spectators.push(await stream(quiet, `/api/games/${game.id}/events?since=${game.version}`));
      }
      quiet.counter.reset();
      for (let round = 0; round < 3; round++) await quiet.feed.tick();
      expect(quiet.counter.snapshot().byCommand).toEqual({ BatchGetItemCommand: 3 });

      // A move made through the other instance is picked up by the next round.
      const [first] = games;
      if (!first) throw new Error('no game');
      await bob.move(first.id, 4);
      await quiet.feed.tick();
      const watcher = spectators.at(-3);
      expect(watcher).toBeDefined();
      await watcher?.next((e) => e.event === 'move', 5000);
    } finally {
      await quiet.app.close();
      await writer.app.close();
    }
  });
});

/** A TCP hop in front of DynamoDB that can be cut and restored, like a network failure. */
class Hop {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  async open() {
    const server = createServer((socket) => {
      const onward = connect(this.target, '127.0.0.1');
      for (const end of [socket, onward]) {
        this.sockets.add(end);
        end.on('close', () => this.sockets.delete(end));
        end.on('error', () => end.destroy());
      }
      socket.pipe(onward).pipe(socket);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut() {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('when DynamoDB goes away', () => {
  it('answers 503 with a clear message, changes nothing, and play goes on when it is back', async () => {
    const dynamo = await startDynalite();
    const hop = new Hop(Number(new URL(dynamo.endpoint).port));
    await hop.open();
    const store = new DynamoStore(dynaliteClient(`http://127.0.0.1:${hop.port}`), freshTableName());
    await store.ensureTable({ create: true, pollMs: 20 });
    const app = await buildApp({ config: testConfig(), store, accounts: TEST_ACCOUNTS });
    try {
      const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
      const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
      const game = await startedGame(alice, bob);
      await bob.move(game.id, 4);

      await hop.cut();
      const refused = await alice.post(`/api/games/${game.id}/moves`, { cell: 0 });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({
        error: 'The game storage is not reachable right now; please try again in a moment',
        code: 'storage/unavailable',
      });
      expect((await alice.get('/api/lobby')).statusCode).toBe(503);
      // The classic local game lives in the cookie and does not need the database.
      expect((await alice.post('/move', { index: 4 })).statusCode).toBe(200);

      await hop.open();
      const after = await alice.game(game.id);
      expect(after.moves).toEqual([4]);
      const moved = await alice.move(game.id, 0);
      expect(moved.moves).toEqual([4, 0]);
      expect(moved.version).toBe(game.version + 2);
    } finally {
      await app.close();
      await hop.cut();
      await dynamo.close();
    }
  });
});
