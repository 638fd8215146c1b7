import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { EXPIRES_ATTRIBUTE, SUMMARY_ATTRIBUTES } from './codec.js';
import { describeError, isNamed, isUnavailable } from './sdk-errors.js';
import { RANKED_ATTRIBUTES } from './stats-codec.js';

/**
 * The table and its indexes: described, created when missing and allowed, waited for. The
 * leaderboard's index came later: a table made before it gets it added (lists never wait for it).
 */

export const DEFAULT_TABLE = 'Games';
export const HOST_INDEX = 'HostId-StatusDate-index';
export const OPPONENT_INDEX = 'OpponentId-StatusDate-index';
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

/** Rated players by rating: a sparse index (only `STATS#` items of rated players have its keys). */
export const LEADERBOARD_INDEX = 'Leaderboard-Rating-index';
const LEADERBOARD: GlobalSecondaryIndex = {
  IndexName: LEADERBOARD_INDEX,
  KeySchema: [
    { AttributeName: 'Leaderboard', KeyType: 'HASH' },
    { AttributeName: 'Rating', KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: RANKED_ATTRIBUTES },
};
const LEADERBOARD_KEYS = [
  { AttributeName: 'Leaderboard', AttributeType: 'S' as const },
  { AttributeName: 'Rating', AttributeType: 'N' as const },
];

/** What provisioning acts on. */
export interface TableTarget {
  client: DynamoDBClient;
  table: string;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
}

export interface EnsureTableOptions {
  create: boolean;
  timeoutMs?: number;
  pollMs?: number;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes sure the table and both indexes exist and are ACTIVE, creating them when `create`
 * is set, and then that TTL is on (ensureTimeToLive). Throws an error that says what to do
 * when the table or its indexes are missing or cannot be made.
 */
export async function ensureTable(target: TableTarget, options: EnsureTableOptions): Promise<void> {
  const where = await location(target);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 1000;
  let table = await describeTable(target, where);
  if (!table) {
    if (!options.create) {
      throw new Error(
        `The DynamoDB table "${target.table}" does not exist (${where}). Create it (see docs/dynamodb.md) ` +
          'or set DYNAMODB_CREATE_TABLES=true to have the server create it at start-up.',
      );
    }
    await createTable(target, where);
    table = await describeTable(target, where);
  }
  const deadline = Date.now() + timeoutMs;
  while (!table || !isReady(table)) {
    if (Date.now() > deadline) {
      throw new Error(
        `The DynamoDB table "${target.table}" (${where}) did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s ` +
          `(table ${table?.TableStatus ?? 'missing'}, indexes ${indexStates(table)}).`,
      );
    }
    await wait(pollMs);
    table = await describeTable(target, where);
  }
  const missing = [HOST_INDEX, OPPONENT_INDEX].filter(
    (name) => !table.GlobalSecondaryIndexes?.some((index) => index.IndexName === name),
  );
  if (missing.length > 0) {
    throw new Error(
      `The DynamoDB table "${target.table}" (${where}) has no ${missing.join(' or ')} index; ` +
        'add it as docs/dynamodb.md describes, or point DYNAMODB_TABLE at a table that has both.',
    );
  }
  warnOfMissingProjections(target, table);
  if (!table.GlobalSecondaryIndexes?.some((index) => index.IndexName === LEADERBOARD_INDEX)) {
    await addLeaderboardIndex(target, where, options.create, table);
  }
  if (options.create) await ensureTimeToLive(target);
}

/**
 * A table made before the leaderboard lacks its index. Games, lobbies and profiles don't use it,
 * so start-up never waits for it: it is created (when allowed) and builds in the background,
 * and until it is ACTIVE the leaderboard answers 503.
 */
async function addLeaderboardIndex(
  target: TableTarget,
  where: string,
  create: boolean,
  table: TableDescription,
): Promise<void> {
  const how = `add it as docs/dynamodb.md describes`;
  if (!create) {
    target.logger.warn(
      { table: target.table, index: LEADERBOARD_INDEX },
      `The DynamoDB table "${target.table}" (${where}) has no ${LEADERBOARD_INDEX} index: the leaderboard is unavailable until you ${how}.`,
    );
    return;
  }
  const send = (create: GlobalSecondaryIndex) =>
    target.client.send(
      new UpdateTableCommand({
        TableName: target.table,
        AttributeDefinitions: LEADERBOARD_KEYS,
        GlobalSecondaryIndexUpdates: [{ Create: create }],
      }),
    );
  try {
    try {
      await send(LEADERBOARD);
    } catch (error) {
      // A table with provisioned capacity (and dynalite, whatever the mode) wants the index's own.
      if (!/provisionedThroughput/i.test(describeError(error))) throw error;
      const capacity = table.ProvisionedThroughput;
      await send({
        ...LEADERBOARD,
        ProvisionedThroughput: {
          ReadCapacityUnits: capacity?.ReadCapacityUnits || 5,
          WriteCapacityUnits: capacity?.WriteCapacityUnits || 5,
        },
      });
    }
    target.logger.info(
      { table: target.table, index: LEADERBOARD_INDEX },
      'adding the leaderboard index; the leaderboard answers 503 until it is built',
    );
  } catch (error) {
    // Another instance asked first (ResourceInUse, or a validation error naming the index).
    if (isNamed(error, 'ResourceInUseException') || /already exists/i.test(describeError(error))) return;
    target.logger.warn(
      { table: target.table, index: LEADERBOARD_INDEX, error: describeError(error) },
      `Could not add the ${LEADERBOARD_INDEX} index to "${target.table}" (${describeError(error)}): the leaderboard is unavailable until you ${how}.`,
    );
  }
}

/** What ensureTimeToLive found or did. */
export type TimeToLiveOutcome = 'enabled' | 'already-on' | 'other-attribute' | 'not-enabled';

/**
 * Turns DynamoDB's TTL on for EXPIRES_ATTRIBUTE when it is off: items past their time are then
 * deleted (lazily, typically within two days; reads meanwhile still see them). Never fails
 * start-up: a database that cannot (dynalite, DynamoDB Local), may not (no permission) or will
 * not now (another change within the hour) leaves items in place, which is only a warning.
 */
export async function ensureTimeToLive(target: TableTarget): Promise<TimeToLiveOutcome> {
  const cannot = (error: unknown, doing: string): TimeToLiveOutcome => {
    target.logger.warn(
      { table: target.table, attribute: EXPIRES_ATTRIBUTE, error: describeError(error) },
      `Could not ${doing} TTL on the DynamoDB table "${target.table}" (${describeError(error)}): expired ` +
        `invitations and abandoned games stay in the table. Enable TTL on the attribute ${EXPIRES_ATTRIBUTE} ` +
        '(docs/dynamodb.md); the server works without it.',
    );
    return 'not-enabled';
  };
  let current: { TimeToLiveStatus?: string | undefined; AttributeName?: string | undefined } | undefined;
  try {
    const answer = await target.client.send(new DescribeTimeToLiveCommand({ TableName: target.table }));
    current = answer.TimeToLiveDescription;
  } catch (error) {
    return cannot(error, 'check');
  }
  const status = current?.TimeToLiveStatus ?? 'DISABLED';
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (current?.AttributeName === EXPIRES_ATTRIBUTE) return 'already-on';
    target.logger.warn(
      { table: target.table, attribute: current?.AttributeName },
      `TTL on the DynamoDB table "${target.table}" is on the attribute ${current?.AttributeName}, not ` +
        `${EXPIRES_ATTRIBUTE}: this server's items will not expire. A table has one TTL attribute (docs/dynamodb.md).`,
    );
    return 'other-attribute';
  }
  try {
    await target.client.send(
      new UpdateTimeToLiveCommand({
        TableName: target.table,
        TimeToLiveSpecification: { AttributeName: EXPIRES_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // Another instance starting at the same time turned it on first.
    if (isNamed(error, 'ValidationException') && /already enabled/i.test(describeError(error))) return 'already-on';
    return cannot(error, 'enable');
  }
  target.logger.info({ table: target.table, attribute: EXPIRES_ATTRIBUTE }, 'enabled TTL on the DynamoDB table');
  return 'enabled';
}

/**
 * An index made before the lobby showed more of a game projects less than SUMMARY_ATTRIBUTES.
 * The lobby still works (those fields read as absent: no time control shown, and deadlines are
 * then settled when a game is opened rather than when it is listed), so this is a warning.
 */
function warnOfMissingProjections(target: TableTarget, table: TableDescription) {
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    if (index.IndexName === LEADERBOARD_INDEX) continue;
    const projection = index.Projection;
    if (!projection || projection.ProjectionType === 'ALL') continue;
    const projected = new Set([
      ...(projection.NonKeyAttributes ?? []),
      ...(index.KeySchema ?? []).map((key) => key.AttributeName),
    ]);
    const missing = SUMMARY_ATTRIBUTES.filter((name) => !projected.has(name));
    if (missing.length > 0) {
      target.logger.warn(
        { table: target.table, index: index.IndexName, missing },
        `The index ${index.IndexName} does not project ${missing.join(', ')}: lobby lists will lack them. ` +
          'Recreate the index as docs/dynamodb.md describes to show them.',
      );
    }
  }
}

async function describeTable(target: TableTarget, where: string): Promise<TableDescription | null> {
  try {
    const answer = await target.client.send(new DescribeTableCommand({ TableName: target.table }));
    return answer.Table ?? null;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return null;
    if (isNamed(error, 'AccessDeniedException')) {
      throw new Error(
        `Not allowed to read the DynamoDB table "${target.table}" (${where}): ` +
          'the credentials need dynamodb:DescribeTable on it (and the item actions in docs/dynamodb.md).',
      );
    }
    if (isNamed(error, 'CredentialsProviderError')) {
      throw new Error(
        `No AWS credentials found for the DynamoDB table "${target.table}" (${where}): set AWS_PROFILE or ` +
          'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role.',
      );
    }
    if (isUnavailable(error)) {
      throw new Error(
        `Could not reach DynamoDB to check the table "${target.table}" (${where}): ${describeError(error)}`,
      );
    }
    throw new Error(`DynamoDB refused to describe the table "${target.table}" (${where}): ${describeError(error)}`);
  }
}

async function createTable(target: TableTarget, where: string): Promise<void> {
  target.logger.info({ table: target.table }, 'creating the DynamoDB table and its indexes');
  try {
    await target.client.send(
      new CreateTableCommand({
        TableName: target.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          ...['GameId', 'HostId', 'OpponentId', 'StatusDate'].map((name) => ({
            AttributeName: name,
            AttributeType: 'S' as const,
          })),
          ...LEADERBOARD_KEYS,
        ],
        KeySchema: [{ AttributeName: 'GameId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [...INDEXES, LEADERBOARD],
      }),
    );
  } catch (error) {
    // Another instance starting at the same time created it first: wait for it like ours.
    if (isNamed(error, 'ResourceInUseException')) return;
    if (isNamed(error, 'AccessDeniedException')) {
      throw new Error(
        `Not allowed to create the DynamoDB table "${target.table}" (${where}): the credentials lack ` +
          'dynamodb:CreateTable. Create the table beforehand (see docs/dynamodb.md) and set ' +
          'DYNAMODB_CREATE_TABLES=false, or grant that permission.',
      );
    }
    throw new Error(`Could not create the DynamoDB table "${target.table}" (${where}): ${describeError(error)}`);
  }
}

/** Region and endpoint, for messages. */
async function location(target: TableTarget): Promise<string> {
  const region = await target.client.config.region().catch(() => 'unknown');
  const endpoint = target.client.config.endpoint ? await target.client.config.endpoint() : undefined;
  const url = endpoint
    ? `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path === '/' ? '' : endpoint.path}`
    : 'the AWS endpoint';
  return `region ${region}, ${url}`;
}

/** The table and the lobby indexes are ACTIVE (the leaderboard's may still be building). */
function isReady(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE' || index.IndexName === LEADERBOARD_INDEX,
    )
  );
}

function indexStates(table: TableDescription | null): string {
  const indexes = table?.GlobalSecondaryIndexes ?? [];
  return indexes.length ? indexes.map((index) => `${index.IndexName} ${index.IndexStatus}`).join(', ') : 'none';
}
