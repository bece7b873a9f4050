// The OpenAPI fuzz, as a suite a test file runs over one part of the document's operations (the
// parts run as separate files, in parallel, each within the runner's per-file time limit).
// It fuzzes every operation of the committed openapi.json through the real app and store: requests
// drawn from each operation's parameters and body schema (valid, boundary, invalid, raw JSON,
// wrong keys), every response judged against the document alone (test/fuzz/contract-check.ts).
// A route added later is fuzzed as soon as `npm run openapi:write` puts it in the document.
//
// Deterministic: a fixed seed and a bounded number of runs. TESSERA_FUZZ_RUNS sets the runs per
// operation and request family (default 25) for longer local runs; TESSERA_FUZZ_SEED replays or
// varies a run (the same seed sends the same requests in the same order).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ContractChecker, describeExchange, payloadOf, type ReceivedResponse, type SentRequest } from './contract-check.ts';
import { FuzzFixtures, POOL_STRINGS } from './fixtures.ts';
import { loadOpenApi, type Operation } from './openapi-document.ts';
import { CATEGORIES, encodePathParameter, requestArbitrary, type Category, type FuzzRequest } from './request-arbitrary.ts';
import { schemaArbitraries } from './schema-arbitrary.ts';
import { validateConfig } from '../../src/config.ts';
import { BACKEND, createTestApp, type TestApp } from '../helpers/test-app.ts';

const RUNS = integerFromEnv('TESSERA_FUZZ_RUNS', 25, 1);
const SEED = integerFromEnv('TESSERA_FUZZ_SEED', 0x7e55e4a);
/** Wall-clock cap per operation and family, shrinking included, so a failing run stays bounded. */
const TIME_LIMIT_MS = Math.max(10_000, RUNS * 400);

const doc = loadOpenApi();
const checker = new ContractChecker(doc);
const schemas = schemaArbitraries(doc.components, { knownStrings: POOL_STRINGS, bodyLimit: validateConfig({}).bodyLimit });

const ORGANIZATION_URL = '/v1/organizations';
/** Every GET of the document without path parameters, with its required query parameters' defaults. */
const PLAIN_READS = doc.operations.filter((o) => o.method === 'GET' && !o.parameters.some((p) => p.in === 'path')).flatMap((o) => readUrl(o, {}) ?? []);

/** Which operations of the document a suite fuzzes; the suites' parts partition them. */
export interface FuzzPart {
  name: string;
  includes: (op: Operation) => boolean;
}

/** The ingestion routes (namespaces, buckets, objects, uploads, tasks, blob transfers). */
export const isIngestionOperation = (op: Operation): boolean => /^\/v1\/(namespaces|buckets|tasks|blob-transfer)(\/|$)/.test(op.path);

/** The processing routes (extractor catalogue, collections, documents, lineage by object). */
export const isProcessingOperation = (op: Operation): boolean => /^\/v1\/(collections|objects)(\/|$)/.test(op.path);

/** The search routes (retrievers: CRUD, stage catalogue, executions, ad-hoc). */
export const isSearchOperation = (op: Operation): boolean => /^\/v1\/retrievers(\/|$)/.test(op.path);

/** The account layer: everything neither ingestion, processing nor search. */
export const isAccountOperation = (op: Operation): boolean => !isIngestionOperation(op) && !isProcessingOperation(op) && !isSearchOperation(op);

export function fuzzSuite(part: FuzzPart): void {
describe(`OpenAPI fuzz: ${part.name} [${BACKEND}] (seed ${SEED}, ${RUNS} runs per operation and family)`, () => {
  let t: TestApp;
  let fixtures: FuzzFixtures;
  let startingCredits = 0;
  let creditsAdded = 0;
  let requests = 0;
  const fuzzed = new Map<string, Set<Category>>();

  async function freshApp(): Promise<void> {
    await t?.close();
    // Thousands of wrong keys from one test address would trip the failed-authentication throttle
    // (test/auth-throttle.test.ts covers it) and lock the fuzz's own admin key out with it.
    t = await createTestApp({ authFailureLimit: 0 });
    fixtures = await FuzzFixtures.create(t);
    startingCredits = (await organization()).credit_count;
    creditsAdded = 0;
  }

  before(freshApp);
  after(async () => {
    console.log(`# openapi fuzz [${BACKEND}]: ${requests} requests over ${fuzzed.size} operations`);
    await t?.close();
  });

  async function organization(): Promise<Record<string, any>> {
    const res = await t.call({ method: 'GET', url: '/v1/organizations' });
    requests++;
    assert.equal(res.statusCode, 200, `GET /v1/organizations with the admin key: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  function build(op: Operation, request: FuzzRequest): SentRequest {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodePathParameter(request.path[name] ?? ''));
    const query = request.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const headers: Record<string, string> = { ...request.headers };
    const auth = { admin: `Bearer ${fixtures.principals.admin}`, read: `Bearer ${fixtures.principals.read}`, revoked: `Bearer ${fixtures.principals.revoked}` } as Record<string, string>;
    const authorization = request.authHeader ?? auth[request.auth];
    if (authorization !== undefined) headers.authorization = authorization;
    const payload = payloadOf(request.body);
    if (request.body?.contentType) headers['content-type'] = request.body.contentType;
    return { method: op.method, url: query ? `${path}?${query}` : path, headers, payload };
  }

  async function exchange(op: Operation, request: FuzzRequest): Promise<void> {
    const sent = build(op, request);
    const injected = await t.app.inject({ method: sent.method as 'GET', url: sent.url, headers: sent.headers, ...(sent.payload !== undefined ? { payload: sent.payload } : {}) });
    requests++;
    const res: ReceivedResponse = { statusCode: injected.statusCode, headers: injected.headers, body: injected.body };
    const problems = checker.check(op, request, sent, res);

    const addCredits = String(op.responses['200']?.content?.['application/json']?.schema?.$ref ?? '').endsWith('/AddCreditsResponse');
    if (addCredits && res.statusCode === 200) {
      const body = JSON.parse(res.body) as Record<string, number>;
      creditsAdded += body.credits_added!;
      if (body.new_balance !== body.previous_balance! + body.credits_added!) problems.push(`new_balance ${body.new_balance} ≠ previous_balance ${body.previous_balance} + credits_added ${body.credits_added}`);
    }
    // A write, accepted or refused, must leave the organization and what it touched readable.
    // If it does not, the store is replaced: later requests (and the shrinking of this one) start
    // clean instead of all failing the same way.
    if (op.method !== 'GET' && op.method !== 'HEAD') {
      // Reads of a random path may fail for the path's sake; only real resources are probed.
      const real = fixtures.resourcesFor(op).some((r) => Object.entries(request.path).every(([k, v]) => r[k] === v));
      const broken = await brokenReads([ORGANIZATION_URL, ...(real ? readsAround(op, request.path) : [])]);
      if (broken.length > 0) {
        problems.push(...broken.map((b) => `afterwards ${b}`));
        await freshApp();
      }
    }
    if (problems.length > 0) throw new Error(`\n${problems.map((p) => `  - ${p}`).join('\n')}\n${describeExchange(op, request, sent, res)}`);
  }

  /** `GET url → status body` for each read that fails with the admin key. */
  async function brokenReads(urls: string[]): Promise<string[]> {
    const broken: string[] = [];
    for (const url of urls) {
      const res = await t.call({ method: 'GET', url });
      requests++;
      // The organization must stay readable with the admin key; anything else must not fail.
      if (res.statusCode >= 500 || (url === ORGANIZATION_URL && res.statusCode !== 200)) broken.push(`GET ${url} with the admin key answers ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    return broken;
  }

  for (const op of doc.operations.filter(part.includes)) {
    for (const category of CATEGORIES) {
      test(`${op.method} ${op.path} — ${category}`, { timeout: TIME_LIMIT_MS + 60_000 }, async () => {
        // What earlier requests broke (reads of every resource, the pool) is reported here, once,
        // and the store replaced, so one defect does not fail every later test unexplained.
        const leftBroken = await restoreStore(op);
        const arbitrary = requestArbitrary(op, category, { schemas, resources: fixtures.resourcesFor(op) });
        const seen = fuzzed.get(op.operationId) ?? new Set<Category>();
        fuzzed.set(op.operationId, seen);
        seen.add(category);
        try {
          await fc.assert(
            fc.asyncProperty(arbitrary, (request) => exchange(op, request)),
            { seed: seedFor(op, category), numRuns: RUNS, includeErrorInReport: true, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
          );
        } catch (err) {
          if (leftBroken) (err as Error).message = `${leftBroken}\n\n${(err as Error).message}`;
          throw err;
        }
        if (leftBroken) assert.fail(leftBroken);
      });
    }
  }

  /** Null when the store is sound; otherwise what was broken (the store is then replaced). */
  async function restoreStore(op: Operation): Promise<string | null> {
    const broken = await brokenReads(PLAIN_READS);
    if (broken.length > 0) {
      await freshApp();
      return `an earlier request left the store broken (replaced by a fresh one for this test):\n${broken.join('\n')}`;
    }
    if (!op.parameters.some((p) => p.in === 'path')) return null;
    try {
      await fixtures.refresh();
      return null;
    } catch (err) {
      await freshApp();
      return `an earlier request left the pool users or keys broken (store replaced for this test): ${(err as Error).message}`;
    }
  }

  test(`every operation of openapi.json in this part (${part.name}) was fuzzed in every family`, () => {
    let declared = 0;
    for (const item of Object.values(doc.raw.paths as Record<string, Record<string, unknown>>)) {
      declared += Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(k)).length;
    }
    // Every operation of the document belongs to one part (the parts are a predicate and its complement).
    assert.equal(doc.operations.length, declared, 'operations read = operations in openapi.json');
    assert.equal(fuzzed.size, doc.operations.filter(part.includes).length, 'fuzzed operations = operations of this part');
    for (const [id, families] of fuzzed) assert.equal(families.size, CATEGORIES.length, `${id} fuzzed in ${[...families].join(', ')}`);
  });

  test('afterwards the organization is readable and the credit ledger agrees with the balance', async () => {
    const org = await organization();
    const balance = await t.call({ method: 'GET', url: '/v1/organizations/billing/balance' });
    requests++;
    assert.equal(balance.statusCode, 200, balance.body);
    assert.equal(balance.json().credit_balance, org.credit_count, 'balance endpoint and credit_count agree');
    assert.equal(org.credit_count, startingCredits + creditsAdded, `starting ${startingCredits} + accepted top-ups ${creditsAdded}`);
  });
});
}

/** The GETs of the resources a write named in its path (the user, the user's keys). */
function readsAround(op: Operation, path: Record<string, string>): string[] {
  const given = new Set(op.parameters.filter((p) => p.in === 'path').map((p) => p.name));
  if (given.size === 0) return [];
  return doc.operations
    .filter((o) => o.method === 'GET' && o.parameters.some((p) => p.in === 'path') && o.parameters.every((p) => p.in !== 'path' || given.has(p.name)))
    .flatMap((o) => readUrl(o, path) ?? []);
}

function readUrl(op: Operation, path: Record<string, string>): string | null {
  const query: string[] = [];
  for (const p of op.parameters.filter((p) => p.in === 'query' && p.required)) {
    if (p.schema.default === undefined) return null;
    query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(String(p.schema.default))}`);
  }
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodePathParameter(path[name] ?? ''));
  return query.length > 0 ? `${url}?${query.join('&')}` : url;
}

/** One seed per operation and family, so adding an operation does not change the others' requests. */
function seedFor(op: Operation, category: Category): number {
  let hash = 0x811c9dc5 ^ SEED;
  for (const ch of `${op.operationId}:${category}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return hash | 0;
}

function integerFromEnv(name: string, fallback: number, min = -(2 ** 31)): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > 2 ** 31 - 1) throw new Error(`${name} must be an integer ≥ ${min}: ${text}`);
  return n;
}
