// The shared counter proper: rate-limiter-flexible on Redis, where one atomic INCR-with-expiry per
// hit keeps the count exact across processes. Every operation rejects when Redis does not answer
// within the client's command timeout; ResilientCounter decides what happens then.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Budget, NestedHit, WindowHit } from '../../engine/ports/rate-limit-counter.ts';

// The limiter's own ceiling is never the limit we enforce: we compare counts to the organization's
// current limits, so the limiter just counts.
const CEILING = 2 ** 31 - 1;

// hitNested in one script, so no other request's hits interleave. Each hit is the library's own
// INCR-with-expiry (same keys, same window), so nested and single hits of one key agree.
// KEYS: inner, outer. ARGV: inner limit, outer limit, window seconds.
// Returns {innerCount, innerTtlMs} when the inner refused, else {innerCount, innerTtlMs, outerCount, outerTtlMs}.
const HIT_NESTED_SCRIPT = `
local function hit(key, window)
  redis.call('set', key, 0, 'EX', window, 'NX')
  local count = redis.call('incr', key)
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, window)
    ttl = 1000 * window
  end
  return {count, ttl}
end
local inner = hit(KEYS[1], ARGV[3])
if inner[1] > tonumber(ARGV[1]) then return inner end
local outer = hit(KEYS[2], ARGV[3])
if outer[1] > tonumber(ARGV[2]) then
  inner[1] = redis.call('decr', KEYS[1])
end
return {inner[1], inner[2], outer[1], outer[2]}
`;

interface NestedCommand {
  tesseraHitNested(inner: string, outer: string, innerLimit: number, outerLimit: number, windowSeconds: number): Promise<number[]>;
}

export class FlexibleCounter {
  private readonly limiter: RateLimiterRedis;
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    readonly windowSeconds: number,
    keyPrefix: string,
  ) {
    this.windowMs = windowSeconds * 1000;
    // No insuranceLimiter: it would hide the outage from us (no log line, no health, no fail-closed).
    this.limiter = new RateLimiterRedis({ storeClient: redis, points: CEILING, duration: windowSeconds, keyPrefix: `${keyPrefix}rl` });
    // EVALSHA, loading the script on first use (and again after a Redis restart).
    redis.defineCommand('tesseraHitNested', { numberOfKeys: 2, lua: HIT_NESTED_SCRIPT });
  }

  hit(key: string): Promise<WindowHit> {
    return this.limiter.consume(key, 1).then(toHit);
  }

  hitNested(inner: Budget, outer: Budget): Promise<NestedHit> {
    const command = (this.redis as unknown as NestedCommand).tesseraHitNested;
    return command
      .call(this.redis, this.limiter.getKey(inner.key), this.limiter.getKey(outer.key), inner.limit, outer.limit, this.windowSeconds)
      .then(([innerCount, innerTtl, outerCount, outerTtl]) => ({
        inner: { count: Number(innerCount), resetMs: Number(innerTtl) },
        outer: outerCount === undefined ? null : { count: Number(outerCount), resetMs: Number(outerTtl) },
      }));
  }

  peek(key: string): Promise<WindowHit> {
    return this.limiter.get(key).then((res) => (res === null ? { count: 0, resetMs: this.windowMs } : toHit(res)));
  }

  async probe(): Promise<void> {
    await this.redis.ping();
  }
}

function toHit(res: RateLimiterRes): WindowHit {
  return { count: res.consumedPoints, resetMs: res.msBeforeNext };
}
