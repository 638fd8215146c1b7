/** DynamoDB storage: the store, its client, and what tests and tools need of the table. */
export { createDynamoClient, type DynamoClientSettings } from './client.js';
export { isUnavailable } from './sdk-errors.js';
export { DynamoStore, type DynamoStoreOptions, type StoreLogger } from './store.js';
export { DEFAULT_TABLE, HOST_INDEX, LEADERBOARD_INDEX, OPPONENT_INDEX } from './table.js';
