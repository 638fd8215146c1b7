// How the AWS SDK reports failures, in the few categories the store acts on.

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
/** Error names that mean DynamoDB refused the request for capacity: the DynamoDBThrottles metric. */
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/** DynamoDB (or its account limits) throttled the request. */
export const isThrottling = (error: unknown) => error instanceof Error && THROTTLING.has(error.name);

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
export const CONDITION_FAILED = Symbol('condition failed');

export const isConditionFailed = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
export const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

export const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message || (error as SdkErrorShape).code || ''}` : String(error);

/** A short name for what went wrong, for counting: the SDK's error name, or the network code under it. */
export function errorName(error: unknown, depth = 0): string {
  if (!error || typeof error !== 'object' || depth > 3) return 'Unknown';
  const e = error as SdkErrorShape;
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return e.code;
  if (Array.isArray(e.errors)) {
    const inner = e.errors.find((candidate) => isNetworkError(candidate));
    if (inner) return errorName(inner, depth + 1);
  }
  if (e.cause && isNetworkError(e.cause)) return errorName(e.cause, depth + 1);
  return typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
}
