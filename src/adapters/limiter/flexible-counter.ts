// The shared RateLimitCounter: rate-limiter-flexible on Redis, where one atomic INCR-with-expiry
// per hit keeps the count exact across processes. Without Redis, the in-process MemoryWindowCounter.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitCounter, WindowHit } from '../../engine/ports/rate-limit-counter.ts';
import { MemoryWindowCounter } from './memory-counter.ts';

// The limiter's own ceiling is never the limit we enforce: we compare counts to the organization's
// current limits, so the limiter just counts.
const CEILING = 2 ** 31 - 1;

export interface CounterOptions {
  windowSeconds: number;
  redisUrl?: string | undefined;
  keyPrefix: string;
}

export async function createRateLimitCounter(options: CounterOptions): Promise<RateLimitCounter> {
  const base = { points: CEILING, duration: options.windowSeconds, keyPrefix: `${options.keyPrefix}rl` };
  if (!options.redisUrl) return new MemoryWindowCounter(options.windowSeconds);
  const redis = new Redis(options.redisUrl, {
    // Fail fast instead of queueing hits while Redis is away; the insurance limiter counts meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    // Hits of concurrent requests issued in the same tick go out as one pipeline: fewer syscalls
    // and round trips per request under load, the same atomic script per hit.
    enableAutoPipelining: true,
  });
  redis.on('error', () => {
    // Reconnects on its own; while down, hits fall back to the per-process insurance limiter.
  });
  // Start serving only once the shared counter is reachable: the limit is exact from the first request.
  await redis.connect();
  const limiter = new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: new RateLimiterMemory(base) });
  return new FlexibleCounter(limiter, options.windowSeconds, async () => {
    redis.disconnect();
  });
}

class FlexibleCounter implements RateLimitCounter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly windowSeconds: number,
    private readonly onClose: () => Promise<void>,
  ) {}

  hit(key: string): Promise<WindowHit> {
    return this.limiter.consume(key, 1).then((res) => ({ count: res.consumedPoints, resetMs: res.msBeforeNext }));
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
