import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { Browser, TEST_ACCOUNTS, testConfig } from '../test-support/app.js';
import { dynaliteClient, dynaliteStore, freshTableName, startDynalite } from '../test-support/dynalite.js';
import { OnlinePlayer, startedGame, uniqueName } from '../test-support/online.js';
import { freePort } from '../test-support/ports.js';
import { changed, describeStoreContract, gameRecord, playerRecord } from './contract.js';
import { SUMMARY_ATTRIBUTES } from './dynamodb/codec.js';
import { DynamoStore, HOST_INDEX, LEADERBOARD_INDEX, OPPONENT_INDEX } from './dynamodb/index.js';
import { StorageUnavailableError } from './errors.js';
import { createStore } from './index.js';
import { listSortKey } from './keys.js';
import { MemoryStore } from './memory.js';
import { RequestCounter, requestCounter } from './request-counter.js';
import type { GameRecord } from './types.js';

describeStoreContract('dynamodb', async () => {
  const dynalite = await startDynalite();
  const { store } = await dynaliteStore(dynalite.endpoint);
  return { store, close: dynalite.close };
});

const storageConfig = (endpoint: string, overrides: { table?: string; createTables?: boolean } = {}) => ({
  storage: {
    kind: 'dynamodb' as const,
    region: 'us-east-1',
    endpoint,
    table: overrides.table ?? freshTableName(),
    createTables: overrides.createTables ?? true,
    placeholderCredentials: true,
  },
});

function playingGame(overrides: Partial<GameRecord> = {}): GameRecord {
  return gameRecord({ status: 'playing', hostId: uniqueName('host'), opponentId: 'bob', ...overrides });
}

/** The game after `cell` is played by whoever's turn it is (Bob plays X and starts). */
function moved(game: GameRecord, cell: number): GameRecord {
  const board = [...game.board];
  board[cell] = game.moves.length % 2 === 0 ? 'X' : 'O';
  return changed(game, { board, moves: [...game.moves, cell] });
}

describe('DynamoStore on dynalite', () => {
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;

  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  afterAll(async () => {
    await dynalite.close();
  });

  describe('the table', () => {
    it('creates the table and both indexes from nothing, ACTIVE, and only once', async () => {
      const table = freshTableName();
      const counter = new RequestCounter();
      const store = new DynamoStore(dynaliteClient(dynalite.endpoint), table, { counter });
      await store.ensureTable({ create: true, pollMs: 20 });

      const client = dynaliteClient(dynalite.endpoint);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      client.destroy();
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'GameId', KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = Object.fromEntries(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]),
      );
      expect(Object.keys(indexes).sort()).toEqual([HOST_INDEX, LEADERBOARD_INDEX, OPPONENT_INDEX]);
      expect(indexes[LEADERBOARD_INDEX]?.KeySchema).toEqual([
        { AttributeName: 'Leaderboard', KeyType: 'HASH' },
        { AttributeName: 'Rating', KeyType: 'RANGE' },
      ]);
      expect(indexes[LEADERBOARD_INDEX]?.Projection?.NonKeyAttributes).toEqual(
        expect.arrayContaining(['PlayerName', 'Deviation', 'RatedGames']),
      );
      for (const [name, partitionKey] of [
        [HOST_INDEX, 'HostId'],
        [OPPONENT_INDEX, 'OpponentId'],
      ] as const) {
        const index = indexes[name];
        expect(index?.IndexStatus, name).toBe('ACTIVE');
        expect(index?.KeySchema).toEqual([
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: 'StatusDate', KeyType: 'RANGE' },
        ]);
        expect(index?.Projection?.ProjectionType).toBe('INCLUDE');
        expect(index?.Projection?.NonKeyAttributes).toEqual(
          expect.arrayContaining(['Board', 'Version', 'Status', 'TimeControl', 'Deadline']),
        );
        expect(index?.Projection?.NonKeyAttributes).not.toContain('InviteToken');
        expect(index?.Projection?.NonKeyAttributes).not.toContain('Moves');
      }
      expect(counter.snapshot().byCommand.CreateTableCommand).toBe(1);

      // A second start finds the table and creates nothing (dynalite never says TTL is on: asked again).
      counter.reset();
      await store.ensureTable({ create: true, pollMs: 20 });
      expect(counter.snapshot().byCommand).toEqual({
        DescribeTableCommand: 1,
        DescribeTimeToLiveCommand: 1,
        UpdateTimeToLiveCommand: 1,
      });
      await store.close();
    });

    it('refuses to start when the table is missing and creating it is switched off', async () => {
      const table = freshTableName();
      const store = new DynamoStore(dynaliteClient(dynalite.endpoint), table);
      const attempt = store.ensureTable({ create: false });
      await expect(attempt).rejects.toThrow(`The DynamoDB table "${table}" does not exist`);
      await expect(attempt).rejects.toThrow(dynalite.endpoint);
      await expect(attempt).rejects.toThrow('DYNAMODB_CREATE_TABLES=true');
      await store.close();
      await expect(createStore(storageConfig(dynalite.endpoint, { table, createTables: false }))).rejects.toThrow(
        /does not exist .*region us-east-1/,
      );
    });

    /** A table as made before later features: its two lobby indexes projecting only `projected`. */
    async function oldTable(projected: readonly string[]) {
      const table = freshTableName();
      const client = dynaliteClient(dynalite.endpoint);
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['GameId', 'HostId', 'OpponentId', 'StatusDate'].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          KeySchema: [{ AttributeName: 'GameId', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            [HOST_INDEX, 'HostId'],
            [OPPONENT_INDEX, 'OpponentId'],
          ].map(([IndexName, key]) => ({
            IndexName,
            KeySchema: [
              { AttributeName: key, KeyType: 'HASH' },
              { AttributeName: 'StatusDate', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: projected.filter((name) => name !== key) },
          })),
        }),
      );
      client.destroy();
      return table;
    }

    it('warns of, and works with, indexes made before the lobby listed time controls and deadlines', async () => {
      const table = await oldTable(SUMMARY_ATTRIBUTES.filter((name) => name !== 'TimeControl' && name !== 'Deadline'));
      const warnings: object[] = [];
      const logger = { debug() {}, info() {}, warn: (details: object) => warnings.push(details) };
      const store = new DynamoStore(dynaliteClient(dynalite.endpoint), table, { logger });
      await store.ensureTable({ create: true, pollMs: 20 });
      expect(warnings.filter((details) => 'index' in details)).toEqual([
        expect.objectContaining({ index: HOST_INDEX, missing: ['TimeControl', 'Deadline'] }),
        expect.objectContaining({ index: OPPONENT_INDEX, missing: ['TimeControl', 'Deadline'] }),
      ]);
      const game = gameRecord({ hostId: 'old', deadline: '2026-01-02T00:00:00.000Z' });
      await store.createGame(game);
      const [listed] = (await store.listGames({ playerId: 'old', list: 'sent', limit: 5 })).items;
      expect(listed).toMatchObject({ id: game.id, timeControl: null, deadline: null });
      expect(await store.getGame(game.id)).toEqual(game);
      await store.close();
    });

    it('adds the leaderboard index to a table made before it, without waiting; until then the leaderboard is a 503', async () => {
      const warnings: object[] = [];
      const logger = { debug() {}, info() {}, warn: (details: object) => warnings.push(details) };

      // Not allowed to change tables: a warning, games work, the leaderboard says unavailable.
      const store = new DynamoStore(dynaliteClient(dynalite.endpoint), await oldTable(SUMMARY_ATTRIBUTES), { logger });
      await store.ensureTable({ create: false, pollMs: 20 });
      expect(warnings).toEqual([expect.objectContaining({ index: LEADERBOARD_INDEX })]);
      await store.createGame(gameRecord());
      await expect(store.leaderboard(5)).rejects.toBeInstanceOf(StorageUnavailableError);
      await store.close();

      // Allowed: the index is asked for, and start-up goes on without waiting for it to build.
      // (dynalite accepts the request but never builds an added index, so the asking is what is checked.)
      const allowed = await oldTable(SUMMARY_ATTRIBUTES);
      const infos: string[] = [];
      const counter = new RequestCounter();
      const creating = new DynamoStore(dynaliteClient(dynalite.endpoint), allowed, {
        counter,
        logger: { ...logger, info: (_details: object, message: string) => infos.push(message) },
      });
      warnings.length = 0;
      await creating.ensureTable({ create: true, pollMs: 20 });
      expect(counter.snapshot().byCommand.UpdateTableCommand).toBeGreaterThanOrEqual(1);
      expect(infos).toContain('adding the leaderboard index; the leaderboard answers 503 until it is built');
      expect(warnings.filter((details) => 'index' in details)).toEqual([]);
      await creating.close();
    });

    it('createStore picks memory by default, and a ready DynamoStore otherwise', async () => {
      const memory = await createStore({
        storage: { ...storageConfig(dynalite.endpoint).storage, kind: 'memory' },
      });
      expect(memory).toBeInstanceOf(MemoryStore);
      const config = storageConfig(dynalite.endpoint);
      const store = await createStore(config);
      expect(store.kind).toBe('dynamodb');
      expect((store as DynamoStore).table).toBe(config.storage.table);
      await store.createGame(gameRecord());
      await store.close();
    });
  });

  describe('when DynamoDB does not answer', () => {
    it('answers StorageUnavailableError within seconds when nothing listens on the port', async () => {
      const endpoint = `http://127.0.0.1:${await freePort()}`;
      const store = new DynamoStore(dynaliteClient(endpoint), freshTableName());
      const started = Date.now();
      await expect(store.getGame(gameRecord().id)).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(store.createPlayer(playerRecord(uniqueName('eve')))).rejects.toMatchObject({
        code: 'storage/unavailable',
      });
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(store.ensureTable({ create: true })).rejects.toThrow(
        new RegExp(`Could not reach DynamoDB to check the table .*${endpoint}`),
      );
      await store.close();
    });

    it('gives up on an endpoint that accepts connections but never answers', async () => {
      const sockets = new Set<import('node:net').Socket>();
      const silent: Server = createServer((socket) => {
        sockets.add(socket);
      }).listen(0, '127.0.0.1');
      await once(silent, 'listening');
      const address = silent.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const client = dynaliteClient(`http://127.0.0.1:${address.port}`, { requestTimeoutMs: 200, maxAttempts: 2 });
      const store = new DynamoStore(client, freshTableName());
      const started = Date.now();
      await expect(store.getGame(gameRecord().id)).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(3000);
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
  });

  describe('requests', () => {
    let store: DynamoStore;
    let counter: RequestCounter;
    let table: string;

    beforeAll(async () => {
      ({ store, counter, table } = await dynaliteStore(dynalite.endpoint));
    });
    afterAll(async () => {
      await store.close();
    });

    it('records a move in exactly one request, an UpdateItem, finishing moves included', async () => {
      let game = playingGame();
      await store.createGame(game);
      for (const cell of [0, 3, 1, 4]) {
        const next = moved(game, cell);
        counter.reset();
        await store.recordMove(next, game.version);
        expect(counter.snapshot()).toMatchObject({ total: 1, byCommand: { UpdateItemCommand: 1 } });
        game = next;
      }
      const at = new Date().toISOString();
      const won: GameRecord = {
        ...moved(game, 2),
        status: 'finished',
        result: { winner: 'X', reason: 'line', line: [0, 1, 2] },
        finishedAt: at,
      };
      counter.reset();
      await store.recordMove(won, game.version);
      expect(counter.snapshot()).toMatchObject({ total: 1, byCommand: { UpdateItemCommand: 1 } });
      expect(await store.getGame(game.id)).toEqual(won);
    });

    it('attributes requests to the API operation they ran in', async () => {
      counter.reset();
      const game = playingGame();
      await requestCounter.run('POST /api/games', () => store.createGame(game));
      await requestCounter.run('GET /api/games/:id', async () => {
        await store.getGame(game.id);
        expect(requestCounter.current()).toEqual({
          operation: 'GET /api/games/:id',
          counts: { GetItemCommand: 1 },
        });
      });
      expect(counter.snapshot().byOperation).toEqual({
        'POST /api/games': { PutItemCommand: 1 },
        'GET /api/games/:id': { GetItemCommand: 1 },
      });
      expect(store.requestCounts().total).toBe(2);
    });

    it('serves every list with Queries on the indexes, and never a Scan', async () => {
      const host = uniqueName('lister');
      for (let i = 0; i < 5; i++) {
        await store.createGame(gameRecord({ hostId: host, status: 'finished' }));
        await store.createGame(gameRecord({ hostId: 'bob', opponentId: host, status: 'finished' }));
        await store.createGame(gameRecord({ hostId: host }));
      }
      counter.reset();
      const received = await store.listGames({ playerId: host, list: 'received', limit: 20 });
      const sent = await store.listGames({ playerId: host, list: 'sent', limit: 20 });
      expect(received.items).toHaveLength(0);
      expect(sent.items).toHaveLength(5);
      expect(counter.snapshot().byCommand).toEqual({ QueryCommand: 2 });

      counter.reset();
      let cursor: string | undefined;
      const finished: string[] = [];
      do {
        const page = await store.listGames({ playerId: host, list: 'finished', limit: 4, cursor });
        finished.push(...page.items.map((game) => game.id));
        cursor = page.cursor ?? undefined;
      } while (cursor);
      expect(new Set(finished).size).toBe(10);
      // Three pages, each one Query on the host index and one on the opponent index.
      expect(counter.snapshot().byCommand).toEqual({ QueryCommand: 6 });
      await store.getGames(finished);
      expect(counter.snapshot().byCommand.ScanCommand).toBeUndefined();
      expect(counter.snapshot().byCommand.BatchGetItemCommand).toBe(1);
    });

    it('stores games in the documented layout: no empty strings, nulls left out, list keys', async () => {
      const client = dynaliteClient(dynalite.endpoint);
      const raw = async (id: string) =>
        (await client.send(new GetItemCommand({ TableName: table, Key: { GameId: { S: id } }, ConsistentRead: true })))
          .Item;
      const game = playingGame({ inviteToken: null, rematchOf: null });
      await store.createGame(game);
      const item = await raw(game.id);
      expect(item?.Board?.L).toEqual(Array.from({ length: 9 }, () => ({ S: '-' })));
      expect(item?.Moves).toEqual({ L: [] });
      expect(item?.StatusDate).toEqual({ S: listSortKey(game) });
      // Whose turn it is follows from the board; nothing stores it (the rules check it).
      expect(item?.TurnId).toBeUndefined();
      expect(item?.Version).toEqual({ N: '1' });
      expect(item?.TimeControl).toEqual({ M: { Type: { S: 'correspondence' }, Days: { N: '3' } } });
      for (const absent of ['InviteToken', 'Result', 'FinishedAt', 'RematchOf', 'RematchId', 'Deadline', 'Clocks']) {
        expect(item, absent).not.toHaveProperty(absent);
      }

      const player = playerRecord(uniqueName('layout'));
      await store.createPlayer(player);
      const playerItem = await raw(`PLAYER#${player.id}`);
      expect(playerItem).toMatchObject({
        PlayerName: { S: player.name },
        SignInVersion: { N: '0' },
        SignInClients: { S: '{}' },
      });
      expect(playerItem).not.toHaveProperty('HostId');
      expect(playerItem).not.toHaveProperty('OpponentId');
      // A player item from before the sign-in guard reads as a new guard, and its first guard write drops the old counters.
      const legacy = playerRecord(uniqueName('legacy'));
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            GameId: { S: `PLAYER#${legacy.id}` },
            PlayerName: { S: legacy.name },
            PasswordHash: { S: legacy.passwordHash },
            CreatedAt: { S: legacy.createdAt },
            FailedSignIns: { N: '3' },
            LastFailedSignInAt: { S: legacy.createdAt },
          },
        }),
      );
      expect(await store.getPlayer(legacy.id)).toEqual(legacy);
      const guard = { version: 1, clients: { k: { failures: 1, lastFailureAt: 5 } } };
      await store.saveSignInGuard(legacy.id, guard, 0);
      expect(await store.getPlayer(legacy.id)).toEqual({ ...legacy, signInGuard: guard });
      expect(await raw(`PLAYER#${legacy.id}`)).not.toHaveProperty('FailedSignIns');
      // A player's key is never mistaken for a game id.
      expect(await store.getGame(`PLAYER#${player.id}`)).toBeNull();

      // An item of the wrong shape is refused, not passed on half-read.
      const broken = gameRecord();
      await client.send(
        new PutItemCommand({ TableName: table, Item: { GameId: { S: broken.id }, Version: { S: 'one' } } }),
      );
      await expect(store.getGame(broken.id)).rejects.toThrow(/does not have the expected shape/);
      client.destroy();
    });

    it('gives every item that may go an ExpiresAt in epoch seconds; each write recomputes it', async () => {
      const client = dynaliteClient(dynalite.endpoint);
      const expiresAt = async (key: string) =>
        (await client.send(new GetItemCommand({ TableName: table, Key: { GameId: { S: key } }, ConsistentRead: true })))
          .Item?.ExpiresAt;
      const seconds = (iso: string, days: number) => ({ N: String(Date.parse(iso) / 1000 + days * 86_400) });

      const invitation = gameRecord({ hostId: uniqueName('ttl'), deadline: '2026-03-01T00:00:00.000Z' });
      await store.createGame(invitation);
      expect(await expiresAt(invitation.id)).toEqual(seconds('2026-03-01T00:00:00.000Z', 7));

      const started = changed(invitation, { status: 'playing', deadline: '2026-03-04T00:00:00.000Z' });
      await store.updateGame(started, invitation.version);
      expect(await expiresAt(started.id)).toEqual(seconds('2026-03-04T00:00:00.000Z', 30));
      const onMove: GameRecord = { ...moved(started, 4), deadline: '2026-03-07T00:00:00.000Z' };
      await store.recordMove(onMove, started.version);
      expect(await expiresAt(started.id)).toEqual(seconds('2026-03-07T00:00:00.000Z', 30));
      let game: GameRecord = onMove;
      for (const cell of [0, 3, 1]) {
        const next = moved(game, cell);
        await store.recordMove(next, game.version);
        game = next;
      }
      const won: GameRecord = {
        ...moved(game, 5),
        status: 'finished',
        result: { winner: 'X', reason: 'line', line: [3, 4, 5] },
        deadline: null,
      };
      won.finishedAt = won.updatedAt;
      await store.recordMove(won, game.version);
      expect(await expiresAt(won.id)).toBeUndefined();
      expect((await store.getGame(won.id))?.status).toBe('finished');

      const declined = gameRecord({ hostId: uniqueName('ttl'), deadline: '2026-03-01T00:00:00.000Z' });
      await store.createGame(declined);
      const answered = changed(declined, { status: 'declined', deadline: null });
      await store.updateGame(answered, declined.version);
      expect(await expiresAt(declined.id)).toEqual(seconds(answered.updatedAt, 7));

      const at = new Date('2026-05-01T00:00:00.000Z');
      const timed = new DynamoStore(dynaliteClient(dynalite.endpoint), table, { now: () => at });
      const pair = `${uniqueName('a')}#${uniqueName('b')}`;
      await timed.takeInvitationSlot(pair, invitation.id, null);
      expect(await expiresAt(`PAIR#${pair}`)).toEqual(seconds(at.toISOString(), 37));
      await timed.savePresence({
        gameId: invitation.id,
        instanceId: 'i1',
        attendance: { viewers: [], anonymous: 1, seq: 1 },
        left: {},
      });
      expect(await expiresAt(`PRESENCE#${invitation.id}`)).toEqual(seconds(at.toISOString(), 7));
      await timed.saveHeartbeat('ttl-instance', '2026-05-01T00:01:00.000Z');
      expect(await expiresAt('INSTANCE#ttl-instance')).toEqual(seconds('2026-05-01T00:01:00.000Z', 1));
      // Read back as before: the attribute is the database's business only.
      expect(await timed.loadHeartbeats(['ttl-instance'])).toEqual({ 'ttl-instance': '2026-05-01T00:01:00.000Z' });
      expect(await timed.getGame(won.id)).toEqual(won);
      await timed.close();
      client.destroy();
    });
  });

  describe('through the API', () => {
    /** The request log line of one move, with the app logging at `level`. */
    async function moveLogLine(level: 'info' | 'debug') {
      const { store } = await dynaliteStore(dynalite.endpoint);
      const lines: Record<string, unknown>[] = [];
      const destination = new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      });
      const app = await buildApp({
        config: testConfig(),
        store,
        logger: pino({ level }, destination),
        accounts: TEST_ACCOUNTS,
      });
      try {
        const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
        const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
        const game = await startedGame(alice, bob);
        const moved = await bob.post(`/api/games/${game.id}/moves`, { cell: 4, version: game.version });
        expect(moved.statusCode).toBe(200);
        return lines.find((line) => line.msg === 'request' && line.url === `/api/games/${game.id}/moves`);
      } finally {
        await app.close();
      }
    }

    it('logs the DynamoDB requests behind each API request at debug level, and only then', async () => {
      expect((await moveLogLine('debug'))?.dynamodb).toEqual({ UpdateItemCommand: 1 });
      // At info level, labelling requests (AsyncLocalStorage) would cost every request CPU.
      const line = await moveLogLine('info');
      expect(line).toMatchObject({ status: 200 });
      expect(line).not.toHaveProperty('dynamodb');
    });

    it('makes a move with one DynamoDB request', async () => {
      const { store, counter } = await dynaliteStore(dynalite.endpoint);
      const app = await buildApp({ config: testConfig(), store, accounts: TEST_ACCOUNTS });
      try {
        const alice = await OnlinePlayer.signIn(app, uniqueName('alice'));
        const bob = await OnlinePlayer.signIn(app, uniqueName('bob'));
        const game = await startedGame(alice, bob);
        counter.reset();
        const moved = await bob.post(`/api/games/${game.id}/moves`, { cell: 4, version: game.version });
        expect(moved.statusCode).toBe(200);
        expect(counter.snapshot()).toMatchObject({ total: 1, byCommand: { UpdateItemCommand: 1 } });
        expect((await new Browser(app).get(`/api/games/${game.id}`)).json().moves).toEqual([4]);
      } finally {
        await app.close();
      }
    });
  });
});

describe('the DynamoDB client', () => {
  it('leaves out the SDK middleware that only costs CPU here: its logger filter and telemetry user agent', () => {
    const client = dynaliteClient('http://127.0.0.1:1');
    const stack = client.middlewareStack.identify().join('\n');
    expect(stack).not.toMatch(/loggerMiddleware/);
    expect(stack).not.toMatch(/getUserAgentMiddleware/);
    // What the requests need stays: serialisation, retries, signing.
    expect(stack).toMatch(/retryMiddleware/);
    expect(stack).toMatch(/httpSigningMiddleware/);
    expect(stack).toMatch(/serializerMiddleware/);
    client.destroy();
  });
});
