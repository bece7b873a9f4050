// Every Redis connection Tessera opens is built here, so each one gets the same bounds: a Redis
// that stops answering (frozen, partitioned, restarting) costs a request at most commandTimeoutMs,
// and a connection attempt at most connectTimeoutMs, instead of hanging until TCP gives up.
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisSettings {
  url: string;
  /** TCP connect (and start-up readiness) bound. */
  connectTimeoutMs: number;
  /** Bound on each command's reply; a command past it rejects with "Command timed out". */
  commandTimeoutMs: number;
  /** Shown by CLIENT LIST, to tell Tessera's connections apart. */
  connectionName?: string;
}

/** Reconnect quickly (a restarted Redis is found within a second) without spinning on a dead host. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * A lazily connected client with both timeouts. Commands issued while disconnected fail at once
 * (no offline queue) so callers fall back immediately rather than wait for a reconnect; overrides
 * let other users (a pub/sub subscriber, which needs its SUBSCRIBE queued) change that.
 */
export function createRedisClient(settings: RedisSettings, overrides: RedisOptions = {}): Redis {
  const redis = new Redis(settings.url, {
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    enableOfflineQueue: false,
    // A command lost with its connection is not resent: the caller has already fallen back.
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    ...(settings.connectionName ? { connectionName: settings.connectionName } : {}),
    ...overrides,
  });
  // Without a listener ioredis prints every reconnect failure to stderr; owners observe failures
  // through their commands and add their own listeners.
  redis.on('error', () => {});
  return redis;
}

/**
 * Connects within connectTimeoutMs or rejects. ioredis's own connectTimeout covers only the TCP
 * handshake: a server that accepts the connection but never answers (SIGSTOP leaves the kernel
 * accepting into the backlog) would otherwise hold the ready check for longer. Reconnection
 * continues in the background after a rejection.
 */
export async function connectWithin(redis: Redis, connectTimeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs);
  });
  const connecting = redis.connect();
  // A late rejection (after the timeout won) must not surface as an unhandled rejection.
  connecting.catch(() => {});
  try {
    await Promise.race([connecting, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** host:port of a Redis URL, for messages: the URL itself may carry a password. */
export function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(unparseable URL)';
  }
}
