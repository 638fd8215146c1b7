import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createDynamoClient, type DynamoClientSettings, DynamoStore } from '../storage/dynamodb/index.js';
import { MemoryStore } from '../storage/memory.js';
import { RequestCounter } from '../storage/request-counter.js';
import type { Store } from '../storage/types.js';

export interface Dynalite {
  endpoint: string;
  close(): Promise<void>;
}

/** An in-memory DynamoDB on a free loopback port, for this test file only. */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Requests being worked on: dynalite closes its database under any still queued for a lock, which
  // throws "Database is closed" out of the test (a write sent just before the test ended). One is
  // done when dynalite ends its answer, even to a client that has gone (a cut connection).
  let serving = 0;
  const served = new Set<() => void>();
  server.on('request', (_request, response) => {
    serving++;
    const end = response.end.bind(response);
    response.end = ((...args: Parameters<typeof end>) => {
      serving--;
      if (serving === 0) for (const done of served) done();
      return end(...args);
    }) as typeof response.end;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      if (serving > 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            served.delete(done);
            resolve();
          };
          served.add(done);
          // A request that never ends (a client gone) must not hold the test up for ever.
          setTimeout(done, 5000).unref();
        });
      }
      // Keep-alive sockets of clients that were not destroyed would hold close() up.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A fresh table name, so tests sharing one dynalite never see each other's items. */
export const freshTableName = () => `games_${randomBytes(6).toString('hex')}`;

/** A client for dynalite: any region and credentials do. */
export function dynaliteClient(endpoint: string, settings: Partial<DynamoClientSettings> = {}) {
  return createDynamoClient({ region: 'us-east-1', endpoint, placeholderCredentials: true, ...settings });
}

/** A DynamoStore on a new table (created, with its indexes) and its own request counter. */
export async function dynaliteStore(endpoint: string, table = freshTableName()) {
  const counter = new RequestCounter();
  const store = new DynamoStore(dynaliteClient(endpoint), table, { counter });
  await store.ensureTable({ create: true, pollMs: 20 });
  counter.reset();
  return { store, counter, table };
}

/** A store opened for one suite, and what closes what it started besides the store. */
export type OpenStore = () => Promise<{ store: Store; close?: () => Promise<void> }>;

/** Each adapter, opened fresh: the in-memory store, and a DynamoStore on its own dynalite. For `describe.each`. */
export const EVERY_STORE: [name: string, open: OpenStore][] = [
  ['memory', async () => ({ store: new MemoryStore() })],
  [
    'dynamodb',
    async () => {
      const dynalite = await startDynalite();
      const { store } = await dynaliteStore(dynalite.endpoint);
      return { store, close: dynalite.close };
    },
  ],
];
