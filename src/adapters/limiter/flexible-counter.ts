// RateLimitCounter on rate-limiter-flexible: in process memory (embedded) or in Redis, where one
// atomic INCR-with-expiry per hit keeps the count exact across processes.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitCounter } from '../../engine/ports/rate-limit-counter.ts';

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
  if (!options.redisUrl) return new FlexibleCounter(new RateLimiterMemory(base), options.windowSeconds, async () => {});
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

  async hit(key: string): Promise<{ count: number; resetMs: number }> {
    const res = await this.limiter.consume(key, 1);
    return { count: res.consumedPoints, resetMs: res.msBeforeNext };
  }

  close(): Promise<void> {
    return this.onClose();
  }
}
