// Picks the RateLimitCounter: in-process windows without Redis; with Redis, the shared counter
// behind its circuit breaker. Start-up follows the failure mode: fail-open starts degraded when
// Redis is down (per-process counting until it answers), fail-closed refuses to start.
import type { RateLimitCounter } from '../../engine/ports/rate-limit-counter.ts';
import { connectWithin, createRedisClient, redisAddress } from '../redis/redis-client.ts';
import { FlexibleCounter } from './flexible-counter.ts';
import { MemoryWindowCounter } from './memory-counter.ts';
import { ResilientCounter, type FailureMode, type StatusLog } from './resilient-counter.ts';

export interface CounterOptions {
  windowSeconds: number;
  keyPrefix: string;
  redis?: {
    url: string;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    failureMode: FailureMode;
  };
  log: StatusLog;
}

/** Redis was required at start-up (fail-closed) and did not answer. */
export class RedisUnavailableAtStartError extends Error {
  constructor(
    readonly address: string,
    cause: unknown,
  ) {
    super(`Redis at ${address} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** How often a lost Redis is probed (PING) to find it back. */
const PROBE_INTERVAL_MS = 1000;

export async function createRateLimitCounter(options: CounterOptions): Promise<RateLimitCounter> {
  if (!options.redis) return new MemoryWindowCounter(options.windowSeconds);
  const { url, connectTimeoutMs, commandTimeoutMs, failureMode } = options.redis;
  const address = redisAddress(url);
  // Auto-pipelining: hits of concurrent requests issued in the same tick go out as one pipeline,
  // fewer syscalls and round trips per request under load, the same atomic script per hit.
  // The counter's watchdog bounds its waits (one timer for all commands) instead of ioredis's
  // commandTimeout (a timer per command); probes are bounded by the same timeout below.
  const redis = createRedisClient({ url, connectTimeoutMs, commandTimeoutMs, connectionName: 'tessera-limiter' }, { enableAutoPipelining: true, commandTimeout: undefined });
  let startFailure: unknown = null;
  try {
    await connectWithin(redis, connectTimeoutMs);
  } catch (err) {
    startFailure = err;
  }
  if (startFailure !== null && failureMode === 'closed') {
    redis.disconnect();
    throw new RedisUnavailableAtStartError(address, startFailure);
  }
  const counter = new ResilientCounter(new FlexibleCounter(redis, options.windowSeconds, options.keyPrefix), { failureMode, commandTimeoutMs, log: options.log, probeIntervalMs: PROBE_INTERVAL_MS, address }, () =>
    redis.disconnect(),
  );
  // Fail-open starts degraded: one warn now, per-process counts until a probe finds Redis.
  if (startFailure !== null) counter.markLost(startFailure);
  redis.on('ready', () => counter.recheck());
  return counter;
}
