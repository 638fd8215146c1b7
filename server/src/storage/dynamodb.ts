import {
  type AttributeValue,
  BatchGetItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type GlobalSecondaryIndex,
  PutItemCommand,
  QueryCommand,
  type TableDescription,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CellIndexSchema, GameIdSchema, GameStatusSchema, LineSchema, MarkSchema, type Result } from '@ttt/shared';
import * as z from 'zod/mini';
import { AlreadyExistsError, StaleGameError, StorageUnavailableError } from './errors.js';
import { decodeCursor, encodeCursor, listRoles, listSortKey, listStatus, turnPlayerId } from './keys.js';
import { type RequestCounter, type RequestCounts, requestCounter } from './request-counter.js';
import type {
  AttendanceRecord,
  GameRecord,
  GameSummaryRecord,
  ListQuery,
  MoveWrite,
  Page,
  PlayerRecord,
  PollResult,
  PresenceRecord,
  PresenceWrite,
  Store,
} from './types.js';

/**
 * Production storage: one DynamoDB table holding games and players, laid out like the AWS
 * tic-tac-toe tutorial. docs/dynamodb.md describes the items, the indexes and every request.
 */

export const DEFAULT_TABLE = 'Games';
export const HOST_INDEX = 'HostId-StatusDate-index';
export const OPPONENT_INDEX = 'OpponentId-StatusDate-index';
const PLAYER_PREFIX = 'PLAYER#';
/** Presence of a game's page (`PRESENCE#<game id>`) and instance heartbeats (`INSTANCE#<id>`). */
const PRESENCE_PREFIX = 'PRESENCE#';
const INSTANCE_PREFIX = 'INSTANCE#';
/** In a presence item: one attribute per instance (`I:<id>`), one per viewer who left (`S:<id>`). */
const INSTANCE_ATTRIBUTE = 'I:';
const SEEN_ATTRIBUTE = 'S:';
/** DynamoDB lists hold no typeless values, and an empty string would read as "no mark" anyway. */
const EMPTY_CELL = '-';
const BATCH_GET_LIMIT = 100;

/** What a lobby list shows of a game (GameSummaryRecord), besides the keys every index carries. */
const SUMMARY_ATTRIBUTES = [
  'Version',
  'Status',
  'Invite',
  'HostId',
  'HostName',
  'OpponentId',
  'OpponentName',
  'HostMark',
  'Board',
  'Result',
  'CreatedAt',
  'UpdatedAt',
  'RematchOf',
];

const INDEXES: GlobalSecondaryIndex[] = [
  { IndexName: HOST_INDEX, partitionKey: 'HostId' },
  { IndexName: OPPONENT_INDEX, partitionKey: 'OpponentId' },
].map(({ IndexName, partitionKey }) => ({
  IndexName,
  KeySchema: [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    { AttributeName: 'StatusDate', KeyType: 'RANGE' },
  ],
  Projection: {
    ProjectionType: 'INCLUDE',
    NonKeyAttributes: SUMMARY_ATTRIBUTES.filter((name) => name !== partitionKey),
  },
}));

/** The least a logger must do; pino and Fastify's logger fit. */
export interface StoreLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const silent: StoreLogger = { debug() {}, info() {}, warn() {} };

// ---------------------------------------------------------------------------------------------
// Items as DynamoDB returns them, parsed (never cast) into records.

const text = <T extends string>(inner: z.ZodMiniType<T, string>) =>
  z.pipe(
    z.object({ S: inner }),
    z.transform((attribute: { S: T }) => attribute.S),
  );
const str = text(z.string());
const int = z.pipe(
  z.object({ N: z.string().check(z.regex(/^-?\d+$/, 'not a whole number')) }),
  z.pipe(
    z.transform((attribute: { N: string }) => Number(attribute.N)),
    z.int(),
  ),
);
const cellIndex = z.pipe(int, CellIndexSchema);
const ResultItemSchema = z.pipe(
  z.object({
    M: z.object({
      Winner: z.optional(text(MarkSchema)),
      Reason: text(z.enum(['line', 'draw', 'resign'])),
      Line: z.optional(
        z.pipe(
          z.object({ L: z.array(cellIndex) }),
          z.pipe(
            z.transform((line: { L: number[] }) => line.L),
            LineSchema,
          ),
        ),
      ),
    }),
  }),
  z.transform(({ M }): Result => ({ winner: M.Winner ?? null, reason: M.Reason, line: M.Line ?? null })),
);
const BoardItemSchema = z.pipe(
  z.object({ L: z.array(text(z.enum(['X', 'O', EMPTY_CELL]))).check(z.length(9, 'a board has 9 cells')) }),
  z.transform((board) => board.L.map((cell) => (cell === EMPTY_CELL ? ('' as const) : cell))),
);

/** What the lobby indexes hold of a game. */
const SummaryItemSchema = z.object({
  GameId: text(GameIdSchema),
  StatusDate: str,
  Version: int,
  Status: text(GameStatusSchema),
  Invite: text(z.enum(['name', 'link'])),
  HostId: str,
  HostName: str,
  OpponentId: z.optional(str),
  OpponentName: z.optional(str),
  HostMark: text(MarkSchema),
  Board: BoardItemSchema,
  Result: z.optional(ResultItemSchema),
  CreatedAt: str,
  UpdatedAt: str,
  RematchOf: z.optional(text(GameIdSchema)),
});

const GameItemSchema = z.extend(SummaryItemSchema, {
  InviteToken: z.optional(str),
  Moves: z.pipe(
    z.object({ L: z.array(cellIndex) }),
    z.transform((moves) => moves.L),
  ),
  FinishedAt: z.optional(str),
  RematchId: z.optional(text(GameIdSchema)),
});

const PlayerItemSchema = z.object({
  GameId: text(z.string().check(z.startsWith(PLAYER_PREFIX))),
  PlayerName: str,
  PasswordHash: str,
  CreatedAt: str,
  FailedSignIns: int,
  LastFailedSignInAt: z.optional(str),
});

/** Only what the change feed needs of a player item. */
const LobbyVersionSchema = z.object({ LobbyVersion: z.optional(int) });

const AttendanceItemSchema = z.object({
  M: z.object({
    Viewers: z.pipe(
      z.object({ L: z.array(str) }),
      z.transform((viewers) => viewers.L),
    ),
    Anonymous: int,
    Seq: int,
  }),
});
const HeartbeatItemSchema = z.object({ GameId: str, Until: str });

type Item = Record<string, AttributeValue>;

function parseItem<T extends z.core.$ZodType>(schema: T, item: Item, what: string): z.output<T> {
  const parsed = z.safeParse(schema, item);
  if (!parsed.success) {
    const key = item.GameId?.S ?? '(no key)';
    throw new Error(`The stored ${what} ${key} does not have the expected shape: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** A list entry: the summary and its key in the index. */
type Listed = GameSummaryRecord & { statusDate: string };

/** The fields a summary and a whole game share, from a parsed item. */
function summaryFields(g: z.output<typeof SummaryItemSchema>): GameSummaryRecord {
  return {
    id: g.GameId,
    version: g.Version,
    status: g.Status,
    invite: g.Invite,
    hostId: g.HostId,
    hostName: g.HostName,
    opponentId: g.OpponentId ?? null,
    opponentName: g.OpponentName ?? null,
    hostMark: g.HostMark,
    board: g.Board,
    result: g.Result ?? null,
    createdAt: g.CreatedAt,
    updatedAt: g.UpdatedAt,
    rematchOf: g.RematchOf ?? null,
  };
}

function summaryFromItem(item: Item): Listed {
  const g = parseItem(SummaryItemSchema, item, 'game summary');
  return { ...summaryFields(g), statusDate: g.StatusDate };
}

function gameFromItem(item: Item): GameRecord {
  const g = parseItem(GameItemSchema, item, 'game');
  return {
    ...summaryFields(g),
    inviteToken: g.InviteToken ?? null,
    moves: g.Moves,
    finishedAt: g.FinishedAt ?? null,
    rematchId: g.RematchId ?? null,
  };
}

function playerFromItem(item: Item): PlayerRecord {
  const p = parseItem(PlayerItemSchema, item, 'player');
  return {
    id: p.GameId.slice(PLAYER_PREFIX.length),
    name: p.PlayerName,
    passwordHash: p.PasswordHash,
    createdAt: p.CreatedAt,
    failedSignIns: p.FailedSignIns,
    lastFailedSignInAt: p.LastFailedSignInAt ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Records as items.

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function resultAttribute(result: Result): AttributeValue {
  const fields: Item = { Reason: s(result.reason) };
  if (result.winner) fields.Winner = s(result.winner);
  if (result.line) fields.Line = { L: result.line.map(n) };
  return { M: fields };
}

/** The whole game item; attributes whose value is null are left out, never stored as NULL. */
function gameItem(game: GameRecord): Item {
  const item: Item = {
    GameId: s(game.id),
    Version: n(game.version),
    Status: s(game.status),
    Invite: s(game.invite),
    HostId: s(game.hostId),
    HostName: s(game.hostName),
    HostMark: s(game.hostMark),
    Board: { L: game.board.map((cell) => s(cell === '' ? EMPTY_CELL : cell)) },
    Moves: { L: game.moves.map(n) },
    CreatedAt: s(game.createdAt),
    UpdatedAt: s(game.updatedAt),
    StatusDate: s(listSortKey(game)),
  };
  const optional: [string, string | null][] = [
    ['InviteToken', game.inviteToken],
    ['OpponentId', game.opponentId],
    ['OpponentName', game.opponentName],
    ['FinishedAt', game.finishedAt],
    ['RematchOf', game.rematchOf],
    ['RematchId', game.rematchId],
    ['TurnId', turnPlayerId(game)],
  ];
  for (const [name, value] of optional) if (value !== null) item[name] = s(value);
  if (game.result) item.Result = resultAttribute(game.result);
  return item;
}

function attendanceAttribute(attendance: AttendanceRecord): AttributeValue {
  return {
    M: { Viewers: { L: attendance.viewers.map(s) }, Anonymous: n(attendance.anonymous), Seq: n(attendance.seq) },
  };
}

/** A presence item: attributes named by instance and by viewer, each parsed on its own. */
function presenceFromItem(item: Item): PresenceRecord {
  const key = item.GameId?.S ?? '';
  const record: PresenceRecord = { gameId: key.slice(PRESENCE_PREFIX.length), instances: {}, lastSeen: {} };
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(INSTANCE_ATTRIBUTE)) {
      const parsed = z.safeParse(AttendanceItemSchema, value);
      if (!parsed.success) {
        throw new Error(
          `The stored presence ${key} does not have the expected shape: ${z.prettifyError(parsed.error)}`,
        );
      }
      const { M } = parsed.data;
      record.instances[name.slice(INSTANCE_ATTRIBUTE.length)] = {
        viewers: M.Viewers,
        anonymous: M.Anonymous,
        seq: M.Seq,
      };
    } else if (name.startsWith(SEEN_ATTRIBUTE) && value.S !== undefined) {
      record.lastSeen[name.slice(SEEN_ATTRIBUTE.length)] = value.S;
    }
  }
  return record;
}

function playerItem(player: PlayerRecord): Item {
  const item: Item = {
    GameId: s(PLAYER_PREFIX + player.id),
    PlayerName: s(player.name),
    PasswordHash: s(player.passwordHash),
    CreatedAt: s(player.createdAt),
    FailedSignIns: n(player.failedSignIns),
  };
  if (player.lastFailedSignInAt !== null) item.LastFailedSignInAt = s(player.lastFailedSignInAt);
  return item;
}

/** Game ids are base64url; anything with '#' would be another kind of item. */
const isGameId = (id: string) => !id.includes('#');

// ---------------------------------------------------------------------------------------------
// Errors.

/** Error names that mean "not now": throttling, server faults, timeouts. */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  errors?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function isNetworkError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const e = error as SdkErrorShape;
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return true;
  // Node reports a refused "localhost" (tried on ::1 and 127.0.0.1) as an AggregateError.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isNetworkError(inner, depth + 1))) return true;
  return isNetworkError(e.cause, depth + 1);
}

/** Throttling, timeouts, network failures and 5xx: the database is not answering now. */
export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as SdkErrorShape;
  if (typeof e.name === 'string' && UNAVAILABLE.has(e.name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return isNetworkError(error);
}

/** What `conditional` answers when a write's ConditionExpression did not hold. */
const CONDITION_FAILED = Symbol('condition failed');

const isConditionFailed = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message || (error as SdkErrorShape).code || ''}` : String(error);

// ---------------------------------------------------------------------------------------------
// The client.

export interface DynamoClientSettings {
  region: string;
  /** DynamoDB Local or another endpoint; unset means the region's AWS endpoint. */
  endpoint?: string | undefined;
  /** Fixed placeholder credentials, for DynamoDB Local; otherwise the SDK's default chain. */
  placeholderCredentials?: boolean | undefined;
  /** Attempts per request, the first included (the SDK retries throttling and network errors). */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/**
 * A client that gives up in seconds, not minutes, when DynamoDB does not answer, and spends as
 * little CPU per request as the SDK allows. Add middleware before its first request: the stack
 * is resolved once per command (`cacheMiddleware`).
 */
export function createDynamoClient(settings: DynamoClientSettings): DynamoDBClient {
  const client = new DynamoDBClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.placeholderCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs ?? 1000,
      requestTimeout: settings.requestTimeoutMs ?? 3000,
      throwOnRequestTimeout: true,
    },
    // Otherwise every send sorts and composes the whole middleware stack again.
    cacheMiddleware: true,
  });
  // It copies every input and output through the schema's secret filter for the SDK's logger,
  // which we never set (our own middleware below logs each command): pure cost.
  client.middlewareStack.remove('loggerMiddleware');
  // Builds the SDK's telemetry user-agent headers on every request (~6 % of a request's CPU);
  // DynamoDB needs none of it, and requests are traced by our own logs.
  client.middlewareStack.remove('getUserAgentMiddleware');
  return client;
}

export interface DynamoStoreOptions {
  logger?: StoreLogger;
  /** Where requests are counted; the process-wide `requestCounter` unless given. */
  counter?: RequestCounter;
}

let middlewareId = 0;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoStore implements Store {
  readonly kind = 'dynamodb';
  private readonly logger: StoreLogger;
  private readonly counter: RequestCounter;

  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string = DEFAULT_TABLE,
    options: DynamoStoreOptions = {},
  ) {
    this.logger = options.logger ?? silent;
    this.counter = options.counter ?? requestCounter;
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

  async recordSignInFailure(id: string, at: string): Promise<PlayerRecord | null> {
    const answer = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(PLAYER_PREFIX + id) },
          UpdateExpression: 'ADD #failed :one SET #lastFailed = :at',
          ConditionExpression: 'attribute_exists(GameId)',
          ExpressionAttributeNames: { '#failed': 'FailedSignIns', '#lastFailed': 'LastFailedSignInAt' },
          ExpressionAttributeValues: { ':one': n(1), ':at': s(at) },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (answer === CONDITION_FAILED) return null;
    return answer.Attributes ? playerFromItem(answer.Attributes) : null;
  }

  async clearSignInFailures(id: string): Promise<void> {
    // A missing player has nothing to clear: a failed condition is the answer, not an error.
    await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(PLAYER_PREFIX + id) },
          UpdateExpression: 'SET #failed = :zero REMOVE #lastFailed',
          // Without it, an update of a missing key would create a half player.
          ConditionExpression: 'attribute_exists(GameId)',
          ExpressionAttributeNames: { '#failed': 'FailedSignIns', '#lastFailed': 'LastFailedSignInAt' },
          ExpressionAttributeValues: { ':zero': n(0) },
        }),
      ),
    );
  }

  // --- games -----------------------------------------------------------------------------

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

  async updateGame(next: GameRecord, expected: { version: number; status: GameRecord['status'] }): Promise<void> {
    if (!isGameId(next.id)) throw new StaleGameError();
    const written = await this.conditional(() =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: gameItem(next),
          ConditionExpression: '#version = :version AND #status = :status',
          ExpressionAttributeNames: { '#version': 'Version', '#status': 'Status' },
          ExpressionAttributeValues: { ':version': n(expected.version), ':status': s(expected.status) },
        }),
      ),
    );
    if (written === CONDITION_FAILED) throw new StaleGameError();
  }

  /** One UpdateItem: the move, the new version and, for a finishing move, the outcome. */
  async recordMove(move: MoveWrite): Promise<void> {
    const { next, cell } = move;
    // The cell becomes part of the expression text (a list index cannot be a placeholder).
    if (!Number.isInteger(cell) || cell < 0 || cell > 8 || !isGameId(move.gameId)) throw new StaleGameError();
    const names: Record<string, string> = {
      '#board': 'Board',
      '#moves': 'Moves',
      '#version': 'Version',
      '#status': 'Status',
      '#turn': 'TurnId',
      '#updated': 'UpdatedAt',
      '#statusDate': 'StatusDate',
    };
    const values: Item = {
      ':mark': s(move.mark),
      ':cell': { L: [n(cell)] },
      ':next': n(next.version),
      ':updated': s(next.updatedAt),
      ':statusDate': s(listSortKey(next)),
      ':expected': n(move.expectedVersion),
      ':playing': s('playing'),
      ':player': s(move.playerId),
      ':empty': s(EMPTY_CELL),
    };
    const set = [
      `#board[${cell}] = :mark`,
      '#moves = list_append(#moves, :cell)',
      '#version = :next',
      '#updated = :updated',
      '#statusDate = :statusDate',
    ];
    const remove: string[] = [];
    const turn = turnPlayerId(next);
    if (turn) {
      set.push('#turn = :turn');
      values[':turn'] = s(turn);
    } else {
      remove.push('#turn');
    }
    if (next.status !== 'playing') {
      set.push('#status = :status');
      values[':status'] = s(next.status);
      names['#result'] = 'Result';
      names['#finished'] = 'FinishedAt';
      if (next.result) {
        set.push('#result = :result');
        values[':result'] = resultAttribute(next.result);
      } else {
        remove.push('#result');
      }
      if (next.finishedAt) {
        set.push('#finished = :finished');
        values[':finished'] = s(next.finishedAt);
      } else {
        remove.push('#finished');
      }
    }
    const written = await this.conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { GameId: s(move.gameId) },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: `#version = :expected AND #status = :playing AND #turn = :player AND #board[${cell}] = :empty`,
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
    const names: Record<string, string> = { '#instance': `${INSTANCE_ATTRIBUTE}${write.instanceId}`, '#seq': 'Seq' };
    const values: Item = {
      ':attendance': attendanceAttribute(write.attendance),
      ':seq': n(write.attendance.seq),
    };
    const set = ['#instance = :attendance'];
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
          Item: { GameId: s(INSTANCE_PREFIX + instanceId), Until: s(until) },
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

  // --- the table -------------------------------------------------------------------------

  /**
   * Makes sure the table and both indexes exist and are ACTIVE, creating them when `create`
   * is set. Throws an error that says what to do when they are missing or cannot be made.
   */
  async ensureTable(options: { create: boolean; timeoutMs?: number; pollMs?: number }): Promise<void> {
    const where = await this.location();
    const timeoutMs = options.timeoutMs ?? 120_000;
    const pollMs = options.pollMs ?? 1000;
    let table = await this.describeTable(where);
    if (!table) {
      if (!options.create) {
        throw new Error(
          `The DynamoDB table "${this.table}" does not exist (${where}). Create it (see docs/dynamodb.md) ` +
            'or set DYNAMODB_CREATE_TABLES=true to have the server create it at start-up.',
        );
      }
      await this.createTable(where);
      table = await this.describeTable(where);
    }
    const deadline = Date.now() + timeoutMs;
    while (!table || !isReady(table)) {
      if (Date.now() > deadline) {
        throw new Error(
          `The DynamoDB table "${this.table}" (${where}) did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s ` +
            `(table ${table?.TableStatus ?? 'missing'}, indexes ${indexStates(table)}).`,
        );
      }
      await wait(pollMs);
      table = await this.describeTable(where);
    }
    const missing = [HOST_INDEX, OPPONENT_INDEX].filter(
      (name) => !table.GlobalSecondaryIndexes?.some((index) => index.IndexName === name),
    );
    if (missing.length > 0) {
      throw new Error(
        `The DynamoDB table "${this.table}" (${where}) has no ${missing.join(' or ')} index; ` +
          'add it as docs/dynamodb.md describes, or point DYNAMODB_TABLE at a table that has both.',
      );
    }
  }

  private async describeTable(where: string): Promise<TableDescription | null> {
    try {
      const answer = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      return answer.Table ?? null;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return null;
      if (isNamed(error, 'AccessDeniedException')) {
        throw new Error(
          `Not allowed to read the DynamoDB table "${this.table}" (${where}): ` +
            'the credentials need dynamodb:DescribeTable on it (and the item actions in docs/dynamodb.md).',
        );
      }
      if (isNamed(error, 'CredentialsProviderError')) {
        throw new Error(
          `No AWS credentials found for the DynamoDB table "${this.table}" (${where}): set AWS_PROFILE or ` +
            'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role.',
        );
      }
      if (isUnavailable(error)) {
        throw new Error(
          `Could not reach DynamoDB to check the table "${this.table}" (${where}): ${describeError(error)}`,
        );
      }
      throw new Error(`DynamoDB refused to describe the table "${this.table}" (${where}): ${describeError(error)}`);
    }
  }

  private async createTable(where: string): Promise<void> {
    this.logger.info({ table: this.table }, 'creating the DynamoDB table and its indexes');
    try {
      await this.client.send(
        new CreateTableCommand({
          TableName: this.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['GameId', 'HostId', 'OpponentId', 'StatusDate'].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          KeySchema: [{ AttributeName: 'GameId', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: INDEXES,
        }),
      );
    } catch (error) {
      // Another instance starting at the same time created it first: wait for it like ours.
      if (isNamed(error, 'ResourceInUseException')) return;
      if (isNamed(error, 'AccessDeniedException')) {
        throw new Error(
          `Not allowed to create the DynamoDB table "${this.table}" (${where}): the credentials lack ` +
            'dynamodb:CreateTable. Create the table beforehand (see docs/dynamodb.md) and set ' +
            'DYNAMODB_CREATE_TABLES=false, or grant that permission.',
        );
      }
      throw new Error(`Could not create the DynamoDB table "${this.table}" (${where}): ${describeError(error)}`);
    }
  }

  /** Region and endpoint, for messages. */
  private async location(): Promise<string> {
    const region = await this.client.config.region().catch(() => 'unknown');
    const endpoint = this.client.config.endpoint ? await this.client.config.endpoint() : undefined;
    const url = endpoint
      ? `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path === '/' ? '' : endpoint.path}`
      : 'the AWS endpoint';
    return `region ${region}, ${url}`;
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
      return await send();
    } catch (error) {
      if (isUnavailable(error)) {
        this.logger.warn({ err: error, table: this.table }, `DynamoDB is not answering: ${describeError(error)}`);
        throw new StorageUnavailableError();
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isReady(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}

function indexStates(table: TableDescription | null): string {
  const indexes = table?.GlobalSecondaryIndexes ?? [];
  return indexes.length ? indexes.map((index) => `${index.IndexName} ${index.IndexStatus}`).join(', ') : 'none';
}
