// What the rate limiter and credit/usage accounting cost on a limited route: throughput of
// authenticated GET /v1/organizations (metadata category) on three servers, in one run:
//
//   (a) disabled  rate limiting off, usage accounting off     (the baseline)
//   (b) embedded  both on, rate-limit counters in process memory
//   (c) redis     both on, rate-limit counters in Redis (BENCH_REDIS_URL)
//
//   npm run bench:limits [-- --json]     (or: npx tsx bench/limits.ts [--json])
//
// Each configuration is a Tessera app with its own fresh data directory and its own Redis key
// prefix; the keys written under those prefixes are deleted at the end. By default each app is its
// own server process (bench-server.ts); BENCH_ONE_PROCESS=1 runs the three apps in one process, on
// three ports, so that they share one V8 heap and JIT (separate processes of the very same
// configuration can differ by tens of percent in CPU per request: see bench/README.md). The
// organization's rate limits are raised through PATCH /v1/organizations on every app (the same
// response body everywhere), so the limiter counts every request but never refuses one. Only one
// app is under load at a time (the others sit idle), so the load generator and the measured server
// share the CPUs the same way in every phase.
//
// The measurement runs in rounds whose order alternates (a,b,c / c,b,a / …). The throughput loss of
// (b) and (c) against (a) is taken within each round and the report gives the median over rounds,
// so drift of the machine between rounds cancels out. Targets: ≤ 3 % embedded, ≤ 15 % with Redis.
// The server's CPU time per request (from /proc) is reported alongside, for information.
//
// Env: BENCH_ROUNDS (default 3), BENCH_DURATION (s per configuration per round, default 10),
// BENCH_WARMUP (s per configuration, once at the start, default 3), BENCH_CONNECTIONS (default 10),
// BENCH_REDIS_URL (default redis://127.0.0.1:6379; when it does not answer, (c) is skipped),
// BENCH_ONE_PROCESS=1 (all configurations in one server process), BENCH_ENFORCE=1 (exit non-zero
// when a measured target is missed), BENCH_SERVER_NODE_ARGS (extra node flags for the servers).
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  authHeaders,
  cell,
  cleanUpOnce,
  describeServer,
  describeTree,
  formatTable,
  interruptedExitCode,
  loadRoute,
  machineInfo,
  median,
  medianOrNull,
  NonSuccessError,
  onlyJsonFlag,
  onOff,
  ORGANIZATIONS_PATH,
  positiveInteger,
  progress,
  RAISED_RATE_LIMIT,
  raiseRateLimits,
  round,
  startServer,
  stopAllServers,
  type MachineInfo,
  type App,
  type RouteResult,
} from './harness.ts';
import type { AppSpec, ServerConfigReport } from './protocol.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_PROBE_TIMEOUT_MS = 2_000;
const MAX_LOSS_PERCENT = { embedded: 3, redis: 15 } as const;

const CONFIG_NAMES = ['disabled', 'embedded', 'redis'] as const;
type ConfigName = (typeof CONFIG_NAMES)[number];
type LimitedConfig = Exclude<ConfigName, 'disabled'>;
const LETTER: Record<ConfigName, string> = { disabled: '(a)', embedded: '(b)', redis: '(c)' };

interface Settings {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  enforce: boolean;
  redisUrl: string;
  /** All configurations as apps of one server process (one heap, one JIT) instead of one process each. */
  oneProcess: boolean;
  json: boolean;
}

interface RoundResult {
  round: number;
  order: ConfigName[];
  results: Partial<Record<ConfigName, RouteResult>>;
  /** (1 − config req/s ÷ disabled req/s) × 100, both from this round; negative when faster. */
  lossPercent: Record<LimitedConfig, number | null>;
  /**
   * (config server CPU µs/request ÷ disabled's − 1) × 100 from this round: the extra CPU each
   * request costs the server, whatever share of the machine it got. null without /proc.
   */
  cpuOverheadPercent: Record<LimitedConfig, number | null>;
}

interface ConfigMedian {
  requestsPerSecond: number;
  p99Ms: number;
  serverCpuUsPerRequest: number | null;
}

interface RedisState {
  /** The URL with any password masked. */
  url: string;
  /** Why (c) did not run; null when it did. */
  skipped: string | null;
  /** Keys found and deleted under this run's prefixes at the end; null when Redis was not used. */
  keysDeleted: number | null;
  /** Keys still there under those prefixes after the deletion (should be 0). */
  keysLeft: number | null;
}

interface Target {
  maxLossPercent: number;
  medianLossPercent: number | null;
  /** null when the configuration did not run. */
  pass: boolean | null;
}

interface Summary extends MachineInfo {
  route: string;
  connections: number;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  organizationRateLimitsPerMinute: number;
  /** 'separate': one server process per configuration; 'one': all of them in one process. */
  processes: 'separate' | 'one';
  configurations: Record<ConfigName, ServerConfigReport | null>;
  redis: RedisState;
  perRound: RoundResult[];
  median: Record<ConfigName, ConfigMedian | null> & {
    lossPercent: Record<LimitedConfig, number | null>;
    cpuOverheadPercent: Record<LimitedConfig, number | null>;
  };
  targets: Record<LimitedConfig, Target>;
  /** Every measured target met (a skipped one counts as neither). */
  pass: boolean;
  allResponses2xx: true;
}

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const json = onlyJsonFlag(argv);
  const redisUrl = env.BENCH_REDIS_URL || DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(redisUrl)) throw new Error(`BENCH_REDIS_URL must start with redis:// or rediss:// (got ${JSON.stringify(maskUrl(redisUrl))})`);
  return {
    rounds: positiveInteger(env, 'BENCH_ROUNDS', 3),
    durationSeconds: positiveInteger(env, 'BENCH_DURATION', 10),
    warmupSeconds: positiveInteger(env, 'BENCH_WARMUP', 3),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 10),
    enforce: env.BENCH_ENFORCE === '1',
    redisUrl,
    oneProcess: onOff(env, 'BENCH_ONE_PROCESS', false),
    json,
  };
}

function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

/** A client for the probe and the clean-up, or the reason Redis cannot be used. */
async function connectRedis(url: string): Promise<{ client: Redis } | { reason: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_PROBE_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // No reconnect loop: a Redis that does not answer now is skipped, not waited for.
    retryStrategy: () => null,
  });
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
    return { client };
  } catch (err) {
    client.disconnect();
    // The socket error (ECONNREFUSED …) says more than the client's 'Connection is closed.'.
    return { reason: lastError || (err instanceof Error ? err.message : String(err)) || 'no answer' };
  }
}

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under the prefixes; returns how many were deleted and how many are left. */
async function deleteKeys(client: Redis, prefixes: string[]): Promise<{ deleted: number; left: number }> {
  let deleted = 0;
  for (const prefix of prefixes) {
    const keys = await keysUnder(client, prefix);
    for (let i = 0; i < keys.length; i += 500) deleted += await client.del(...keys.slice(i, i + 500));
  }
  let left = 0;
  for (const prefix of prefixes) left += (await keysUnder(client, prefix)).length;
  return { deleted, left };
}

async function measureRounds(settings: Settings, servers: Partial<Record<ConfigName, App>>, apiKey: string): Promise<RoundResult[]> {
  const running = CONFIG_NAMES.filter((name) => servers[name] !== undefined);
  const auth = authHeaders(apiKey);
  const measure = (name: ConfigName, label: string, seconds: number): Promise<RouteResult> =>
    loadRoute(label, `${servers[name]!.baseUrl}${ORGANIZATIONS_PATH}`, auth, settings.connections, seconds, servers[name]!.pid);

  for (const name of running) {
    progress(settings.json, `${LETTER[name]} ${name}: warm-up ${settings.warmupSeconds} s`);
    await measure(name, `${name} warm-up`, settings.warmupSeconds);
  }

  const rounds: RoundResult[] = [];
  for (let r = 1; r <= settings.rounds; r++) {
    const order = r % 2 === 1 ? [...running] : [...running].reverse();
    const results: Partial<Record<ConfigName, RouteResult>> = {};
    for (const name of order) {
      progress(settings.json, `round ${r}/${settings.rounds}: ${LETTER[name]} ${name} ${settings.durationSeconds} s`);
      results[name] = await measure(name, `round ${r} ${name}`, settings.durationSeconds);
    }
    const base = results.disabled!;
    const loss = (name: LimitedConfig): number | null => {
      const result = results[name];
      return result ? round((1 - result.requestsPerSecond / base.requestsPerSecond) * 100, 2) : null;
    };
    const cpuOverhead = (name: LimitedConfig): number | null => {
      const cpu = results[name]?.serverCpuUsPerRequest ?? null;
      return cpu === null || !base.serverCpuUsPerRequest ? null : round((cpu / base.serverCpuUsPerRequest - 1) * 100, 2);
    };
    rounds.push({
      round: r,
      order,
      results,
      lossPercent: { embedded: loss('embedded'), redis: loss('redis') },
      cpuOverheadPercent: { embedded: cpuOverhead('embedded'), redis: cpuOverhead('redis') },
    });
  }
  return rounds;
}

function summarise(
  settings: Settings,
  machine: MachineInfo,
  servers: Partial<Record<ConfigName, App>>,
  rounds: RoundResult[],
  redis: RedisState,
): Summary {
  const configMedian = (name: ConfigName): ConfigMedian | null => {
    if (!servers[name]) return null;
    const cpu = medianOrNull(rounds.map((r) => r.results[name]!.serverCpuUsPerRequest));
    return {
      requestsPerSecond: round(median(rounds.map((r) => r.results[name]!.requestsPerSecond)), 1),
      p99Ms: median(rounds.map((r) => r.results[name]!.p99Ms)),
      serverCpuUsPerRequest: cpu === null ? null : round(cpu, 1),
    };
  };
  const cpuOverheadMedian = (name: LimitedConfig): number | null => {
    const value = medianOrNull(rounds.map((r) => r.cpuOverheadPercent[name]));
    return value === null ? null : round(value, 2);
  };
  const lossMedian = (name: LimitedConfig): number | null => (servers[name] ? round(median(rounds.map((r) => r.lossPercent[name]!)), 2) : null);
  const target = (name: LimitedConfig): Target => {
    const medianLossPercent = lossMedian(name);
    return {
      maxLossPercent: MAX_LOSS_PERCENT[name],
      medianLossPercent,
      pass: medianLossPercent === null ? null : medianLossPercent <= MAX_LOSS_PERCENT[name],
    };
  };
  const targets = { embedded: target('embedded'), redis: target('redis') };
  return {
    ...machine,
    route: ORGANIZATIONS_PATH,
    connections: settings.connections,
    rounds: settings.rounds,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    organizationRateLimitsPerMinute: RAISED_RATE_LIMIT,
    processes: settings.oneProcess ? 'one' : 'separate',
    configurations: {
      disabled: servers.disabled?.config ?? null,
      embedded: servers.embedded?.config ?? null,
      redis: servers.redis?.config ?? null,
    },
    redis,
    perRound: rounds,
    median: {
      disabled: configMedian('disabled'),
      embedded: configMedian('embedded'),
      redis: configMedian('redis'),
      lossPercent: { embedded: targets.embedded.medianLossPercent, redis: targets.redis.medianLossPercent },
      cpuOverheadPercent: { embedded: cpuOverheadMedian('embedded'), redis: cpuOverheadMedian('redis') },
    },
    targets,
    pass: Object.values(targets).every((t) => t.pass !== false),
    allResponses2xx: true,
  };
}

function render(s: Summary): string {
  const ran = CONFIG_NAMES.filter((name) => s.configurations[name] !== null);
  const limited = ran.filter((name): name is LimitedConfig => name !== 'disabled');
  const configCells = (values: Partial<Record<ConfigName, RouteResult | ConfigMedian | null>>): string[] =>
    ran.flatMap((n) => {
      const v = values[n]!;
      return [cell(v.requestsPerSecond), String(v.p99Ms), cell(v.serverCpuUsPerRequest)];
    });
  const percentCells = (loss: Record<LimitedConfig, number | null>, cpu: Record<LimitedConfig, number | null>): string[] => [
    ...limited.map((n) => cell(loss[n], 2, ' %')),
    ...limited.map((n) => cell(cpu[n], 2, ' %')),
  ];
  const table = formatTable(
    [
      [
        'round',
        'order',
        ...ran.flatMap((n) => [`${LETTER[n]} req/s`, 'p99', 'CPU µs/req']),
        ...limited.map((n) => `${LETTER[n]} loss`),
        ...limited.map((n) => `${LETTER[n]} CPU+`),
      ],
      ...s.perRound.map((r) => [String(r.round), r.order.map((n) => LETTER[n]).join(','), ...configCells(r.results), ...percentCells(r.lossPercent, r.cpuOverheadPercent)]),
      ['median', '', ...configCells(s.median), ...percentCells(s.median.lossPercent, s.median.cpuOverheadPercent)],
    ],
    2,
  );
  const requests = s.perRound.reduce((n, r) => n + Object.values(r.results).reduce((m, x) => m + (x?.requests ?? 0), 0), 0);
  const verdict = (name: LimitedConfig): string => {
    const t = s.targets[name];
    if (t.pass === null) return `SKIPPED (${s.redis.skipped ?? 'not run'})`;
    return `median ${cell(t.medianLossPercent, 2, ' %').padStart(9)}   target <= ${t.maxLossPercent} %   ${t.pass ? 'PASS' : 'FAIL'}   (CPU per request ${cell(s.median.cpuOverheadPercent[name], 2, ' %')})`;
  };
  const configLine = (name: ConfigName): string => {
    const config = s.configurations[name];
    const what = config ? describeServer(config) : `SKIPPED: Redis at ${s.redis.url} did not answer (${s.redis.skipped})`;
    return `  ${LETTER[name]} ${name.padEnd(9)} ${what}`;
  };
  return [
    '',
    `Rate limiter + usage accounting overhead on GET ${s.route}`,
    `node ${s.node}, ${s.cpus} CPUs (${s.cpuModel}), load average ${s.loadAverage1mAtStart} at start, ${s.connections} connections`,
    `${s.rounds} rounds × ${s.durationSeconds} s per configuration (order alternates), after ${s.warmupSeconds} s warm-up per configuration`,
    `tree ${describeTree(s.git)}; organization rate limits raised to ${s.organizationRateLimitsPerMinute.toLocaleString('en-US')}/min on every server`,
    s.processes === 'one' ? 'configurations (one server process, one app per configuration):' : 'configurations (one server process each):',
    ...CONFIG_NAMES.map(configLine),
    '',
    ...table,
    '',
    `all ${requests.toLocaleString('en-US')} measured responses 2xx, warm-ups too; p99 in ms; CPU µs/req: server process CPU time per request`,
    `loss = 1 − req/s ÷ (a) req/s and CPU+ = µs/req ÷ (a) µs/req − 1, within a round, then the median over rounds`,
    `throughput loss (b) embedded vs (a): ${verdict('embedded')}`,
    `throughput loss (c) Redis vs (a):    ${verdict('redis')}`,
    ...(s.processes === 'separate'
      ? ['note: each configuration ran in its own process; processes of one and the same configuration can differ by tens of percent (README), BENCH_ONE_PROCESS=1 avoids that']
      : []),
    s.redis.keysDeleted === null ? '' : `Redis: deleted ${s.redis.keysDeleted} key(s) under this run's prefixes, ${s.redis.keysLeft} left`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const runId = randomBytes(4).toString('hex');
  const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  const dataDirs: string[] = [];
  const prefixes = Object.fromEntries(CONFIG_NAMES.map((name) => [name, `tessera-bench-${runId}-${name}:`])) as Record<ConfigName, string>;
  const redis: RedisState = { url: maskUrl(settings.redisUrl), skipped: null, keysDeleted: null, keysLeft: null };
  let redisClient: Redis | undefined;

  // Ctrl-C mid-run must not leave a server, a data directory or a Redis key behind.
  const cleanUp = cleanUpOnce(async () => {
    await stopAllServers();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    if (redisClient) {
      try {
        const { deleted, left } = await deleteKeys(redisClient, Object.values(prefixes));
        redis.keysDeleted = deleted;
        redis.keysLeft = left;
        if (left > 0) process.stderr.write(`warning: ${left} Redis key(s) under tessera-bench-${runId}-* could not be deleted\n`);
      } catch (err) {
        process.stderr.write(`warning: deleting the Redis keys under tessera-bench-${runId}-* failed: ${err instanceof Error ? err.message : String(err)}\n`);
      } finally {
        redisClient.disconnect();
      }
    }
  });

  try {
    const machine = machineInfo();
    const probe = await connectRedis(settings.redisUrl);
    if ('client' in probe) redisClient = probe.client;
    else {
      redis.skipped = probe.reason;
      progress(settings.json, `Redis at ${redis.url} did not answer (${probe.reason}): skipping (c)`);
    }

    const specs: AppSpec[] = CONFIG_NAMES.filter((name) => name !== 'redis' || redisClient).map((name) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-${name}-`));
      dataDirs.push(dataDir);
      return {
        name,
        dataDir,
        rateLimiting: name !== 'disabled',
        usageAccounting: name !== 'disabled',
        redisUrl: name === 'redis' ? settings.redisUrl : undefined,
        redisKeyPrefix: prefixes[name],
      };
    });
    const started: App[] = [];
    if (settings.oneProcess) started.push(...(await startServer({ label: 'limits', apiKey, apps: specs })).apps);
    else for (const spec of specs) started.push(...(await startServer({ label: spec.name, apiKey, apps: [spec] })).apps);

    const servers: Partial<Record<ConfigName, App>> = {};
    for (const app of started) {
      const name = app.name as ConfigName;
      progress(settings.json, `${LETTER[name]} ${name}: ${describeServer(app.config)} (pid ${app.pid})`);
      // On (a) too: the limiter ignores it there, and every server then sends the same body.
      await raiseRateLimits(app, apiKey);
      servers[name] = app;
    }

    const rounds = await measureRounds(settings, servers, apiKey);
    // Clean up first, so the summary can say what was deleted from Redis.
    await cleanUp();
    const summary = summarise(settings, machine, servers, rounds, redis);
    process.stdout.write(settings.json ? `${JSON.stringify(summary, null, 2)}\n` : render(summary));
    if (summary.redis.keysLeft !== null && summary.redis.keysLeft > 0) return 1;
    return !summary.pass && settings.enforce ? 1 : 0;
  } catch (err) {
    // The signal handler is cleaning up and will exit; the servers it stopped are why the load failed.
    const interrupted = interruptedExitCode();
    if (interrupted !== null) return interrupted;
    const message = err instanceof Error ? err.message : String(err);
    if (settings.json && err instanceof NonSuccessError) {
      process.stdout.write(`${JSON.stringify({ allResponses2xx: false, error: message }, null, 2)}\n`);
    }
    process.stderr.write(`benchmark failed: ${message}\n`);
    return 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
