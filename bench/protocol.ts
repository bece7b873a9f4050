// What the bench drivers (bench/organization.ts, bench/limits.ts) and bench/bench-server.ts agree
// on. Kept apart because importing bench-server.ts would start a server in the importing process.
export const BARE_PATH = '/bench/bare';

/** Key of the stdout line that carries the listening ports; Fastify's log lines share stdout. */
export const READY_KEY = 'benchServer';

/** Environment the drivers set for bench-server.ts. */
export const SERVER_ENV = {
  /** The bootstrap admin key of every app in the process. */
  apiKey: 'BENCH_API_KEY',
  /** JSON array of AppSpec: the Tessera apps the process builds, each on its own port. */
  apps: 'BENCH_SERVER_APPS',
} as const;

/** One Tessera app (buildApp) inside a bench server process. */
export interface AppSpec {
  name: string;
  /** An empty directory of its own. */
  dataDir: string;
  /** false switches the rate limiter off; a deployment has it on. */
  rateLimiting: boolean;
  /** false switches request counting and credit charging off; a deployment has it on. */
  usageAccounting: boolean;
  /** redis:// URL for the rate-limit counters; absent: in-process memory. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key the app writes. */
  redisKeyPrefix: string;
}

/** What an app actually runs with, read back from its validated config. */
export interface ServerConfigReport {
  rateLimiting: boolean;
  usageAccounting: boolean;
  /** Where rate-limit counters live; null when rate limiting is off. */
  rateLimitBackend: 'memory' | 'redis' | null;
  redisKeyPrefix: string;
  cacheTtlMs: number;
}

export interface ReadyApp {
  name: string;
  port: number;
  config: ServerConfigReport;
}

export interface ReadyLine {
  [READY_KEY]: { apps: ReadyApp[] };
}
