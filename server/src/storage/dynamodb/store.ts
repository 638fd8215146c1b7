import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { PairingQueue } from '@ttt/shared';
import { AlreadyExistsError, StaleGameError, StorageUnavailableError } from '../errors.js';
import {
  decodeCursor,
  encodeCursor,
  HEARTBEAT_KEPT_MS,
  listRoles,
  listSortKey,
  listStatus,
  PRESENCE_KEPT_MS,
  SLOT_KEPT_MS,
} from '../keys.js';
import { type RequestCounter, type RequestCounts, requestCounter } from '../request-counter.js';
import type {
  GameRecord,
  GameSummaryRecord,
  ListQuery,
  Page,
  PlayerRecord,
  PollResult,
  PresenceRecord,
  PresenceWrite,
  RankedRecord,
  SessionsRecord,
  SignInGuard,
  StatsRecord,
  Store,
} from '../types.js';
import {
  attendanceAttribute,
  clocksAttribute,
  EXPIRES_ATTRIBUTE,
  expiresAfter,
  gameExpiresAttribute,
  gameFromItem,
  gameItem,
  HeartbeatItemSchema,
  INSTANCE_ATTRIBUTE,
  INSTANCE_PREFIX,
  type Item,
  isGameId,
  type Listed,
  LobbyVersionSchema,
  n,
  PAIR_PREFIX,
  PAIRING_KEY,
  PLAYER_PREFIX,
  PRESENCE_PREFIX,
  pairingQueueFromItem,
  pairingQueueItem,
  parseItem,
  playerFromItem,
  playerItem,
  presenceFromItem,
  resultAttribute,
  SEEN_ATTRIBUTE,
  s,
  signInGuardAttributes,
  summaryFromItem,
} from './codec.js';
import { addHitsCommand, hitsOf, readHitsCommand } from './hit-counter.js';
import { OutageLog, type OutageLogOptions } from './outage-log.js';
import { CONDITION_FAILED, describeError, isConditionFailed, isNamed, isUnavailable } from './sdk-errors.js';
import { SESSIONS_PREFIX, sessionsFromItem, sessionsItem } from './sessions-codec.js';
import { LEADERBOARD_KEY, rankedFromItem, STATS_PREFIX, statsFromItem, statsItem } from './stats-codec.js';
import {
  DEFAULT_TABLE,
  type EnsureTableOptions,
  ensureTable,
  HOST_INDEX,
  LEADERBOARD_INDEX,
  OPPONENT_INDEX,
} from './table.js';

/**
 * Production storage: one DynamoDB table holding games and players, laid out like the AWS
 * tic-tac-toe tutorial. docs/dynamodb.md describes the items, the indexes and every request.
 * The store only stores: the rules decided every record it writes, and each write is
 * conditional on the version they were decided from.
 */

const BATCH_GET_LIMIT = 100;
/** What /readyz reads: no item ever has this key. */
const READY_PROBE_KEY = 'READY#probe';

/** The least a logger must do; pino and Fastify's logger fit. */
export interface StoreLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const silent: StoreLogger = { debug() {}, info() {}, warn() {} };

export interface DynamoStoreOptions {
  logger?: StoreLogger;
  /** Where requests are counted; the process-wide `requestCounter` unless given. */
  counter?: RequestCounter;
  /** The clock for the TTL of items that have no time of their own (slots, presence). */
  now?: () => Date;
  /** How outages are summarised in the log (interval, clock). */
  outage?: OutageLogOptions;
}

let middlewareId = 0;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoStore implements Store {
  readonly kind = 'dynamodb';
  private readonly logger: StoreLogger;
  private readonly counter: RequestCounter;
  private readonly now: () => Date;
  private readonly outage: OutageLog;

  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string = DEFAULT_TABLE,
    options: DynamoStoreOptions = {},
  ) {
    this.logger = options.logger ?? silent;
    this.counter = options.counter ?? requestCounter;
    this.now = options.now ?? (() => new Date());
    this.outage = new OutageLog(this.logger, table, options.outage);
    // Once per command, before the SDK's retries: the count is what the code asked for. The
    // client resolves its stack once (cacheMiddleware), so this must come before any request.
    client.middlewareStack.add(
      (next, context) => (args) => {
        const command = context.commandName ?? 'UnknownCommand';
        const { operation, count } = this.counter.record(command);
        this.logger.debug({ command, operation, count, table: this.table }, 'dynamodb request');
        return next(args);
      },
      { step: 'initialize', name: `tttRequestCounter${middlewareId++}` },
    );
  }

  /** DynamoDB requests this store has sent, by command and by API operation. */
  requestCounts(): RequestCounts {
    return this.counter.snapshot();
  }

  // --- players ---------------------------------------------------------------------------

  async createPlayer(player: PlayerRecord): Promise<boolean> {
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: playerItem(player),
          ConditionExpression: 'attribute_not_exists(GameId)',
        }),
      ),
    );
    return written !== CONDITION_FAILED;
  }

  async getPlayer(id: string): Promise<PlayerRecord | null> {
    const answer = await this.call(() =>
      this.client.send(
        new GetItemCommand({ TableName: this.table, Key: { GameId: s(PLAYER_PREFIX + id) }, ConsistentRead: true }),
      ),
    );
    return answer.Item ? playerFromItem(answer.Item) : null;
  }

  async saveSignInGuard(id: string, next: SignInGuard, expectedVersion: number, passwordHash?: string): Promise<void> {
    const guard = signInGuardAttributes(next);
    const written = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(PLAYER_PREFIX + id) },
          // Also drops the counters of the layout before the guard, where an item still has them.
          UpdateExpression: `SET #version = :next, #clients = :clients${passwordHash === undefined ? '' : ', #hash = :hash'} REMOVE FailedSignIns, LastFailedSignInAt`,
          // Every attempt is decided from the version read: of two at once, one lands. Version 0
          // is also an item from before the guard; attribute_exists keeps a missing key missing.
          ConditionExpression:
            expectedVersion === 0
              ? 'attribute_exists(GameId) AND (attribute_not_exists(#version) OR #version = :expected)'
              : '#version = :expected',
          ExpressionAttributeNames: {
            '#version': 'SignInVersion',
            '#clients': 'SignInClients',
            ...(passwordHash === undefined ? {} : { '#hash': 'PasswordHash' }),
          },
          ExpressionAttributeValues: {
            ':next': guard.SignInVersion,
            ':clients': guard.SignInClients,
            ':expected': n(expectedVersion),
            ...(passwordHash === undefined ? {} : { ':hash': s(passwordHash) }),
          },
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  // --- games -----------------------------------------------------------------------------

  // --- one pending invitation per pair --------------------------------------------------

  async getInvitationSlot(pair: string): Promise<string | null> {
    const answer = await this.call(() =>
      this.client.send(
        new GetItemCommand({ TableName: this.table, Key: { GameId: s(PAIR_PREFIX + pair) }, ConsistentRead: true }),
      ),
    );
    const held = answer.Item?.PendingGameId?.S;
    return held ?? null;
  }

  async takeInvitationSlot(pair: string, gameId: string, expected: string | null): Promise<void> {
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            GameId: s(PAIR_PREFIX + pair),
            PendingGameId: s(gameId),
            [EXPIRES_ATTRIBUTE]: expiresAfter(this.now(), SLOT_KEPT_MS),
          },
          ConditionExpression: expected === null ? 'attribute_not_exists(GameId)' : '#held = :expected',
          ...(expected === null
            ? {}
            : {
                ExpressionAttributeNames: { '#held': 'PendingGameId' },
                ExpressionAttributeValues: { ':expected': s(expected) },
              }),
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  // --- "Play anyone" ------------------------------------------------------------------

  async getPairingQueue(): Promise<PairingQueue | null> {
    const answer = await this.call(() =>
      this.client.send(
        new GetItemCommand({ TableName: this.table, Key: { GameId: s(PAIRING_KEY) }, ConsistentRead: true }),
      ),
    );
    return answer.Item ? pairingQueueFromItem(answer.Item) : null;
  }

  async savePairingQueue(next: PairingQueue, expectedVersion: number): Promise<void> {
    // Every seek is decided from the version read: of two at once, one lands.
    await this.putVersioned(pairingQueueItem(next), expectedVersion);
  }

  async createGame(game: GameRecord): Promise<void> {
    if (!isGameId(game.id)) throw new Error(`Not a game id: ${game.id}`);
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: gameItem(game),
          ConditionExpression: 'attribute_not_exists(GameId)',
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new AlreadyExistsError('A game with this id');
  }

  async getGame(id: string): Promise<GameRecord | null> {
    if (!isGameId(id)) return null;
    const answer = await this.call(() =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { GameId: s(id) }, ConsistentRead: true })),
    );
    return answer.Item ? gameFromItem(answer.Item) : null;
  }

  async getGames(ids: readonly string[]): Promise<GameRecord[]> {
    const keys = [...new Set(ids)].filter(isGameId).map((id) => ({ GameId: s(id) }));
    return (await this.batchGet(keys)).map(gameFromItem);
  }

  /** Items by key, consistently read, 100 keys per request, unread keys asked for again. */
  private async batchGet(allKeys: Item[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < allKeys.length; start += BATCH_GET_LIMIT) {
      let keys = allKeys.slice(start, start + BATCH_GET_LIMIT);
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) {
          // DynamoDB left some keys unread (throttling or size): back off, then ask for those only.
          if (attempt > 6) throw new StorageUnavailableError();
          await wait(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
        }
        const answer = await this.call(() =>
          this.client.send(
            new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
          ),
        );
        items.push(...(answer.Responses?.[this.table] ?? []));
        keys = answer.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return items;
  }

  async updateGame(next: GameRecord, expectedVersion: number): Promise<void> {
    if (!isGameId(next.id)) throw new StaleGameError();
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: gameItem(next),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'Version' },
          ExpressionAttributeValues: { ':version': n(expectedVersion) },
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  /** One UpdateItem: the move, the new version and, for a finishing move, the outcome. */
  async recordMove(next: GameRecord, expectedVersion: number): Promise<void> {
    const cell = next.moves.at(-1);
    const mark = cell === undefined ? undefined : next.board[cell];
    // The cell becomes part of the expression text (a list index cannot be a placeholder).
    if (cell === undefined || !Number.isInteger(cell) || cell < 0 || cell > 8 || !mark || !isGameId(next.id)) {
      throw new StaleGameError();
    }
    const names: Record<string, string> = {
      '#board': 'Board',
      '#moves': 'Moves',
      '#version': 'Version',
      '#updated': 'UpdatedAt',
      '#statusDate': 'StatusDate',
    };
    const values: Item = {
      ':mark': s(mark),
      ':cell': { L: [n(cell)] },
      ':next': n(next.version),
      ':updated': s(next.updatedAt),
      ':statusDate': s(listSortKey(next)),
      ':expected': n(expectedVersion),
    };
    const set = [
      `#board[${cell}] = :mark`,
      '#moves = list_append(#moves, :cell)',
      '#version = :next',
      '#updated = :updated',
      '#statusDate = :statusDate',
    ];
    if (next.status !== 'playing') {
      names['#status'] = 'Status';
      set.push('#status = :status');
      values[':status'] = s(next.status);
      if (next.result) {
        names['#result'] = 'Result';
        set.push('#result = :result');
        values[':result'] = resultAttribute(next.result);
      }
      if (next.finishedAt) {
        names['#finished'] = 'FinishedAt';
        set.push('#finished = :finished');
        values[':finished'] = s(next.finishedAt);
      }
      // A finished game starts its tally (online/tally.ts counts it for both players).
      if (next.tally) {
        names['#tally'] = 'Tally';
        set.push('#tally = :tally');
        values[':tally'] = s(JSON.stringify(next.tally));
      }
    }
    // The next player's deadline and the clocks (live games), or no deadline once it is over.
    names['#deadline'] = 'Deadline';
    const remove: string[] = [];
    if (next.deadline) {
      set.push('#deadline = :deadline');
      values[':deadline'] = s(next.deadline);
    } else remove.push('#deadline');
    // A move pushes the expiry forward; finishing removes it (finished games are kept).
    names['#expires'] = EXPIRES_ATTRIBUTE;
    const expires = gameExpiresAttribute(next);
    if (expires) {
      set.push('#expires = :expires');
      values[':expires'] = expires;
    } else remove.push('#expires');
    if (next.clocks) {
      names['#clocks'] = 'Clocks';
      set.push('#clocks = :clocks');
      values[':clocks'] = clocksAttribute(next.clocks);
    }
    const written = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(next.id) },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          // The version is what makes two moves for one turn safe: the rules decided this one.
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  // --- lists -----------------------------------------------------------------------------

  /**
   * A Query per index the list covers, newest first, over the key range of the list's status
   * (up to the cursor). 'playing' and 'finished' merge the host and opponent indexes.
   */
  async listGames(query: ListQuery): Promise<Page<GameSummaryRecord>> {
    const status = listStatus(query.list);
    const before = query.cursor === undefined ? null : decodeCursor(query.cursor, status);
    const prefix = `${status.toUpperCase()}#`;
    // '$' follows '#': [PREFIX#, PREFIX$] holds every key of the status and nothing else.
    const range = { low: prefix, high: before ?? `${status.toUpperCase()}$` };
    // BETWEEN includes the cursor's own item; one more, to know whether a next page exists.
    const wanted = query.limit + 1 + (before === null ? 0 : 1);
    const found = await Promise.all(
      listRoles(query.list).map((role) =>
        this.queryIndex(role === 'host' ? HOST_INDEX : OPPONENT_INDEX, query.playerId, range, wanted),
      ),
    );
    // Past the cursor, and each game once (a self-invitation would be in both indexes).
    const unique = new Map<string, Listed>();
    for (const game of found.flat()) if (before === null || game.statusDate < before) unique.set(game.id, game);
    const games = [...unique.values()].sort((a, b) =>
      a.statusDate < b.statusDate ? 1 : a.statusDate > b.statusDate ? -1 : 0,
    );
    const page = games.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ statusDate: _key, ...summary }) => summary),
      cursor: games.length > query.limit && last ? encodeCursor(last.statusDate) : null,
    };
  }

  private async queryIndex(
    index: string,
    playerId: string,
    range: { low: string; high: string },
    wanted: number,
  ): Promise<Listed[]> {
    const games: Listed[] = [];
    let startKey: Item | undefined;
    // Usually one request; more only when DynamoDB cuts a page at 1 MB.
    do {
      const answer = await this.call(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index,
            KeyConditionExpression: '#player = :player AND #statusDate BETWEEN :low AND :high',
            ExpressionAttributeNames: {
              '#player': index === HOST_INDEX ? 'HostId' : 'OpponentId',
              '#statusDate': 'StatusDate',
            },
            ExpressionAttributeValues: { ':player': s(playerId), ':low': s(range.low), ':high': s(range.high) },
            ScanIndexForward: false,
            Limit: wanted - games.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of answer.Items ?? []) games.push(summaryFromItem(item));
      startKey = answer.LastEvaluatedKey;
    } while (startKey && games.length < wanted);
    return games;
  }

  // --- live updates across instances ------------------------------------------------------

  async touchLobby(playerId: string): Promise<void> {
    // Only an existing player has a lobby; for anyone else there is nothing to touch.
    await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(PLAYER_PREFIX + playerId) },
          UpdateExpression: 'ADD #lobby :one',
          ConditionExpression: 'attribute_exists(GameId)',
          ExpressionAttributeNames: { '#lobby': 'LobbyVersion' },
          ExpressionAttributeValues: { ':one': n(1) },
        }),
      ),
    );
  }

  /** Games and players' lobby versions in one BatchGetItem (per 100 keys). */
  async poll(gameIds: readonly string[], playerIds: readonly string[]): Promise<PollResult> {
    const keys = [
      ...[...new Set(gameIds)].filter(isGameId).map((id) => ({ GameId: s(id) })),
      ...[...new Set(playerIds)].map((id) => ({ GameId: s(PLAYER_PREFIX + id) })),
    ];
    const result: PollResult = { games: [], lobbies: {} };
    for (const item of await this.batchGet(keys)) {
      const key = item.GameId?.S ?? '';
      if (key.startsWith(PLAYER_PREFIX)) {
        result.lobbies[key.slice(PLAYER_PREFIX.length)] =
          parseItem(LobbyVersionSchema, item, 'player').LobbyVersion ?? 0;
      } else {
        result.games.push(gameFromItem(item));
      }
    }
    return result;
  }

  // --- presence, for instances that share no bus --------------------------------------------

  /** One UpdateItem on the game's presence item, conditional on the instance's seq moving forward. */
  async savePresence(write: PresenceWrite): Promise<void> {
    const names: Record<string, string> = {
      '#instance': `${INSTANCE_ATTRIBUTE}${write.instanceId}`,
      '#seq': 'Seq',
      '#expires': EXPIRES_ATTRIBUTE,
    };
    const values: Item = {
      ':attendance': attendanceAttribute(write.attendance),
      ':seq': n(write.attendance.seq),
      ':expires': expiresAfter(this.now(), PRESENCE_KEPT_MS),
    };
    const set = ['#instance = :attendance', '#expires = :expires'];
    Object.entries(write.left).forEach(([viewer, at], index) => {
      names[`#seen${index}`] = `${SEEN_ATTRIBUTE}${viewer}`;
      values[`:seen${index}`] = s(at);
      set.push(`#seen${index} = :seen${index}`);
    });
    // A stale write (its seq not newer) changes nothing: the failed condition is the answer.
    await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(PRESENCE_PREFIX + write.gameId) },
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(#instance) OR #instance.#seq < :seq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async loadPresence(gameIds: readonly string[]): Promise<PresenceRecord[]> {
    const keys = [...new Set(gameIds)].filter(isGameId).map((id) => ({ GameId: s(PRESENCE_PREFIX + id) }));
    return (await this.batchGet(keys)).map(presenceFromItem);
  }

  async saveHeartbeat(instanceId: string, until: string): Promise<void> {
    await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            GameId: s(INSTANCE_PREFIX + instanceId),
            Until: s(until),
            [EXPIRES_ATTRIBUTE]: expiresAfter(new Date(until), HEARTBEAT_KEPT_MS),
          },
          ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
          ExpressionAttributeNames: { '#until': 'Until' },
          ExpressionAttributeValues: { ':until': s(until) },
        }),
      ),
    );
  }

  async loadHeartbeats(instanceIds: readonly string[]): Promise<Record<string, string>> {
    const keys = [...new Set(instanceIds)].map((id) => ({ GameId: s(INSTANCE_PREFIX + id) }));
    const result: Record<string, string> = {};
    for (const item of await this.batchGet(keys)) {
      const heartbeat = parseItem(HeartbeatItemSchema, item, 'instance heartbeat');
      result[heartbeat.GameId.slice(INSTANCE_PREFIX.length)] = heartbeat.Until;
    }
    return result;
  }

  /** One strongly consistent read of a key that never exists: the cheapest request that needs the table. */
  async ping(): Promise<void> {
    await this.call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { GameId: s(READY_PROBE_KEY) },
          ProjectionExpression: 'GameId',
        }),
      ),
    );
  }

  // --- rate limits (issue 12): see hit-counter.ts ---

  async countHits(key: string, windowStart: number, expiresAt: number, add = 1): Promise<number> {
    if (add === 0) {
      const answer = await this.call(() => this.client.send(readHitsCommand(this.table, key, windowStart)));
      return hitsOf(answer.Item);
    }
    const answer = await this.call(() =>
      this.client.send(addHitsCommand(this.table, key, windowStart, expiresAt, add)),
    );
    return hitsOf(answer.Attributes);
  }

  // --- sessions: one item per player, apart from the player item ------------------------------

  async getSessions(playerId: string): Promise<SessionsRecord | null> {
    const answer = await this.call(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { GameId: s(SESSIONS_PREFIX + playerId) },
          ConsistentRead: true,
        }),
      ),
    );
    return answer.Item ? sessionsFromItem(answer.Item) : null;
  }

  async saveSessions(next: SessionsRecord, expectedVersion: number): Promise<void> {
    // A sign-in and a sign-out at once: one lands, the other decides again from a fresh read.
    await this.putVersioned(sessionsItem(next), expectedVersion);
  }

  // --- records and ratings (issue 14) ---------------------------------------------------------

  async getStats(playerIds: readonly string[]): Promise<StatsRecord[]> {
    const keys = [...new Set(playerIds)].map((id) => ({ GameId: s(STATS_PREFIX + id) }));
    return (await this.batchGet(keys)).map(statsFromItem);
  }

  async saveStats(next: StatsRecord, expectedVersion: number): Promise<void> {
    await this.putVersioned(statsItem(next), expectedVersion);
  }

  /** One Query on the sparse rating index, best first. An index still building answers 503. */
  async leaderboard(limit: number): Promise<RankedRecord[]> {
    try {
      const answer = await this.call(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: LEADERBOARD_INDEX,
            KeyConditionExpression: '#board = :board',
            ExpressionAttributeNames: { '#board': 'Leaderboard' },
            ExpressionAttributeValues: { ':board': s(LEADERBOARD_KEY) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      );
      return (answer.Items ?? []).flatMap((item) => rankedFromItem(item) ?? []);
    } catch (error) {
      // A table whose leaderboard index is missing or still building (table.ts adds it).
      if (isNamed(error, 'ValidationException') || isNamed(error, 'ResourceNotFoundException')) {
        this.logger.warn(
          { index: LEADERBOARD_INDEX, error: describeError(error) },
          'the leaderboard index is not there',
        );
        throw new StorageUnavailableError();
      }
      throw error;
    }
  }

  /**
   * Replaces a whole item that carries its own `Version` if that is still `expectedVersion` (0:
   * the item must not exist yet); otherwise StaleGameError, and nothing is written.
   */
  private async putVersioned(item: Record<string, AttributeValue>, expectedVersion: number): Promise<void> {
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(GameId)' : '#version = :version',
          ...(expectedVersion === 0
            ? {}
            : {
                ExpressionAttributeNames: { '#version': 'Version' },
                ExpressionAttributeValues: { ':version': n(expectedVersion) },
              }),
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  /** A conditional write: its answer, or CONDITION_FAILED when DynamoDB refused the condition. */
  private async conditional<T>(send: () => Promise<T>): Promise<T | typeof CONDITION_FAILED> {
    try {
      return await this.call(send);
    } catch (error) {
      if (isConditionFailed(error)) return CONDITION_FAILED;
      throw error;
    }
  }

  /** Runs one request; throttling, timeouts and network errors (after the SDK's retries) become a 503. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      const answer = await send();
      this.outage.answered();
      return answer;
    } catch (error) {
      if (isUnavailable(error)) {
        this.outage.failed(error);
        throw new StorageUnavailableError();
      }
      // Any other error (a condition that did not hold, a missing table) is an answer.
      this.outage.answered();
      throw error;
    }
  }

  // --- the table -------------------------------------------------------------------------

  /**
   * Makes sure the table and both indexes exist and are ACTIVE, creating them when `create`
   * is set. Throws an error that says what to do when they are missing or cannot be made.
   */
  ensureTable(options: EnsureTableOptions): Promise<void> {
    return ensureTable({ client: this.client, table: this.table, logger: this.logger }, options);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
