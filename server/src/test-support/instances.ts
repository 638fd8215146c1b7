import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import type { ChangeFeed } from '../online/change-feed.js';
import { createLive, type LiveSettings } from '../online/live.js';
import { DynamoStore } from '../storage/dynamodb/index.js';
import { RequestCounter } from '../storage/request-counter.js';
import { testConfig } from './app.js';
import { dynaliteClient } from './dynalite.js';
import { EventReader } from './events.js';

export interface Instance<Feed extends ChangeFeed = ChangeFeed> {
  app: FastifyInstance;
  feed: Feed;
  counter: RequestCounter;
  base: string;
}

/**
 * One server process's worth on a shared DynamoDB table: its own client, request counter and
 * live layer (`live` says which), listening on a loopback port.
 */
export async function startInstance<Feed extends ChangeFeed>(
  endpoint: string,
  table: string,
  live: LiveSettings,
  /** Settings and a clock of the test's own (e.g. SESSION_CHECK_MS and a clock it advances). */
  own: { config?: Partial<Config>; now?: () => Date } = {},
): Promise<Instance<Feed>> {
  const counter = new RequestCounter();
  const store = new DynamoStore(dynaliteClient(endpoint), table, { counter });
  await store.ensureTable({ create: true, pollMs: 20 });
  const layer = createLive(store, live);
  const app = await buildApp({
    config: testConfig(own.config),
    store,
    live: layer,
    ...(own.now ? { now: own.now } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, feed: layer.feed as Feed, counter, base: `http://127.0.0.1:${port}` };
}

/** The event streams a test opens, each checked to answer 200, all closed at the end. */
export class Streams {
  private readonly readers: EventReader[] = [];

  async open(base: string, path: string, cookie?: string): Promise<EventReader> {
    const reader = await EventReader.open(`${base}${path}`, cookie ? { cookie } : {});
    this.readers.push(reader);
    expect(reader.status).toBe(200);
    return reader;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.readers.splice(0).map((reader) => reader.close()));
  }
}
