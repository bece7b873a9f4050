// The shared Redis of the test machine (TESSERA_TEST_REDIS_URL), used under a unique key prefix per
// suite; this removes a suite's keys afterwards, since the service persists between runs.
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TESSERA_TEST_REDIS_URL;

export async function dropRedisPrefix(prefix: string): Promise<void> {
  if (!TEST_REDIS_URL) return;
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
