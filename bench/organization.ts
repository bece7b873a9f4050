// Throughput of authenticated GET /v1/organizations against a bare Fastify JSON route in the same
// app and process: the ratio isolates what authentication, the limiter, usage accounting, the
// store and the presenter cost.
//
//   npm run bench [-- --json]     (or: npx tsx bench/organization.ts [--json])
//
// The server runs as deployed by default: rate limiting on (in-memory counters) and usage
// accounting on. Before loading, the organization's rate limits are raised through
// PATCH /v1/organizations, so the load is served rather than answered with 429.
//
// The measurement runs in rounds; each round measures both routes, one after the other, in an
// order that alternates between rounds. The ratio is taken within each round and the report gives
// the median of those ratios, so a machine that speeds up or slows down between rounds cancels out.
//
// Env: BENCH_ROUNDS (default 3), BENCH_DURATION (s per route per round, default 10), BENCH_WARMUP
// (s per route, once at the start, default 3), BENCH_CONNECTIONS (default 10), BENCH_ENFORCE=1
// (exit non-zero when the target is missed), BENCH_RATE_LIMITING=0 (server without the limiter),
// BENCH_USAGE_ACCOUNTING=0 (server neither counts requests nor charges credits), BENCH_CPU_PROF=<dir>
// (server writes a V8 CPU profile covering the whole run there), BENCH_SERVER_NODE_ARGS (extra node
// flags for the server). The server's CPU time per request (from /proc) is reported alongside.
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
  type App,
  type MachineInfo,
  type RouteResult,
} from './harness.ts';
import { BARE_PATH, type ServerConfigReport } from './protocol.ts';

const TARGET_THROUGHPUT_RATIO = 0.7;

type RouteName = 'bare' | 'organizations';

interface Settings {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  enforce: boolean;
  rateLimiting: boolean;
  usageAccounting: boolean;
  json: boolean;
  cpuProfileDir: string | undefined;
}

interface RoundResult {
  round: number;
  order: RouteName[];
  bare: RouteResult;
  organizations: RouteResult;
  /** organizations req/s ÷ bare req/s, both from this round. */
  throughputRatio: number;
  /** organizations p99 ÷ bare p99 from this round; null when the bare p99 is 0 ms. */
  p99Ratio: number | null;
  /**
   * bare ÷ organizations server CPU time per request from this round: the throughput ratio if the
   * server had the same share of the CPUs for both routes. null without /proc.
   */
  cpuRatio: number | null;
}

interface RouteMedian {
  requestsPerSecond: number;
  p99Ms: number;
  serverCpuUsPerRequest: number | null;
}

interface Summary extends MachineInfo {
  server: ServerConfigReport & { organizationRateLimitsPerMinute: number };
  connections: number;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  perRound: RoundResult[];
  median: {
    bare: RouteMedian;
    organizations: RouteMedian;
    throughputRatio: number;
    p99Ratio: number | null;
    cpuRatio: number | null;
  };
  target: { throughputRatioAtLeast: number; pass: boolean };
  allResponses2xx: true;
}

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const json = onlyJsonFlag(argv);
  return {
    rounds: positiveInteger(env, 'BENCH_ROUNDS', 3),
    durationSeconds: positiveInteger(env, 'BENCH_DURATION', 10),
    warmupSeconds: positiveInteger(env, 'BENCH_WARMUP', 3),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 10),
    enforce: env.BENCH_ENFORCE === '1',
    rateLimiting: onOff(env, 'BENCH_RATE_LIMITING', true),
    usageAccounting: onOff(env, 'BENCH_USAGE_ACCOUNTING', true),
    json,
    cpuProfileDir: env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : undefined,
  };
}

/** One request to the bare route before any load: a wrong body would make the numbers meaningless. */
async function preflightBare(server: App): Promise<void> {
  const bare = await fetch(`${server.baseUrl}${BARE_PATH}`);
  const body = (await bare.json()) as { ok?: unknown };
  if (bare.status !== 200 || body.ok !== true) throw new Error(`preflight ${BARE_PATH}: status ${bare.status}, body ${JSON.stringify(body)}`);
}

async function run(settings: Settings, server: App, apiKey: string): Promise<RoundResult[]> {
  const auth = authHeaders(apiKey);
  const routes: Record<RouteName, { url: string; headers: Record<string, string> }> = {
    bare: { url: `${server.baseUrl}${BARE_PATH}`, headers: {} },
    organizations: { url: `${server.baseUrl}${ORGANIZATIONS_PATH}`, headers: auth },
  };
  const measure = (name: RouteName, label: string, seconds: number): Promise<RouteResult> =>
    loadRoute(label, routes[name].url, routes[name].headers, settings.connections, seconds, server.pid);

  for (const name of ['bare', 'organizations'] as const) {
    progress(settings.json, `${name}: warm-up ${settings.warmupSeconds} s`);
    await measure(name, `${name} warm-up`, settings.warmupSeconds);
  }

  const rounds: RoundResult[] = [];
  for (let r = 1; r <= settings.rounds; r++) {
    const order: RouteName[] = r % 2 === 1 ? ['bare', 'organizations'] : ['organizations', 'bare'];
    const results: Partial<Record<RouteName, RouteResult>> = {};
    for (const name of order) {
      progress(settings.json, `round ${r}/${settings.rounds}: ${name} ${settings.durationSeconds} s`);
      results[name] = await measure(name, `round ${r} ${name}`, settings.durationSeconds);
    }
    const bare = results.bare!;
    const organizations = results.organizations!;
    rounds.push({
      round: r,
      order,
      bare,
      organizations,
      throughputRatio: round(organizations.requestsPerSecond / bare.requestsPerSecond, 3),
      // autocannon reports latency in whole milliseconds; a 0 ms bare p99 has no meaningful ratio.
      p99Ratio: bare.p99Ms > 0 ? round(organizations.p99Ms / bare.p99Ms, 2) : null,
      cpuRatio:
        bare.serverCpuUsPerRequest !== null && organizations.serverCpuUsPerRequest
          ? round(bare.serverCpuUsPerRequest / organizations.serverCpuUsPerRequest, 3)
          : null,
    });
  }
  return rounds;
}

function summarise(settings: Settings, machine: MachineInfo, server: App, rounds: RoundResult[]): Summary {
  const routeMedian = (name: RouteName): RouteMedian => {
    const cpu = medianOrNull(rounds.map((r) => r[name].serverCpuUsPerRequest));
    return {
      requestsPerSecond: round(median(rounds.map((r) => r[name].requestsPerSecond)), 1),
      p99Ms: median(rounds.map((r) => r[name].p99Ms)),
      serverCpuUsPerRequest: cpu === null ? null : round(cpu, 1),
    };
  };
  const throughputRatio = round(median(rounds.map((r) => r.throughputRatio)), 3);
  const p99Ratio = medianOrNull(rounds.map((r) => r.p99Ratio));
  const cpuRatio = medianOrNull(rounds.map((r) => r.cpuRatio));
  return {
    ...machine,
    server: { ...server.config, organizationRateLimitsPerMinute: RAISED_RATE_LIMIT },
    connections: settings.connections,
    rounds: settings.rounds,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    perRound: rounds,
    median: {
      bare: routeMedian('bare'),
      organizations: routeMedian('organizations'),
      throughputRatio,
      p99Ratio: p99Ratio === null ? null : round(p99Ratio, 2),
      cpuRatio: cpuRatio === null ? null : round(cpuRatio, 3),
    },
    target: { throughputRatioAtLeast: TARGET_THROUGHPUT_RATIO, pass: throughputRatio >= TARGET_THROUGHPUT_RATIO },
    allResponses2xx: true,
  };
}

function render(s: Summary): string {
  const short: Record<RouteName, string> = { bare: 'bare', organizations: 'orgs' };
  const routeCells = (r: RouteResult | RouteMedian): string[] => [cell(r.requestsPerSecond), String(r.p99Ms), cell(r.serverCpuUsPerRequest)];
  const m = s.median;
  const table = formatTable(
    [
      ['round', 'order', 'bare req/s', 'p99', 'CPU µs/req', 'orgs req/s', 'p99', 'CPU µs/req', 'ratio', 'p99 ratio', 'CPU ratio'],
      ...s.perRound.map((r) => [
        String(r.round),
        r.order.map((n) => short[n]).join(' → '),
        ...routeCells(r.bare),
        ...routeCells(r.organizations),
        cell(r.throughputRatio, 3),
        cell(r.p99Ratio, 2),
        cell(r.cpuRatio, 3),
      ]),
      ['median', '', ...routeCells(m.bare), ...routeCells(m.organizations), cell(m.throughputRatio, 3), cell(m.p99Ratio, 2), cell(m.cpuRatio, 3)],
    ],
    2,
  );
  const requests = s.perRound.reduce((n, r) => n + r.bare.requests + r.organizations.requests, 0);
  return [
    '',
    `GET ${ORGANIZATIONS_PATH} vs bare Fastify JSON route`,
    `node ${s.node}, ${s.cpus} CPUs (${s.cpuModel}), load average ${s.loadAverage1mAtStart} at start, ${s.connections} connections`,
    `${s.rounds} rounds × ${s.durationSeconds} s per route (order alternates), after ${s.warmupSeconds} s warm-up per route`,
    `tree ${describeTree(s.git)}`,
    `server: ${describeServer(s.server)}; organization rate limits raised to ${s.server.organizationRateLimitsPerMinute.toLocaleString('en-US')}/min`,
    '',
    ...table,
    '',
    `all ${requests.toLocaleString('en-US')} measured responses 2xx, warm-ups too; p99 in ms; CPU µs/req: server process CPU time per request`,
    `ratios are organizations ÷ bare within a round (CPU ratio: bare µs/req ÷ organizations µs/req), then the median over rounds`,
    `throughput ratio: ${cell(m.throughputRatio, 3)}   target >= ${s.target.throughputRatioAtLeast}   ${s.target.pass ? 'PASS' : 'FAIL'}`,
    `p99 ratio:        ${m.p99Ratio === null ? 'n/a (bare p99 is 0 ms in every round)' : cell(m.p99Ratio, 2)}`,
    `CPU ratio:        ${cell(m.cpuRatio, 3)}   (for information: the throughput ratio if the server had the same CPU share for both routes)`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
  const apiKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  // Ctrl-C mid-run must not leave a server or a data directory behind.
  const cleanUp = cleanUpOnce(async () => {
    await stopAllServers();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  try {
    const machine = machineInfo();
    const started = await startServer({
      label: 'organization',
      apiKey,
      apps: [
        {
          name: 'organization',
          dataDir,
          rateLimiting: settings.rateLimiting,
          usageAccounting: settings.usageAccounting,
          redisKeyPrefix: `tessera-bench-${randomBytes(4).toString('hex')}:`,
        },
      ],
      cpuProfileDir: settings.cpuProfileDir,
    });
    const server = started.apps[0]!;
    progress(settings.json, `server: ${describeServer(server.config)}`);
    // Done whether or not the limiter is on, so the response body is the same in every configuration.
    await raiseRateLimits(server, apiKey);
    await preflightBare(server);

    const rounds = await run(settings, server, apiKey);
    const summary = summarise(settings, machine, server, rounds);
    process.stdout.write(settings.json ? `${JSON.stringify(summary, null, 2)}\n` : render(summary));
    return !summary.target.pass && settings.enforce ? 1 : 0;
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
