// The InvalidationBus over Redis pub/sub: every API process publishes its committed change sets on
// one channel and drops what the others publish.
//
// A down or frozen Redis must never hold up a write: publishing is fire and forget on a connection
// without an offline queue (refused at once while disconnected) and with a command timeout, and
// failures are logged, never thrown. Pub/sub keeps nothing for a disconnected subscriber, so every
// (re)subscription tells the engine to empty its cache; a heartbeat on the subscriber connection
// turns a Redis that stops answering into a reconnection, hence into such a resync once it is back.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisSettings } from '../redis/redis-client.ts';
import type { ChangeSet } from '../../engine/ports/data-changes.ts';
import type { InvalidationBus, InvalidationHandlers } from '../../engine/ports/invalidation-bus.ts';

/** The part of a pino logger the bus writes to. */
export interface BusLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RedisInvalidationBusOptions {
  /** The same Redis and timeouts as the rate-limit counters (TESSERA_REDIS_*). */
  redis: RedisSettings;
  channel: string;
  log: BusLog;
  /** How often the subscriber connection is checked with a PING. */
  heartbeatMs?: number;
}

interface WireMessage {
  /** The publishing process: it has dropped these entries already. */
  from: string;
  everything: boolean;
  organizations: string[];
  keys: string[];
}

export class RedisInvalidationBus implements InvalidationBus {
  /** Identifies this process's own messages, which come back on the channel. */
  private readonly origin = randomBytes(8).toString('hex');
  private readonly publisher: Redis;
  private subscriber: Redis | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private subscribed = false;
  /** Set once an outage has been logged, so an outage is one warn line and its end one info line. */
  private subscriptionLost = false;
  private publishFailing = false;
  private closed = false;

  constructor(private readonly options: RedisInvalidationBusOptions) {
    // Connects at once (not lazily) and refuses publishes while disconnected: a write never waits.
    this.publisher = createRedisClient(options.redis, { lazyConnect: false, enableAutoPipelining: true, connectionName: 'tessera-invalidation-pub' });
  }

  start(handlers: InvalidationHandlers): void {
    if (this.subscriber) throw new Error('The invalidation bus is already started');
    // A dedicated connection: one in subscriber mode can run nothing but (un)subscribe and PING.
    const subscriber = createRedisClient(this.options.redis, { lazyConnect: false, autoResubscribe: false, connectionName: 'tessera-invalidation-sub' });
    this.subscriber = subscriber;
    subscriber.on('ready', () => void this.subscribe(subscriber, handlers));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.options.channel) this.receive(message, handlers);
    });
    subscriber.on('close', () => this.lose('connection to Redis closed'));
    subscriber.on('error', (err: Error) => this.lose(err.message));
    const interval = this.options.heartbeatMs ?? 2000;
    this.heartbeat = setInterval(() => {
      if (!this.subscribed || subscriber.status !== 'ready') return;
      // No answer within the command timeout: reconnect, which resubscribes and resyncs.
      subscriber.ping().catch(() => subscriber.disconnect(true));
    }, interval);
    this.heartbeat.unref();
  }

  publish(changes: ChangeSet): void {
    if (this.closed) return;
    const message: WireMessage = { from: this.origin, ...changes };
    this.publisher.publish(this.options.channel, JSON.stringify(message)).then(
      () => {
        if (!this.publishFailing) return;
        this.publishFailing = false;
        this.options.log.info({ channel: this.options.channel }, 'cache invalidations are published to Redis again');
      },
      (err: Error) => {
        if (this.publishFailing) return;
        this.publishFailing = true;
        this.options.log.warn(
          { channel: this.options.channel, err: err.message },
          "publishing a cache invalidation to Redis failed: other API processes see this process's writes only after TESSERA_CACHE_TTL_MS until Redis answers again",
        );
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.subscriber?.disconnect();
    // Lets publishes still in flight go out, but never waits long for a Redis that is away.
    await Promise.race([this.publisher.quit().catch(() => undefined), delay(500)]);
    this.publisher.disconnect();
  }

  private async subscribe(subscriber: Redis, handlers: InvalidationHandlers): Promise<void> {
    try {
      await subscriber.subscribe(this.options.channel);
    } catch (err) {
      this.lose((err as Error).message);
      subscriber.disconnect(true);
      return;
    }
    this.subscribed = true;
    // Whatever was published while this process was not listening is lost: start from empty.
    handlers.resynced();
    if (this.subscriptionLost) {
      this.subscriptionLost = false;
      this.options.log.info({ channel: this.options.channel }, 'resubscribed to cache invalidations; cleared the read cache');
    }
  }

  private lose(reason: string): void {
    this.subscribed = false;
    if (this.closed || this.subscriptionLost) return;
    this.subscriptionLost = true;
    this.options.log.warn(
      { channel: this.options.channel, reason },
      "not subscribed to cache invalidations: other API processes' writes reach this one only after TESSERA_CACHE_TTL_MS until Redis is back",
    );
  }

  private receive(raw: string, handlers: InvalidationHandlers): void {
    const message = parse(raw);
    if (message === null) {
      // Cannot tell what changed: assume anything did.
      handlers.changed({ everything: true, organizations: [], keys: [] });
      return;
    }
    if (message.from === this.origin) return;
    handlers.changed({ everything: message.everything, organizations: message.organizations, keys: message.keys });
  }
}

function parse(raw: string): WireMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (typeof m.from !== 'string' || typeof m.everything !== 'boolean' || !strings(m.organizations) || !strings(m.keys)) return null;
  return { from: m.from, everything: m.everything, organizations: m.organizations, keys: m.keys };
}
