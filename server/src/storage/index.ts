import type { Config } from '../config.js';
import type { DynamoMetrics } from '../metrics.js';
import type { StoreLogger } from './dynamodb/index.js';
import { MemoryStore } from './memory.js';
import type { Store } from './types.js';

/**
 * The store the configuration asks for. DynamoDB: a client from the configured region and
 * endpoint (credentials from the SDK's default chain), then the table checked, or created.
 */
export async function createStore(
  config: Pick<Config, 'storage'>,
  logger?: StoreLogger,
  metrics?: DynamoMetrics,
): Promise<Store> {
  const settings = config.storage;
  // Expires what DynamoDB's TTL would, by the wall clock.
  if (settings.kind === 'memory') return new MemoryStore({ now: () => new Date() });

  // Loaded only when used: the SDK is most of the start-up time of a memory-backed server.
  const { createDynamoClient, DynamoStore } = await import('./dynamodb/index.js');
  const client = createDynamoClient({
    region: settings.region,
    endpoint: settings.endpoint,
    placeholderCredentials: settings.placeholderCredentials,
    metrics,
  });
  const store = new DynamoStore(client, settings.table, logger ? { logger } : {});
  try {
    await store.ensureTable({ create: settings.createTables });
  } catch (error) {
    await store.close();
    throw error;
  }
  logger?.info(
    { table: settings.table, region: settings.region, endpoint: settings.endpoint ?? 'AWS' },
    'using DynamoDB for games and players',
  );
  return store;
}
