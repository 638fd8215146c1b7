import { afterAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../storage/dynamodb/index.js';
import { StorageUnavailableError } from '../storage/errors.js';
import { MemoryStore } from '../storage/memory.js';
import { testApp } from '../test-support/app.js';
import { dynaliteClient, freshTableName } from '../test-support/dynalite.js';
import { freePort } from '../test-support/ports.js';

/** A memory store whose storage can be switched off, counting the checks it is asked. */
class FlakyStore extends MemoryStore {
  pings = 0;
  down = false;
  override async ping(): Promise<void> {
    this.pings++;
    if (this.down) throw new StorageUnavailableError();
  }
}

const apps: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

async function appWith(store: MemoryStore | DynamoStore) {
  let clock = Date.parse('2026-11-30T12:00:00.000Z');
  const app = await testApp({ store, now: () => new Date(clock) });
  apps.push(app);
  return { app, advance: (ms: number) => (clock += ms) };
}

describe('/healthz and /readyz', () => {
  it('/healthz never asks the storage; /readyz does, and says ok', async () => {
    const store = new FlakyStore();
    const { app } = await appWith(store);
    store.down = true;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect(store.pings).toBe(0);
    store.down = false;
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok' });
    expect(ready.headers['cache-control']).toBe('no-store');
    expect(store.pings).toBe(1);
  });

  it('answers 503 storage/unavailable while the storage does not answer, and ok again after', async () => {
    const store = new FlakyStore();
    const { app, advance } = await appWith(store);
    store.down = true;
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ error: expect.any(String), code: 'storage/unavailable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    store.down = false;
    advance(1000);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('asks the storage at most once a second, however often it is probed', async () => {
    const store = new FlakyStore();
    const { app, advance } = await appWith(store);
    const probes = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/readyz' })));
    expect(probes.every((probe) => probe.statusCode === 200)).toBe(true);
    expect(store.pings).toBe(1);
    advance(999);
    store.down = true;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect(store.pings).toBe(1);
    advance(1);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect(store.pings).toBe(2);
  });

  it('with DynamoDB not listening, /readyz answers 503 and /healthz 200', async () => {
    const store = new DynamoStore(dynaliteClient(`http://127.0.0.1:${await freePort()}`), freshTableName());
    await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    const { app, advance } = await appWith(store);
    advance(5000);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'storage/unavailable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('is in the OpenAPI description, next to /healthz', async () => {
    const { app } = await appWith(new FlakyStore());
    const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    expect(spec.paths['/readyz'].get.tags).toEqual(['ops']);
  });
});
