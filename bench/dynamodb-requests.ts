import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createLive } from '../server/src/online/live.js';
import { DynamoStore } from '../server/src/storage/dynamodb/index.js';
import { RequestCounter } from '../server/src/storage/request-counter.js';
import { dynaliteClient, freshTableName, startDynalite } from '../server/src/test-support/dynalite.js';
import { SESSION_SECRET } from './processes.js';

export type RequestsPerOperation = Record<string, { total: number; byCommand: Record<string, number> }>;

/** DynamoDB requests behind each API operation, counted by the store on dynalite. */
export async function dynamodbRequests(): Promise<RequestsPerOperation> {
  const dynamo = await startDynalite();
  const counter = new RequestCounter();
  const store = new DynamoStore(dynaliteClient(dynamo.endpoint), freshTableName(), { counter });
  await store.ensureTable({ create: true, pollMs: 20 });
  // As deployed on DynamoDB without a bus: other instances poll, so invitations bump lobby versions.
  const live = createLive(store, { pollMs: 3_600_000 });
  const app = await buildApp({ config: { ...loadConfig({ SESSION_SECRET }), clientDir: '/nonexistent' }, store, live });
  const cookies: Record<string, string> = {};
  const results: RequestsPerOperation = {};

  const call = async (label: string | null, who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    counter.reset();
    const response = await app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      headers: cookies[who] ? { cookie: cookies[who] } : {},
    });
    const setCookie = response.headers['set-cookie'];
    const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    if (first) cookies[who] = first.split(';')[0] ?? '';
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    if (label) {
      const { total, byCommand } = counter.snapshot();
      results[label] = { total, byCommand };
    }
    return response.json() as Record<string, unknown>;
  };

  try {
    await call('sign-in, new player', 'alice', 'POST', '/api/session', {
      name: 'alice',
      password: 'benchmark password',
      create: true,
    });
    await call(null, 'bob', 'POST', '/api/session', { name: 'bob', password: 'benchmark password', create: true });
    // 3 since issue 12: GetItem, the attempt reserved on the player item (UpdateItem), and the
    // success clearing it (UpdateItem, which also re-hashes an old password hash).
    await call('sign-in, known player', 'bob', 'POST', '/api/session', { name: 'bob', password: 'benchmark password' });
    const invitation = await call('create (invite by name)', 'alice', 'POST', '/api/games', {
      opponent: 'bob',
      rated: true,
    });
    const game = await call('accept', 'bob', 'POST', `/api/games/${invitation.id}/accept`, {});
    let version = game.version as number;
    await call('move', 'bob', 'POST', `/api/games/${game.id}/moves`, { cell: 4, version });
    version++;
    await call('move (the reply)', 'alice', 'POST', `/api/games/${game.id}/moves`, { cell: 0, version });
    await call('game page', 'alice', 'GET', `/api/games/${game.id}`);
    await call('lobby page', 'alice', 'GET', '/api/lobby');
    // Bob (X) wins down the middle column: the last move also counts the rated game for both.
    for (const [who, cell] of [
      ['bob', 1],
      ['alice', 2],
    ] as const) {
      version++;
      await call(null, who, 'POST', `/api/games/${game.id}/moves`, { cell, version });
    }
    version++;
    await call('last move of a rated game (and its tally)', 'bob', 'POST', `/api/games/${game.id}/moves`, {
      cell: 7,
      version,
    });
    await call('lobby page, with a finished game', 'alice', 'GET', '/api/lobby');
    await call('profile page', 'alice', 'GET', '/api/players/bob');
    await call('leaderboard page', 'alice', 'GET', '/api/players');
  } finally {
    await app.close();
    await dynamo.close();
  }
  return results;
}
