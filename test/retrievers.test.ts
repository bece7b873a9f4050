// Retrievers CRUD through the HTTP API (SPEC §15.1): create in the spec form and the docs' legacy
// forms (returned in the spec form), refusals (400 naming the path, 404 unknown collections, 409
// names, 422 schema), PATCH of the mutable fields only, clone, delete, lists, the public stage
// catalogue, the tier quota, and tenancy (another organization's or namespace's retriever is a 404).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATIONS, PUBLIC_OPERATIONS } from '../src/api/operations-catalogue.ts';
import { TIERS } from '../src/engine/accounts/tiers.ts';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;
const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };
const SCHEMA = { properties: { content: { type: 'text' }, title: { type: 'string' } } };

describe(`retrievers [${BACKEND}]`, () => {
  let t: TestApp;
  let ns: Json;
  let collection: Json;
  let featureUri: string;
  const h = (n: Json = ns) => ({ 'x-namespace': n.namespace_id });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = h(), key?: string) {
    return t.call({ method, url, headers, ...(payload !== undefined ? { payload: payload as Json } : {}), ...(key ? { key } : {}) });
  }
  async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>, key?: string): Promise<Json> {
    const res = await call(method, url, payload, headers, key);
    assert.ok(res.statusCode === 200 || res.statusCode === 201, `${method} ${url}: ${res.statusCode} ${res.body.slice(0, 800)}`);
    return res.json();
  }
  const searchStage = (name = 'search', extra: Json = {}) => ({
    stage_name: name,
    stage_type: 'filter',
    config: { stage_id: 'feature_search', parameters: { searches: [{ feature_uri: featureUri, query: '{{INPUT.query}}', top_k: 50 }], final_top_k: 10, ...extra } },
  });
  const spec = (extra: Json = {}): Json => ({
    retriever_name: uniqueName('r'),
    description: 'semantic search',
    collection_identifiers: [collection.collection_id],
    input_schema: { query: { type: 'text', required: true, description: 'what to find' } },
    stages: [searchStage()],
    ...extra,
  });
  async function create(payload: Json, n: Json = ns, key?: string): Promise<Json> {
    const body = await ok('POST', '/v1/retrievers', payload, h(n), key);
    assert.equal(body.retriever_id, body.retriever.retriever_id);
    return body.retriever;
  }
  async function namespace(key?: string): Promise<Json> {
    return ok('POST', '/v1/namespaces', { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] }, {}, key);
  }
  async function collectionIn(n: Json, key?: string): Promise<Json> {
    const bucket = await ok('POST', '/v1/buckets', { bucket_name: uniqueName('b'), bucket_schema: SCHEMA }, h(n), key);
    return ok('POST', '/v1/collections', { collection_name: uniqueName('col'), source: { type: 'bucket', bucket_ids: [bucket.bucket_id] }, feature_extractor: { ...TEXT, input_mappings: { text: 'content' } } }, h(n), key);
  }

  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    ns = await namespace();
    collection = await collectionIn(ns);
    featureUri = collection.vector_indexes[0].feature_uri;
  });
  after(() => t.close());

  test('create in the spec form: 200 {retriever, retriever_id}; version 1; stage_type, feature_dependencies; GET by id and by name', async () => {
    const payload = spec({ tags: ['prod', 'v1'], budget_limits: { max_credits: 5, max_time_ms: 30_000 }, display_config: { title: 'Search' } });
    const r = await create(payload);
    assert.match(r.retriever_id, /^ret_[a-z0-9]{20}$/);
    assert.equal(r.retriever_name, payload.retriever_name);
    assert.equal(r.description, 'semantic search');
    assert.deepEqual(r.collection_ids, [collection.collection_id]);
    assert.equal(r.version, 1);
    assert.deepEqual(r.tags, ['prod', 'v1']);
    assert.deepEqual(r.budget_limits, { max_credits: 5, max_time_ms: 30_000 });
    assert.deepEqual(r.display_config, { title: 'Search' });
    assert.equal(r.stages.length, 1);
    assert.equal(r.stages[0].stage_name, 'search');
    assert.equal(r.stages[0].stage_type, 'filter');
    assert.equal(r.stages[0].config.stage_id, 'feature_search');
    assert.equal(r.stages[0].config.parameters.searches[0].feature_uri, featureUri);
    assert.deepEqual(r.input_schema.query, { type: 'text', required: true, description: 'what to find' });
    const [, extractor, version, output] = /^mixpeek:\/\/([^@]+)@([^/]+)\/(.+)$/.exec(featureUri)!;
    assert.deepEqual(r.feature_dependencies, [{ scheme: 'mixpeek', extractor, version, output }]);
    assert.ok(r.created_by, 'created_by is the acting user');
    assert.equal(r.created_at, r.updated_at);

    const byId = await ok('GET', `/v1/retrievers/${r.retriever_id}`);
    assert.deepEqual(byId, { ...r, is_published: false });
    const byName = await ok('GET', `/v1/retrievers/${encodeURIComponent(r.retriever_name)}`);
    assert.equal(byName.retriever_id, r.retriever_id);
    // Collection names resolve to ids.
    const named = await create(spec({ collection_identifiers: [collection.collection_name] }));
    assert.deepEqual(named.collection_ids, [collection.collection_id]);
  });

  test('legacy forms are accepted and answered in the spec form', async () => {
    // The quickstart: collection_ids, input_schema.properties with required, flat stages without names.
    const quickstart = await create({
      retriever_name: uniqueName('legacy'),
      collection_ids: [collection.collection_name],
      input_schema: { properties: { query: { type: 'text' }, min_price: { type: 'number' } }, required: ['query'] },
      stages: [
        { stage_type: 'filter', stage_id: 'semantic_search', parameters: { feature_uri: featureUri, query: '{{INPUT.query}}', limit: 20 } },
        { stage_id: 'attribute_filter', parameters: { field: 'title', operator: 'eq', value: 'x' } },
        { stage_id: 'attribute_filter', parameters: { field: 'title', operator: 'ne', value: 'y' } },
      ],
    });
    assert.deepEqual(quickstart.collection_ids, [collection.collection_id]);
    assert.deepEqual(quickstart.input_schema, { query: { type: 'text', required: true, description: null }, min_price: { type: 'number', required: false, description: null } });
    assert.deepEqual(quickstart.stages.map((s: Json) => [s.stage_name, s.stage_type, s.config.stage_id]), [
      ['feature_search', 'filter', 'feature_search'],
      ['attribute_filter', 'filter', 'attribute_filter'],
      ['attribute_filter_2', 'filter', 'attribute_filter'],
    ]);
    assert.ok(Array.isArray(quickstart.stages[0].config.parameters.searches), 'legacy feature_search parameters normalised to searches');
    // The tutorials: {stage_name: "knn_search", version, parameters}.
    const tutorial = await create({
      retriever_name: uniqueName('tutorial'),
      collection_identifiers: [collection.collection_id],
      stages: [{ stage_name: 'knn_search', version: 'v1', parameters: { searches: [{ feature_uri: featureUri, query: '{{INPUT.q}}' }] } }],
    });
    assert.deepEqual(tutorial.stages.map((s: Json) => [s.stage_name, s.stage_type, s.config.stage_id]), [['knn_search', 'filter', 'feature_search']]);
    assert.deepEqual(tutorial.input_schema, {});
    // RetrieverConfig's own example: {name, stage_type, config: {stage_name: <stage id>, parameters}}.
    const example = await create({
      retriever_name: uniqueName('example'),
      stages: [{ name: 'filter_high_spend', stage_type: 'filter', config: { stage_name: 'attribute_filter', version: 'v1', parameters: { field: 'metadata.spend', operator: 'gt', value: 1000 } } }],
    });
    assert.deepEqual(example.stages.map((s: Json) => [s.stage_name, s.config.stage_id]), [['filter_high_spend', 'attribute_filter']]);
    assert.deepEqual(example.collection_ids, []);
    // stage_type is the catalogue's, whatever was sent.
    const sorted = await create(spec({ stages: [searchStage(), { stage_name: 'by_title', stage_type: 'filter', config: { stage_id: 'sort_attribute', parameters: { sort_field: 'title' } } }] }));
    assert.equal(sorted.stages[1].stage_type, 'sort');
  });

  test('refusals: 400 naming the path (unknown stage, bad parameters, duplicate stage names, bad input types), 404 unknown collection, 422 schema; nothing created', async () => {
    const count = async () => (await ok('POST', '/v1/retrievers/list?include_total=true', {})).total as number;
    const before = await count();
    const unknown = assertError(await call('POST', '/v1/retrievers', spec({ stages: [{ stage_name: 's', config: { stage_id: 'nope_search', parameters: {} } }] })), 400, 'BadRequestError');
    assert.equal(unknown.error.details.field, 'stages[0].config.stage_id');
    assert.ok(unknown.error.details.known_stage_ids.includes('feature_search'));
    assert.match(unknown.error.message, /feature_search/);
    const flat = assertError(await call('POST', '/v1/retrievers', spec({ stages: [searchStage(), { stage_id: 'nope' }] })), 400, 'BadRequestError');
    assert.equal(flat.error.details.field, 'stages[1].stage_id');
    const params = assertError(await call('POST', '/v1/retrievers', spec({ stages: [{ stage_name: 's', config: { stage_id: 'feature_search', parameters: { searches: [{ feature_uri: featureUri, query: 'x', top_k: -1 }] } } }] })), 400, 'BadRequestError');
    assert.match(params.error.details.field, /^stages\[0\]\.config\.parameters\.searches\[0\]\.top_k/);
    const dup = assertError(await call('POST', '/v1/retrievers', spec({ stages: [searchStage('a'), searchStage('a')] })), 400, 'BadRequestError');
    assert.equal(dup.error.details.field, 'stages[1].stage_name');
    const type = assertError(await call('POST', '/v1/retrievers', spec({ input_schema: { query: { type: 'hologram' } } })), 400, 'BadRequestError');
    assert.equal(type.error.details.field, 'input_schema.query.type');
    const required = assertError(await call('POST', '/v1/retrievers', spec({ input_schema: { properties: { q: { type: 'text' } }, required: ['other'] } })), 400, 'BadRequestError');
    assert.equal(required.error.details.field, 'input_schema.required');
    const badType = assertError(await call('POST', '/v1/retrievers', spec({ stages: [{ ...searchStage(), stage_type: 'transmogrify' }] })), 400, 'BadRequestError');
    assert.equal(badType.error.details.field, 'stages[0].stage_type');
    const name = assertError(await call('POST', '/v1/retrievers', spec({ retriever_name: ' spaced' })), 400, 'BadRequestError');
    assert.equal(name.error.details.field, 'retriever_name');
    const missing = assertError(await call('POST', '/v1/retrievers', spec({ collection_identifiers: [collection.collection_id, 'no_such_collection'] })), 404, 'NotFoundError');
    assert.deepEqual(missing.error.details, { resource: 'collection', id: 'no_such_collection', field: 'collection_identifiers[1]' });
    assertError(await call('POST', '/v1/retrievers', spec({ stages: [] })), 422, 'ValidationError');
    assertError(await call('POST', '/v1/retrievers', { stages: [searchStage()] }), 422, 'ValidationError');
    assertError(await call('POST', '/v1/retrievers', spec({ budget_limits: { max_credits: -1 } })), 422, 'ValidationError');
    assertError(await call('POST', '/v1/retrievers', spec(), {}), 400, 'BadRequestError');
    assert.equal(await count(), before, 'nothing was created');
  });

  test('names are unique in the namespace (409), not across namespaces', async () => {
    const r = await create(spec());
    const clash = assertError(await call('POST', '/v1/retrievers', spec({ retriever_name: r.retriever_name })), 409, 'AlreadyExistsError');
    assert.deepEqual(clash.error.details, { resource: 'retriever', retriever_name: r.retriever_name });
    const other = await namespace();
    const elsewhere = await create({ retriever_name: r.retriever_name, stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }] }, other);
    assert.notEqual(elsewhere.retriever_id, r.retriever_id);
  });

  test('PATCH: name, description, tags, display_config; version + 1; immutable fields and empty patches refused (400 naming clone); 409 on a taken name', async () => {
    const r = await create(spec({ tags: ['a'] }));
    const patched = (await ok('PATCH', `/v1/retrievers/${r.retriever_id}`, { retriever_name: `${r.retriever_name}_v2`, description: 'better', tags: ['b', 'c'], display_config: { title: 'T' } })).retriever;
    assert.equal(patched.retriever_name, `${r.retriever_name}_v2`);
    assert.equal(patched.description, 'better');
    assert.deepEqual(patched.tags, ['b', 'c']);
    assert.deepEqual(patched.display_config, { title: 'T' });
    assert.equal(patched.version, 2);
    assert.deepEqual(patched.stages, r.stages);
    assert.ok(patched.updated_at >= r.updated_at);
    const again = (await ok('PATCH', `/v1/retrievers/${patched.retriever_name}`, { description: null })).retriever;
    assert.equal(again.description, null);
    assert.equal(again.version, 3);
    for (const field of ['stages', 'input_schema', 'collection_identifiers', 'budget_limits', 'collection_ids']) {
      const body = assertError(await call('PATCH', `/v1/retrievers/${r.retriever_id}`, { description: 'x', [field]: field === 'stages' ? [searchStage()] : {} }), 400, 'BadRequestError');
      assert.deepEqual(body.error.details.fields, [field]);
      assert.match(body.error.message, /clone/);
    }
    assertError(await call('PATCH', `/v1/retrievers/${r.retriever_id}`, {}), 400, 'BadRequestError');
    const other = await create(spec());
    assertError(await call('PATCH', `/v1/retrievers/${r.retriever_id}`, { retriever_name: other.retriever_name }), 409, 'AlreadyExistsError');
    const unchanged = await ok('GET', `/v1/retrievers/${r.retriever_id}`);
    assert.equal(unchanged.version, 3);
    assert.equal(unchanged.description, null);
    assertError(await call('PATCH', '/v1/retrievers/ret_missing', { description: 'x' }), 404, 'NotFoundError');
  });

  test('clone: 201 {retriever, source_retriever_id}; overrides checked as a create; the source unchanged', async () => {
    const source = await create(spec({ tags: ['orig'], budget_limits: { max_credits: 3 } }));
    const res = await call('POST', `/v1/retrievers/${source.retriever_name}/clone`, { retriever_name: uniqueName('copy') });
    assert.equal(res.statusCode, 201, res.body);
    const copy = res.json();
    assert.equal(copy.source_retriever_id, source.retriever_id);
    assert.notEqual(copy.retriever.retriever_id, source.retriever_id);
    assert.equal(copy.retriever.version, 1);
    for (const key of ['stages', 'input_schema', 'collection_ids', 'budget_limits', 'tags', 'description', 'feature_dependencies']) assert.deepEqual(copy.retriever[key], source[key], key);
    const changed = (await ok('POST', `/v1/retrievers/${source.retriever_id}/clone`, {
      retriever_name: uniqueName('copy2'),
      stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }],
      collection_ids: [],
      input_schema: { properties: { q: { type: 'string' } } },
      tags: ['new'],
    })).retriever;
    assert.deepEqual(changed.stages.map((s: Json) => s.config.stage_id), ['attribute_filter']);
    assert.deepEqual(changed.collection_ids, []);
    assert.deepEqual(Object.keys(changed.input_schema), ['q']);
    assert.deepEqual(changed.tags, ['new']);
    assert.deepEqual(changed.feature_dependencies, []);
    assertError(await call('POST', `/v1/retrievers/${source.retriever_id}/clone`, { retriever_name: source.retriever_name }), 409, 'AlreadyExistsError');
    assertError(await call('POST', `/v1/retrievers/${source.retriever_id}/clone`, { retriever_name: uniqueName('c'), stages: [{ stage_id: 'nope' }] }), 400, 'BadRequestError');
    assertError(await call('POST', `/v1/retrievers/${source.retriever_id}/clone`, {}), 422, 'ValidationError');
    assertError(await call('POST', '/v1/retrievers/ret_missing/clone', { retriever_name: uniqueName('c') }), 404, 'NotFoundError');
    assert.deepEqual(await ok('GET', `/v1/retrievers/${source.retriever_id}`), { ...source, is_published: false });
  });

  test('delete: synchronous, then 404; the name is free again', async () => {
    const r = await create(spec());
    const res = await ok('DELETE', `/v1/retrievers/${r.retriever_name}`);
    assert.deepEqual(res, { success: true, retriever_id: r.retriever_id, retriever_name: r.retriever_name, message: `Retriever '${r.retriever_name}' deleted` });
    assertError(await call('GET', `/v1/retrievers/${r.retriever_id}`), 404, 'NotFoundError');
    assertError(await call('DELETE', `/v1/retrievers/${r.retriever_id}`), 404, 'NotFoundError');
    await create(spec({ retriever_name: r.retriever_name }));
  });

  test('list: {results, total, pagination}; paging, search, filters, sorts; other namespaces not listed', async () => {
    const n = await namespace();
    const col = await collectionIn(n);
    const made: Json[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await create({ retriever_name: `lister_${i}`, description: i % 2 ? 'odd one' : 'even one', tags: i === 3 ? ['special'] : [], collection_identifiers: [col.collection_id], stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: String(i) } }] }, n));
    }
    const all = await ok('POST', '/v1/retrievers/list', {}, h(n));
    assert.equal(all.total, 5);
    assert.deepEqual(all.results.map((r: Json) => r.retriever_name), ['lister_4', 'lister_3', 'lister_2', 'lister_1', 'lister_0'], 'newest first');
    assert.equal(all.results[0].is_published, false);
    const page = await ok('POST', '/v1/retrievers/list?limit=2&offset=2', {}, h(n));
    assert.deepEqual(page.results.map((r: Json) => r.retriever_name), ['lister_2', 'lister_1']);
    assert.equal(page.total, 5);
    assert.equal(page.pagination.page, 2);
    assert.equal(page.pagination.next_page, '3');
    const next = await ok('POST', `/v1/retrievers/list?limit=2&cursor=${page.pagination.next_cursor}`, {}, h(n));
    assert.deepEqual(next.results.map((r: Json) => r.retriever_name), ['lister_0']);
    assert.deepEqual((await ok('POST', '/v1/retrievers/list', { search: 'ODD' }, h(n))).results.map((r: Json) => r.retriever_name).sort(), ['lister_1', 'lister_3']);
    assert.deepEqual((await ok('POST', '/v1/retrievers/list', { search: 'ODD', case_sensitive: true }, h(n))).total, 0);
    assert.deepEqual((await ok('POST', '/v1/retrievers/list', { search: 'special' }, h(n))).results.map((r: Json) => r.retriever_name), ['lister_3']);
    const filtered = await ok('POST', '/v1/retrievers/list', { filters: { AND: [{ field: 'retriever_name', operator: 'in', value: ['lister_0', 'lister_4'] }] }, sorts: [{ field: 'retriever_name', direction: 'asc' }] }, h(n));
    assert.deepEqual(filtered.results.map((r: Json) => r.retriever_name), ['lister_0', 'lister_4']);
    assert.equal((await ok('POST', '/v1/retrievers/list', { filters: { stage_count: 1, version: 1 } }, h(n))).total, 5);
    assert.equal((await ok('POST', '/v1/retrievers/list', undefined, h(n))).total, 5, 'the body is optional');
    assertError(await call('POST', '/v1/retrievers/list', { filters: { AND: [{ field: 'x', operator: 'bogus', value: 1 }] } }, h(n)), 400, 'BadRequestError');
    assertError(await call('POST', '/v1/retrievers/list?limit=0', {}, h(n)), 422, 'ValidationError');
    assert.ok(!(await ok('POST', '/v1/retrievers/list?limit=100', {})).results.some((r: Json) => r.retriever_name.startsWith('lister_')));
    assertError(await call('POST', '/v1/retrievers/list', {}, {}), 400, 'BadRequestError');
  });

  test('catalogue: CRUD, lists and history are metadata; executions are search', () => {
    const byId = Object.fromEntries(Object.entries(OPERATIONS).filter(([id]) => id.includes('retriever') || id.includes('execution')));
    assert.equal(Object.keys(byId).length, 12);
    for (const [id, policy] of Object.entries(byId)) assert.equal(policy.category, /^execute_/.test(id) ? 'search' : 'metadata', id);
    assert.ok(PUBLIC_OPERATIONS.has('list_stages_v1_retrievers_stages_get'));
  });

  test('GET /v1/retrievers/stages: public, every stage with its schema and aliases; ?category=', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/retrievers/stages', key: null });
    assert.equal(res.statusCode, 200, res.body);
    const stages: Json[] = res.json();
    const ids = stages.map((s) => s.stage_id);
    for (const id of ['feature_search', 'attribute_filter', 'sort_attribute', 'limit']) assert.ok(ids.includes(id), id);
    const fs = stages.find((s) => s.stage_id === 'feature_search')!;
    assert.equal(fs.category, 'filter');
    assert.equal(typeof fs.icon, 'string');
    assert.equal(typeof fs.description, 'string');
    assert.equal(fs.parameter_schema.type, 'object');
    assert.ok(fs.aliases.includes('semantic_search'));
    const sorts = (await t.call({ method: 'GET', url: '/v1/retrievers/stages?category=sort', key: null })).json();
    assert.ok(sorts.length > 0 && sorts.every((s: Json) => s.category === 'sort'));
    assertError(await t.call({ method: 'GET', url: '/v1/retrievers/stages?category=nope', key: null }), 400, 'BadRequestError');
  });

  test('tenancy: another organization\'s or namespace\'s retriever is a 404 on every route, and unchanged', async () => {
    const r = await create(spec());
    const other = await otherOrganization(t);
    const otherNs = await namespace(other.apiKey);
    const sibling = await namespace();
    const id = r.retriever_id;
    const requests = [r.retriever_id, r.retriever_name].flatMap((ident) => [
      { method: 'GET' as const, url: `/v1/retrievers/${ident}` },
      { method: 'PATCH' as const, url: `/v1/retrievers/${ident}`, payload: { description: 'hijacked' } },
      { method: 'DELETE' as const, url: `/v1/retrievers/${ident}` },
      { method: 'POST' as const, url: `/v1/retrievers/${ident}/clone`, payload: { retriever_name: uniqueName('stolen') } },
      { method: 'POST' as const, url: `/v1/retrievers/${ident}/execute`, payload: { inputs: { query: 'x' } } },
      { method: 'POST' as const, url: `/v1/retrievers/${ident}/executions/list`, payload: {} },
      { method: 'GET' as const, url: `/v1/retrievers/${ident}/executions/exec_missing` },
    ]);
    // A retriever naming this namespace's collection from elsewhere: the collection is not found there.
    requests.push({ method: 'POST' as const, url: '/v1/retrievers', payload: spec() as never });
    requests.push({ method: 'POST' as const, url: '/v1/retrievers/execute', payload: { ...spec(), inputs: { query: 'x' } } as never });
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => [await ok('GET', `/v1/retrievers/${id}`), (await ok('POST', '/v1/retrievers/list', {}, h(sibling))).total],
    });
    // The other organization naming this namespace: not found.
    assertError(await call('GET', `/v1/retrievers/${id}`, undefined, h(), other.apiKey), 404, 'NotFoundError');
    assertError(await call('POST', '/v1/retrievers/list', {}, h(), other.apiKey), 404, 'NotFoundError');
    // A key scoped to the sibling namespace cannot enter this one.
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: sibling.namespace_id }]);
    for (const r2 of [
      { method: 'GET' as const, url: `/v1/retrievers/${id}` },
      { method: 'POST' as const, url: '/v1/retrievers', payload: spec() },
      { method: 'POST' as const, url: `/v1/retrievers/${id}/execute`, payload: { inputs: { query: 'x' } } },
      { method: 'DELETE' as const, url: `/v1/retrievers/${id}` },
    ]) {
      assertError(await t.call({ ...r2, headers: h(), key: scoped }), 403, 'ForbiddenError');
    }
    assert.equal((await call('GET', `/v1/retrievers/${id}`)).statusCode, 200);
  });
});

describe(`retriever quota on the free tier [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('3 retrievers on free; the fourth (create or clone) is 403 QuotaExceededError and creates nothing; deleting frees a slot', async () => {
    const limit = TIERS.free.quotas.retrievers!;
    assert.equal(limit, 3);
    const ns = (await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [TEXT] } })).json();
    const h = { 'x-namespace': ns.namespace_id };
    const body = () => ({ retriever_name: uniqueName('q'), stages: [{ stage_id: 'attribute_filter', parameters: { field: 'title', value: 'x' } }] });
    const ids: string[] = [];
    for (let i = 0; i < limit; i++) {
      const res = await t.call({ method: 'POST', url: '/v1/retrievers', headers: h, payload: body() });
      assert.equal(res.statusCode, 200, res.body);
      ids.push(res.json().retriever_id);
    }
    const refused = assertError(await t.call({ method: 'POST', url: '/v1/retrievers', headers: h, payload: body() }), 403, 'QuotaExceededError');
    assert.deepEqual(refused.error.details, { resource: 'retrievers', current: 3, limit: 3, tier: 'free' });
    assertError(await t.call({ method: 'POST', url: `/v1/retrievers/${ids[0]}/clone`, headers: h, payload: { retriever_name: uniqueName('c') } }), 403, 'QuotaExceededError');
    assert.equal((await t.call({ method: 'POST', url: '/v1/retrievers/list', headers: h, payload: {} })).json().total, 3);
    assert.equal((await t.call({ method: 'DELETE', url: `/v1/retrievers/${ids[0]}`, headers: h })).statusCode, 200);
    assert.equal((await t.call({ method: 'POST', url: '/v1/retrievers', headers: h, payload: body() })).statusCode, 200);
  });
});
