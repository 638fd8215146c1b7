import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoMetrics } from '../../metrics.js';
import { isThrottling } from './sdk-errors.js';

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
  /** Told of every HTTP request sent (each retry too): its latency and whether it was throttled. */
  metrics?: DynamoMetrics | undefined;
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
  const metrics = settings.metrics;
  if (metrics) {
    // Inside the retry middleware (high priority in the same step): once per attempt, so a
    // throttled attempt that the SDK retries still counts.
    client.middlewareStack.add(
      (next) => async (args) => {
        const started = performance.now();
        try {
          const output = await next(args);
          metrics.dynamodbRequest(performance.now() - started, false);
          return output;
        } catch (error) {
          metrics.dynamodbRequest(performance.now() - started, isThrottling(error));
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tttMetrics' },
    );
  }
  return client;
}
