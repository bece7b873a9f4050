// The embedded search index's two candidate engines, measured on this machine (docs/adr/0001):
//
//   exact   top-k by dot product over one contiguous Float32Array (a small heap keeps the best k),
//           over all rows and over a precomputed 1 % / 10 % subset (a selective filter);
//   hnswlib hnswlib-node 3.0.0 HNSW, inner product on unit vectors, M = 16, single-threaded build
//           (addPoint runs on the calling thread), recall@10 against the exact scan, unfiltered and
//           with hnswlib's filter callback.
//
//   npx tsx bench/vector-engines.ts [--exact=1000,10000,50000,100000] [--hnsw=20000,50000,100000]
//       [--ef-construction=100,200] [--ef-search=50,100,200,400] [--queries=200]
//       [--filtered-queries=50] [--selectivity=0.01,0.1] [--k=10] [--quick] [--json]
//
// --quick is a smoke run (small sizes, one efConstruction). The data are synthetic clustered unit
// vectors (bench/vector-data.ts), deterministic. One HNSW index per efConstruction is built once up
// to the largest size and measured at every size on the way (an HNSW index holding the first n rows
// is the index a build of those n rows gives), so the largest size costs one build, not one per size.
// The default run takes ~5–6 minutes on 2 cores, most of it the two 100k builds.
import hnswlib from 'hnswlib-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cell, formatTable, machineInfo, progress, round, type MachineInfo } from './harness.ts';
import { ClusteredSource, DEFAULT_SHAPE, DIMENSIONS, exactScan, exactScanSubset, prng, TopK, type ClusterShape } from './vector-data.ts';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

const M = 16;
const HNSW_SEED = 100;
const CLUSTER_SEED = 42;
const DATA_SEED = 7;
const QUERY_SEED = 1234;
const TAG_SEED = 99;
const WARMUP_QUERIES = 5;
/** Latency budgets for the crossover: the exact scan's p50 above them means an ANN index pays off. */
const BUDGETS_MS = [2, 5];
const RECALL_TARGET = 0.95;

interface Settings {
  exactSizes: number[];
  hnswSizes: number[];
  efConstruction: number[];
  efSearch: number[];
  queries: number;
  filteredQueries: number;
  selectivities: number[];
  k: number;
  json: boolean;
  shape: ClusterShape;
}

function parseArgs(argv: string[]): Settings {
  const quick = argv.includes('--quick');
  const settings: Settings = {
    exactSizes: quick ? [1_000, 10_000] : [1_000, 10_000, 50_000, 100_000],
    hnswSizes: quick ? [5_000, 10_000] : [20_000, 50_000, 100_000],
    efConstruction: quick ? [100] : [100, 200],
    efSearch: [50, 100, 200, 400],
    queries: quick ? 50 : 200,
    filteredQueries: quick ? 20 : 50,
    selectivities: [0.01, 0.1],
    k: 10,
    json: argv.includes('--json'),
    shape: { ...DEFAULT_SHAPE },
  };
  const list = (raw: string, name: string, integer: boolean): number[] =>
    raw.split(',').map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new Error(`--${name}: bad value ${JSON.stringify(s)}`);
      return v;
    });
  for (const arg of argv) {
    if (arg === '--quick' || arg === '--json') continue;
    const match = /^--([a-z-]+)=(.+)$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (see the header of bench/vector-engines.ts)`);
    const [, name, value] = match as unknown as [string, string, string];
    switch (name) {
      case 'exact': settings.exactSizes = list(value, name, true); break;
      case 'hnsw': settings.hnswSizes = list(value, name, true); break;
      case 'ef-construction': settings.efConstruction = list(value, name, true); break;
      case 'ef-search': settings.efSearch = list(value, name, true); break;
      case 'queries': settings.queries = list(value, name, true)[0]!; break;
      case 'filtered-queries': settings.filteredQueries = list(value, name, true)[0]!; break;
      case 'selectivity': settings.selectivities = list(value, name, false); break;
      case 'k': settings.k = list(value, name, true)[0]!; break;
      case 'clusters': settings.shape.clusters = list(value, name, true)[0]!; break;
      case 'subspace': settings.shape.subspace = list(value, name, true)[0]!; break;
      case 'spread': settings.shape.spread = list(value, name, false)[0]!; break;
      case 'noise': settings.shape.noise = list(value, name, false)[0]!; break;
      default: throw new Error(`unknown argument --${name}`);
    }
  }
  settings.exactSizes.sort((a, b) => a - b);
  settings.hnswSizes.sort((a, b) => a - b);
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Measuring

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function rssMb(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage.rss() / 2 ** 20;
}

interface Latency {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /**
   * CPU time of this process per query (user + system over the timed loop ÷ queries). On a busy
   * machine wall-clock latency includes waiting for a core; this does not, so it is the figure to
   * compare between runs (the work is single-threaded: an idle core would give p50 ≈ this).
   */
  cpuMeanMs: number;
}

function cpuSeconds(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Times `run` once per query (after a few unmeasured warm-up calls); returns latencies and each result. */
function timeQueries<T>(count: number, run: (q: number) => T): { latency: Latency; results: T[] } {
  for (let q = 0; q < Math.min(WARMUP_QUERIES, count); q++) run(q);
  const times: number[] = [];
  const results: T[] = [];
  const cpuStart = process.cpuUsage();
  for (let q = 0; q < count; q++) {
    const start = process.hrtime.bigint();
    results.push(run(q));
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cpuMeanMs = (cpuSeconds(cpuStart) * 1000) / count;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    latency: { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), meanMs: times.reduce((a, b) => a + b, 0) / times.length, cpuMeanMs },
    results,
  };
}

function recallAtK(found: number[][], truth: number[][], k: number): number {
  let hits = 0;
  let expected = 0;
  found.forEach((ids, q) => {
    const want = new Set(truth[q]!.slice(0, k));
    expected += want.size;
    for (const id of ids.slice(0, k)) if (want.has(id)) hits++;
  });
  return expected === 0 ? 1 : hits / expected;
}

// ---------------------------------------------------------------------------------------------
// Results

interface ExactRow {
  n: number;
  latency: Latency;
  vectorsPerSecond: number;
  vectorsPerCpuSecond: number;
  dataMb: number;
  filtered: { selectivity: number; matching: number; latency: Latency }[];
}

interface HnswSearchRow {
  efSearch: number;
  latency: Latency;
  recall: number;
  filtered: { selectivity: number; latency: Latency; recall: number; fullResults: number; queries: number; minResults: number }[];
}

interface HnswRow {
  efConstruction: number;
  n: number;
  /** Cumulative single-thread build time for the first n rows (wall clock). */
  buildSeconds: number;
  /** The same in CPU time of this process: what the build costs on a core of its own. */
  buildCpuSeconds: number;
  insertsPerSecond: number;
  insertsPerCpuSecond: number;
  rssDeltaMb: number;
  searches: HnswSearchRow[];
}

interface Persistence {
  n: number;
  efConstruction: number;
  writeSeconds: number;
  readSeconds: number;
  fileMb: number;
}

interface Summary {
  machine: MachineInfo;
  settings: Omit<Settings, 'json'>;
  generationSeconds: number;
  exact: ExactRow[];
  exactRssDeltaMb: { n: number; mb: number };
  hnsw: HnswRow[];
  persistence: Persistence | null;
  crossover: {
    exactNanosPerVector: number;
    sizeAtBudgetMs: { budgetMs: number; n: number }[];
    recommendedEfSearch: { efConstruction: number; n: number; efSearch: number | null; recall: number | null; p50Ms: number | null }[];
  };
  totalSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// The run

function main(): void {
  const settings = parseArgs(process.argv.slice(2));
  const { k, json } = settings;
  const started = Date.now();
  const machine = machineInfo();
  progress(json, `vector engines: ${machine.cpus} CPUs (${machine.cpuModel}), load ${machine.loadAverage1mAtStart}, node ${machine.node}`);

  const sizes = [...new Set([...settings.exactSizes, ...settings.hnswSizes])].sort((a, b) => a - b);
  const maxN = sizes[sizes.length - 1]!;

  // Data, queries and a per-row random tag (a filter `tag < s` selects a fraction s of any prefix).
  const generationStart = Date.now();
  const rssBeforeData = rssMb();
  const data = new ClusteredSource(settings.shape, CLUSTER_SEED, DATA_SEED).matrix(maxN);
  const exactRssDeltaMb = { n: maxN, mb: round(rssMb() - rssBeforeData, 1) };
  const queryCount = Math.max(settings.queries, settings.filteredQueries);
  const queries = new ClusteredSource(settings.shape, CLUSTER_SEED, QUERY_SEED).matrix(queryCount);
  const queryRows = Array.from({ length: queryCount }, (_, q) => queries.subarray(q * DIMENSIONS, (q + 1) * DIMENSIONS));
  const queryArrays = queryRows.map((row) => Array.from(row));
  const tagRandom = prng(TAG_SEED);
  const tags = Float32Array.from({ length: maxN }, () => tagRandom());
  const generationSeconds = (Date.now() - generationStart) / 1000;
  progress(json, `generated ${maxN} + ${queryCount} vectors in ${generationSeconds.toFixed(1)} s (RSS +${exactRssDeltaMb.mb} MB)`);

  // Exact scans: timed at every size, and the ground truth for the HNSW recall.
  const top = new TopK(k);
  const truth = new Map<number, number[][]>();
  const subsetTruth = new Map<string, number[][]>();
  const subsets = new Map<string, Uint32Array>();
  const exact: ExactRow[] = [];
  for (const n of sizes) {
    const { latency, results } = timeQueries(settings.queries, (q) => exactScan(data, n, queryRows[q]!, top));
    truth.set(n, results);
    const filtered: ExactRow['filtered'] = [];
    for (const s of settings.selectivities) {
      const ids = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => tags[i]! < s);
      subsets.set(`${n}/${s}`, ids);
      const run = timeQueries(queryCount, (q) => exactScanSubset(data, ids, queryRows[q]!, top));
      subsetTruth.set(`${n}/${s}`, run.results);
      filtered.push({ selectivity: s, matching: ids.length, latency: run.latency });
    }
    exact.push({ n, latency, vectorsPerSecond: n / (latency.meanMs / 1000), vectorsPerCpuSecond: n / (latency.cpuMeanMs / 1000), dataMb: (n * DIMENSIONS * 4) / 2 ** 20, filtered });
    progress(json, `exact n=${n}: p50 ${latency.p50Ms.toFixed(2)} ms, ${(n / latency.meanMs / 1000).toFixed(2)} M vectors/s (${(n / latency.cpuMeanMs / 1000).toFixed(2)} per CPU s), load ${os.loadavg()[0]!.toFixed(1)}`);
  }

  // HNSW: one index per efConstruction, grown to each size in turn and measured there.
  const hnsw: HnswRow[] = [];
  let persistence: Persistence | null = null;
  for (const efConstruction of settings.efConstruction) {
    const rssBefore = rssMb();
    const index = new HierarchicalNSW('ip', DIMENSIONS);
    index.initIndex(maxN, M, efConstruction, HNSW_SEED);
    let inserted = 0;
    let buildSeconds = 0;
    let buildCpuSeconds = 0;
    for (const n of settings.hnswSizes) {
      const segmentStart = process.hrtime.bigint();
      const segmentCpu = process.cpuUsage();
      for (; inserted < n; inserted++) index.addPoint(Array.from(data.subarray(inserted * DIMENSIONS, (inserted + 1) * DIMENSIONS)), inserted);
      buildSeconds += Number(process.hrtime.bigint() - segmentStart) / 1e9;
      buildCpuSeconds += cpuSeconds(segmentCpu);
      const rssDeltaMb = rssMb() - rssBefore;
      progress(json, `hnswlib efC=${efConstruction} n=${n}: built in ${buildSeconds.toFixed(1)} s (${Math.round(n / buildSeconds)}/s), CPU ${buildCpuSeconds.toFixed(1)} s (${Math.round(n / buildCpuSeconds)}/CPU s), load ${os.loadavg()[0]!.toFixed(1)}`);
      const searches: HnswSearchRow[] = [];
      for (const efSearch of settings.efSearch) {
        index.setEf(efSearch);
        const run = timeQueries(settings.queries, (q) => index.searchKnn(queryArrays[q]!, k).neighbors);
        const filtered: HnswSearchRow['filtered'] = [];
        for (const s of settings.selectivities) {
          const key = `${n}/${s}`;
          const mask = new Uint8Array(maxN);
          for (const id of subsets.get(key)!) mask[id] = 1;
          const filter = (label: number): boolean => mask[label] === 1;
          const fq = settings.filteredQueries;
          const frun = timeQueries(fq, (q) => index.searchKnn(queryArrays[q]!, k, filter).neighbors);
          const want = Math.min(k, subsets.get(key)!.length);
          filtered.push({
            selectivity: s,
            latency: frun.latency,
            recall: recallAtK(frun.results, subsetTruth.get(key)!.slice(0, fq), k),
            fullResults: frun.results.filter((r) => r.length >= want).length,
            queries: fq,
            minResults: Math.min(...frun.results.map((r) => r.length)),
          });
        }
        searches.push({ efSearch, latency: run.latency, recall: recallAtK(run.results, truth.get(n)!, k), filtered });
      }
      hnsw.push({ efConstruction, n, buildSeconds, buildCpuSeconds, insertsPerSecond: n / buildSeconds, insertsPerCpuSecond: n / buildCpuSeconds, rssDeltaMb, searches });
    }
    if (persistence === null) persistence = persist(index, inserted, efConstruction);
  }

  const summary: Summary = {
    machine,
    settings: { ...settings, json: undefined } as Omit<Settings, 'json'>,
    generationSeconds,
    exact,
    exactRssDeltaMb,
    hnsw,
    persistence,
    crossover: crossover(exact, hnsw),
    totalSeconds: (Date.now() - started) / 1000,
  };
  if (json) console.log(JSON.stringify(summary, null, 2));
  else report(summary);
}

/** Writing the index to disk and reading it back: what a restart costs instead of a rebuild. */
function persist(index: Hnsw, n: number, efConstruction: number): Persistence {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-hnsw-'));
  try {
    const file = path.join(dir, 'index.hnsw');
    let start = process.hrtime.bigint();
    index.writeIndexSync(file);
    const writeSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    start = process.hrtime.bigint();
    const loaded = new HierarchicalNSW('ip', DIMENSIONS);
    loaded.readIndexSync(file);
    const readSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (loaded.getCurrentCount() !== n) throw new Error(`read back ${loaded.getCurrentCount()} points, wrote ${n}`);
    return { n, efConstruction, writeSeconds, readSeconds, fileMb: fs.statSync(file).size / 2 ** 20 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function crossover(exact: ExactRow[], hnsw: HnswRow[]): Summary['crossover'] {
  // The scan is linear in n; the largest size gives the steadiest cost per vector. CPU time, not
  // wall clock: on a shared machine the wall clock measures the neighbours as well.
  const largest = exact[exact.length - 1]!;
  const nanosPerVector = (largest.latency.cpuMeanMs * 1e6) / largest.n;
  return {
    exactNanosPerVector: nanosPerVector,
    sizeAtBudgetMs: BUDGETS_MS.map((budgetMs) => ({ budgetMs, n: Math.round((budgetMs * 1e6) / nanosPerVector) })),
    recommendedEfSearch: hnsw.map((row) => {
      const pick = row.searches.find((s) => s.recall >= RECALL_TARGET) ?? null;
      return { efConstruction: row.efConstruction, n: row.n, efSearch: pick?.efSearch ?? null, recall: pick?.recall ?? null, p50Ms: pick?.latency.p50Ms ?? null };
    }),
  };
}

function report(s: Summary): void {
  const out = (line = ''): void => console.log(line);
  const ms = (v: number): string => v.toFixed(v < 10 ? 2 : 1);
  out();
  out(`Vector engines, ${DIMENSIONS}-d unit vectors, ${s.settings.shape.clusters} clusters (subspace ${s.settings.shape.subspace}, spread ${s.settings.shape.spread}, noise ${s.settings.shape.noise}), top-${s.settings.k}, one query at a time`);
  out(`${s.machine.date}  node ${s.machine.node}  ${s.machine.cpus} CPUs ${s.machine.cpuModel}  load ${s.machine.loadAverage1mAtStart} at start  git ${s.machine.git?.commit ?? '?'}`);
  out();
  out(`Exact scan (Float32Array, heap top-k), ${s.settings.queries} queries; filtered = scan of the precomputed matching ids`);
  out('(p50/p99 are wall clock; cpu ms is CPU time per query, which does not include waiting for a core on a busy machine)');
  const sel = s.settings.selectivities;
  out(
    formatTable(
      [
        ['n', 'p50 ms', 'p99 ms', 'cpu ms', 'M vec/s', 'M vec/cpu-s', 'data MB', ...sel.flatMap((x) => [`${x * 100}% n`, `${x * 100}% p50`, `${x * 100}% p99`])],
        ...s.exact.map((r) => [
          String(r.n),
          ms(r.latency.p50Ms),
          ms(r.latency.p99Ms),
          ms(r.latency.cpuMeanMs),
          (r.vectorsPerSecond / 1e6).toFixed(2),
          (r.vectorsPerCpuSecond / 1e6).toFixed(2),
          r.dataMb.toFixed(1),
          ...r.filtered.flatMap((f) => [String(f.matching), ms(f.latency.p50Ms), ms(f.latency.p99Ms)]),
        ]),
      ],
      0,
    ).join('\n'),
  );
  out(`RSS delta of the ${s.exactRssDeltaMb.n}-vector Float32Array: +${s.exactRssDeltaMb.mb} MB`);
  out();
  out(`hnswlib-node HNSW (ip, M=${M}), single-thread build; recall@${s.settings.k} vs exact; ${s.settings.queries} queries (filtered: ${s.settings.filteredQueries}, filter callback)`);
  const rows: string[][] = [['efC', 'n', 'build s', 'cpu s', 'ins/s', 'ins/cpu-s', 'RSS MB', 'efS', 'p50 ms', 'p99 ms', 'cpu ms', 'recall', ...sel.flatMap((x) => [`${x * 100}% p50`, `${x * 100}% rec`, `${x * 100}% full`])]];
  for (const r of s.hnsw) {
    r.searches.forEach((q, i) => {
      const first = i === 0;
      rows.push([
        first ? String(r.efConstruction) : '',
        first ? String(r.n) : '',
        first ? r.buildSeconds.toFixed(1) : '',
        first ? r.buildCpuSeconds.toFixed(1) : '',
        first ? String(Math.round(r.insertsPerSecond)) : '',
        first ? String(Math.round(r.insertsPerCpuSecond)) : '',
        first ? r.rssDeltaMb.toFixed(0) : '',
        String(q.efSearch),
        ms(q.latency.p50Ms),
        ms(q.latency.p99Ms),
        ms(q.latency.cpuMeanMs),
        q.recall.toFixed(3),
        ...q.filtered.flatMap((f) => [ms(f.latency.p50Ms), f.recall.toFixed(3), `${f.fullResults}/${f.queries}`]),
      ]);
    });
  }
  out(formatTable(rows, 0).join('\n'));
  if (s.persistence) {
    const p = s.persistence;
    out(`Persistence (efC=${p.efConstruction}, n=${p.n}): writeIndexSync ${p.writeSeconds.toFixed(2)} s, readIndexSync ${p.readSeconds.toFixed(2)} s, file ${p.fileMb.toFixed(0)} MB`);
  }
  out();
  out('Crossover and ratios');
  const c = s.crossover;
  out(`  exact scan: ${c.exactNanosPerVector.toFixed(0)} ns/vector (CPU) → ${c.sizeAtBudgetMs.map((b) => `p50 > ${b.budgetMs} ms above ~${b.n} vectors`).join(', ')}`);
  for (const r of c.recommendedEfSearch) {
    const ex = s.exact.find((e) => e.n === r.n);
    if (r.efSearch === null || r.p50Ms === null) {
      out(`  efC=${r.efConstruction} n=${r.n}: no efSearch reached recall@${s.settings.k} ≥ ${RECALL_TARGET}`);
      continue;
    }
    const speedup = ex ? `, ${cell(ex.latency.p50Ms / r.p50Ms, 1)}× faster than exact (${ms(ex.latency.p50Ms)} ms)` : '';
    out(`  efC=${r.efConstruction} n=${r.n}: efSearch ${r.efSearch} gives recall ${r.recall!.toFixed(3)} at p50 ${ms(r.p50Ms)} ms${speedup}`);
  }
  const build = s.hnsw.filter((r) => r.n === s.hnsw[s.hnsw.length - 1]!.n);
  for (const r of build) {
    const ex = s.exact.find((e) => e.n === r.n);
    if (ex) out(`  efC=${r.efConstruction} n=${r.n}: the build (${r.buildCpuSeconds.toFixed(0)} CPU s) costs as much CPU as ${Math.round((r.buildCpuSeconds * 1000) / ex.latency.cpuMeanMs)} exact queries`);
  }
  out();
  out(`Total ${s.totalSeconds.toFixed(0)} s (data generation ${s.generationSeconds.toFixed(1)} s)`);
}

main();
