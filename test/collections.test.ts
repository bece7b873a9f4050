// Collections (SPEC §12) through HTTP on real storage: creation from buckets and from collections
// (tiers), the computed output_schema / vector_indexes, every refusal (error envelope, nothing
// stored), 409, PATCH immutability, list, features, delete rules, quota and tenancy.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

type Json = Record<string, any>;
const TEXT = { feature_extractor_name: 'text_extractor', version: 'v1' };
const SCHEMA = { properties: { content: { type: 'text' }, title: { type: 'string' }, price: { type: 'number' }, meta: { type: 'object', properties: { author: { type: 'string' } } } } };

describe(`collections [${BACKEND}]`, () => {
  let t: TestApp;
  let ns: Json;
  let bucket: Json;
  const h = (n: Json = ns) => ({ 'x-namespace': n.namespace_id });

  async function namespace(extractors: Json[] = [TEXT], key?: string): Promise<Json> {
    const res = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: extractors }, ...(key ? { key } : {}) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }
  async function makeBucket(n: Json = ns, schema: Json = SCHEMA, key?: string): Promise<Json> {
    const res = await t.call({ method: 'POST', url: '/v1/buckets', headers: h(n), payload: { bucket_name: uniqueName('b'), bucket_schema: schema }, ...(key ? { key } : {}) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }
  const body = (extra: Json = {}, fe: Json = {}): Json => ({
    collection_name: uniqueName('col'),
    source: { type: 'bucket', bucket_ids: [bucket.bucket_id] },
    feature_extractor: { ...TEXT, input_mappings: { text: 'content' }, ...fe },
    ...extra,
  });
  async function create(payload: Json, n: Json = ns, key?: string): Promise<Json> {
    const res = await t.call({ method: 'POST', url: '/v1/collections', headers: h(n), payload, ...(key ? { key } : {}) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }
  const count = async (n: Json = ns) => (await t.call({ method: 'GET', url: `/v1/namespaces/${n.namespace_id}` })).json().collection_count as number;

  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
    ns = await namespace();
    bucket = await makeBucket();
  });
  after(() => t.close());

  test('create from a bucket: output_schema, vector_indexes and extractor config computed at creation; GET by id and name; features', async () => {
    const c = await create(body({ description: 'd', metadata: { team: 'x' } }, { field_passthrough: ['title', { source_path: 'meta.author', required: true }] }));
    assert.match(c.collection_id, /^col_[a-z0-9]{20}$/);
    assert.equal(c.namespace_id, ns.namespace_id);
    assert.equal(c.processing_tier, 0);
    assert.deepEqual(c.source, { type: 'bucket', bucket_ids: [bucket.bucket_id], collection_id: null, collection_ids: null, inherited_bucket_ids: [], source_filters: null });
    assert.deepEqual(Object.keys(c.input_schema.properties).sort(), ['content', 'meta', 'meta.author', 'price', 'title']);
    assert.deepEqual(c.output_schema.properties, {
      title: { type: 'string' },
      author: { type: 'string' },
      text: { type: 'text', description: 'The embedded text (the chunk when chunking)' },
    });
    assert.deepEqual(c.feature_extractor.input_mappings, { text: 'content' });
    assert.deepEqual(c.feature_extractor.field_passthrough, [
      { source_path: 'title', target_path: 'title', default: null, required: false },
      { source_path: 'meta.author', target_path: 'author', default: null, required: true },
    ]);
    assert.equal(c.feature_extractor.feature_extractor_id, 'text_extractor_v1');
    assert.deepEqual(c.feature_extractor.parameters, { extractor_type: 'text_extractor', split_by: 'none', chunk_size: 1000, chunk_overlap: 0 });
    assert.equal(c.feature_extractor.params.locked_models.embedding.model, 'tessera_lexical_v1');
    assert.equal(c.vector_indexes.length, 1);
    assert.equal(c.vector_indexes[0].name, 'text_extractor_v1_embedding');
    assert.equal(c.vector_indexes[0].feature_uri, 'mixpeek://text_extractor@v1/tessera_lexical_v1');
    assert.equal(c.vector_indexes[0].index.dimensions, 384);
    assert.deepEqual([c.enabled, c.metadata, c.description, c.document_count, c.schema_version], [true, { team: 'x' }, 'd', 0, 1]);
    assert.deepEqual((await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h() })).json(), c);
    assert.deepEqual((await t.call({ method: 'GET', url: `/v1/collections/${c.collection_name}`, headers: h() })).json(), c);
    const features = (await t.call({ method: 'GET', url: `/v1/collections/${c.collection_name}/features`, headers: h() })).json();
    assert.deepEqual(features, { features: [{ feature_address: c.vector_indexes[0].feature_uri, feature_extractor_name: 'text_extractor', version: 'v1', vector_index: c.vector_indexes[0].index, primary: true }] });
    // X-Namespace is required on every collection route.
    assertError(await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}` }), 400, 'BadRequestError');
    assertError(await t.call({ method: 'POST', url: '/v1/collections', payload: body() }), 400, 'BadRequestError');
  });

  test('aliases and forms: source.bucket_id, list-form input_mappings, "payload." paths, chunking parameters add chunk fields, unknown parameter keys tolerated', async () => {
    const c = await create({
      collection_name: uniqueName('col'),
      source: { bucket_id: bucket.bucket_name },
      feature_extractor: { ...TEXT, input_mappings: [{ input_key: 'text', source_type: 'payload', path: 'payload.content' }], parameters: { extractor_type: 'text_extractor', split_by: 'words', chunk_size: 50, model: 'whatever' } },
    });
    assert.deepEqual(c.source.bucket_ids, [bucket.bucket_id]);
    assert.deepEqual(c.feature_extractor.input_mappings, { text: 'content' });
    assert.deepEqual(c.feature_extractor.parameters, { extractor_type: 'text_extractor', split_by: 'words', chunk_size: 50, chunk_overlap: 0 });
    assert.deepEqual(Object.keys(c.output_schema.properties), ['text', 'chunk_index', 'chunk_text', 'total_chunks']);
    // The string field type fits text_extractor too, and params may repeat the locked model.
    const s = await create(body({}, { input_mappings: { text: 'title' }, params: { model: 'tessera_lexical_v1', dimensions: 384 } }));
    assert.deepEqual(s.feature_extractor.input_mappings, { text: 'title' });
  });

  test('multi-bucket sources need compatible schemas; collection sources make tiers; a used source cannot be deleted', async () => {
    const twin = await makeBucket(ns, SCHEMA);
    const both = await create(body({ source: { type: 'bucket', bucket_ids: [bucket.bucket_id, twin.bucket_id] } }));
    assert.deepEqual(both.source.bucket_ids, [bucket.bucket_id, twin.bucket_id]);
    const odd = await makeBucket(ns, { properties: { content: { type: 'text' }, title: { type: 'number' } } });
    const before = await count();
    const refused = assertError(await t.call({ method: 'POST', url: '/v1/collections', headers: h(), payload: body({ source: { type: 'bucket', bucket_ids: [bucket.bucket_id, odd.bucket_id] } }) }), 400, 'BadRequestError');
    assert.match(refused.error.message, /incompatible schemas/);
    assert.equal(await count(), before);

    const tier1 = await create({ collection_name: uniqueName('col'), source: { type: 'collection', collection_id: both.collection_name }, feature_extractor: { ...TEXT, input_mappings: { text: 'text' }, parameters: { split_by: 'sentences', chunk_size: 2 } } });
    assert.equal(tier1.processing_tier, 1);
    assert.deepEqual(tier1.source.collection_ids, [both.collection_id]);
    assert.equal(tier1.source.collection_id, both.collection_id);
    assert.deepEqual(tier1.source.inherited_bucket_ids, [bucket.bucket_id, twin.bucket_id]);
    assert.deepEqual(tier1.input_schema.properties, both.output_schema.properties);
    const tier2 = await create({ collection_name: uniqueName('col'), source: { collection_ids: [tier1.collection_id] }, feature_extractor: { feature_extractor_name: 'passthrough_extractor', version: 'v1', include_all_source_fields: true } });
    assert.equal(tier2.processing_tier, 2);
    assert.deepEqual(tier2.vector_indexes, []);
    assert.deepEqual(Object.keys(tier2.output_schema.properties), ['text', 'chunk_index', 'chunk_text', 'total_chunks']);
    assert.deepEqual((await t.call({ method: 'GET', url: `/v1/collections/${tier2.collection_id}/features`, headers: h() })).json(), { features: [] });

    const inUse = assertError(await t.call({ method: 'DELETE', url: `/v1/collections/${both.collection_id}`, headers: h() }), 400, 'BadRequestError');
    assert.match(inUse.error.message, new RegExp(tier1.collection_name));
    assert.deepEqual(inUse.error.details.dependent_collection_ids, [tier1.collection_id]);
    assert.equal((await t.call({ method: 'GET', url: `/v1/collections/${both.collection_id}`, headers: h() })).statusCode, 200);
    const n = await count();
    for (const c of [tier2, tier1, both]) {
      const res = await t.call({ method: 'DELETE', url: `/v1/collections/${c.collection_name}`, headers: h() });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, collection_id: c.collection_id, collection_name: c.collection_name, message: `Collection '${c.collection_name}' deleted` });
      assertError(await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h() }), 404, 'NotFoundError');
    }
    assert.equal(await count(), n - 3);
    assertError(await t.call({ method: 'DELETE', url: `/v1/collections/${both.collection_id}`, headers: h() }), 404, 'NotFoundError');
  });

  test('a delete racing a creation that reads from it: never both (no collection is left reading from a deleted one)', async () => {
    for (let round = 0; round < 8; round++) {
      const upstream = await create(body());
      const [made, deleted] = await Promise.all([
        t.call({ method: 'POST', url: '/v1/collections', headers: h(), payload: { collection_name: uniqueName('down'), source: { type: 'collection', collection_id: upstream.collection_id }, feature_extractor: { feature_extractor_name: 'passthrough_extractor', version: 'v1', include_all_source_fields: true } } }),
        t.call({ method: 'DELETE', url: `/v1/collections/${upstream.collection_id}`, headers: h() }),
      ]);
      const outcome = `create ${made.statusCode}, delete ${deleted.statusCode}`;
      assert.ok(
        (made.statusCode === 200 && deleted.statusCode === 400) || (made.statusCode === 404 && deleted.statusCode === 200),
        `exactly one wins: ${outcome} ${made.body} ${deleted.body}`,
      );
      if (made.statusCode === 200) {
        // The survivor reads from a collection that still exists; clean up in order.
        assert.equal((await t.call({ method: 'GET', url: `/v1/collections/${upstream.collection_id}`, headers: h() })).statusCode, 200);
        assert.equal((await t.call({ method: 'DELETE', url: `/v1/collections/${made.json().collection_id}`, headers: h() })).statusCode, 200);
      }
      await t.call({ method: 'DELETE', url: `/v1/collections/${upstream.collection_id}`, headers: h() });
    }
  });

  test('every refusal answers the error envelope naming what is wrong, and stores nothing', async () => {
    const onlyPassthrough = await namespace([{ feature_extractor_name: 'passthrough_extractor', version: 'v1' }]);
    const otherBucket = await makeBucket(onlyPassthrough);
    const upstream = await create(body());
    const cases: [string, Json, number, string, RegExp][] = [
      ['short name', body({ collection_name: 'ab' }), 400, 'BadRequestError', /collection_name must be 3-100/],
      ['id-shaped name', body({ collection_name: 'col_abcdefghij0123456789' }), 400, 'BadRequestError', /shape of a collection id/],
      ['unknown extractor', body({}, { feature_extractor_name: 'video_extractor' }), 400, 'BadRequestError', /known extractors are text_extractor@v1, passthrough_extractor@v1/],
      ['unknown version', body({}, { version: 'v2' }), 400, 'BadRequestError', /Unknown feature extractor 'text_extractor' version 'v2'/],
      ['unknown source field', body({}, { input_mappings: { text: 'body' } }), 400, 'BadRequestError', /'body' is not a field of the source schema/],
      ['wrong field type', body({}, { input_mappings: { text: 'price' } }), 400, 'BadRequestError', /'price' is number, but input 'text' of text_extractor takes text or string/],
      ['unknown input', body({}, { input_mappings: { text: 'content', image: 'title' } }), 400, 'BadRequestError', /has no input 'image'; its inputs are text/],
      ['missing mapping', body({}, { input_mappings: {} }), 400, 'BadRequestError', /input_mappings\.text is required/],
      ['literal mapping', body({}, { input_mappings: [{ input_key: 'text', source_type: 'literal', path: 'x' }] }), 400, 'BadRequestError', /'literal' is not supported/],
      ['unknown passthrough', body({}, { field_passthrough: ['nope'] }), 400, 'BadRequestError', /field_passthrough\[0\]\.source_path: 'nope' is not a field/],
      ['system target', body({}, { field_passthrough: [{ source_path: 'title', target_path: 'document_id' }] }), 400, 'BadRequestError', /clashes with the system field 'document_id'/],
      ['output target', body({}, { field_passthrough: [{ source_path: 'title', target_path: 'text' }] }), 400, 'BadRequestError', /clashes with the extractor output 'text'/],
      ['twice the same target', body({}, { field_passthrough: ['title', { source_path: 'meta.author', target_path: 'title' }] }), 400, 'BadRequestError', /target of two passthrough fields/],
      ['bad parameter', body({}, { parameters: { chunk_size: 0 } }), 400, 'BadRequestError', /feature_extractor\.parameters\.chunk_size must be at least 1/],
      ['bad enum', body({}, { parameters: { split_by: 'lines' } }), 400, 'BadRequestError', /parameters\.split_by must be one of/],
      ['LLM parameter', body({}, { parameters: { response_shape: { type: 'object' } } }), 400, 'BadRequestError', /response_shape is not supported/],
      ['model mismatch', body({}, { params: { model: 'multilingual_e5_large_instruct_v1' } }), 400, 'BadRequestError', /differs from the model its namespace locked \(tessera_lexical_v1\)/],
      ['dimension mismatch', body({}, { params: { dimensions: 1024 } }), 400, 'BadRequestError', /dimensions 1024 differs/],
      ['missing bucket', body({ source: { type: 'bucket', bucket_ids: ['bkt_missing'] } }), 404, 'NotFoundError', /Bucket not found/],
      ['bucket of another namespace', body({ source: { bucket_ids: [otherBucket.bucket_id] } }), 404, 'NotFoundError', /Bucket not found/],
      ['missing collection', body({ source: { type: 'collection', collection_id: 'col_missing' } }), 404, 'NotFoundError', /Collection not found/],
      ['both kinds of source', body({ source: { type: 'bucket', bucket_ids: [bucket.bucket_id], collection_id: upstream.collection_id } }), 400, 'BadRequestError', /collection_ids is forbidden for a bucket source/],
      ['no source ids', body({ source: { type: 'collection' } }), 400, 'BadRequestError', /needs collection_id or collection_ids/],
      ['bad source filter', body({ source: { bucket_ids: [bucket.bucket_id], source_filters: { filters: { AND: 'x' } } } }), 400, 'BadRequestError', /source\.source_filters\.filters/],
      ['taxonomies', body({ taxonomy_applications: [{ taxonomy_id: 'tax_1' }] }), 400, 'BadRequestError', /taxonomy_applications is not supported yet/],
      ['missing extractor', { collection_name: uniqueName('c'), source: { bucket_ids: [bucket.bucket_id] } }, 422, 'ValidationError', /validation/i],
    ];
    const before = (await t.call({ method: 'POST', url: '/v1/collections/list', headers: h(), payload: {} })).json().total_count;
    for (const [label, payload, status, type, message] of cases) {
      const err = assertError(await t.call({ method: 'POST', url: '/v1/collections', headers: h(), payload }), status, type);
      assert.match(err.error.message, message, `${label}: ${err.error.message}`);
    }
    // text_extractor in a namespace that does not configure it.
    const notConfigured = assertError(
      await t.call({ method: 'POST', url: '/v1/collections', headers: h(onlyPassthrough), payload: { ...body(), source: { bucket_ids: [otherBucket.bucket_id] } } }),
      400,
      'BadRequestError',
    );
    assert.match(notConfigured.error.message, /does not configure feature extractor text_extractor@v1 \(it configures passthrough_extractor@v1\)/);
    assert.equal((await t.call({ method: 'POST', url: '/v1/collections/list', headers: h(), payload: {} })).json().total_count, before);
    assert.equal(await count(onlyPassthrough), 0);
    // passthrough_extractor needs no namespace configuration (it locks no model).
    const copy = await create({ collection_name: uniqueName('col'), source: { bucket_ids: [bucket.bucket_id] }, feature_extractor: { feature_extractor_name: 'passthrough_extractor', version: 'v1', field_passthrough: ['content'] } });
    assert.deepEqual(copy.output_schema.properties, { content: { type: 'text' } });
  });

  test('names are unique in the namespace (409), across namespaces they may repeat; PATCH changes only the mutable fields', async () => {
    const c = await create(body());
    const dup = assertError(await t.call({ method: 'POST', url: '/v1/collections', headers: h(), payload: body({ collection_name: c.collection_name }) }), 409, 'AlreadyExistsError');
    assert.match(dup.error.message, /collection/i);
    const elsewhere = await namespace();
    const eb = await makeBucket(elsewhere);
    await create({ ...body({ collection_name: c.collection_name }), source: { bucket_ids: [eb.bucket_id] } }, elsewhere);

    const patched = await t.call({ method: 'PATCH', url: `/v1/collections/${c.collection_id}`, headers: h(), payload: { collection_name: `${c.collection_name}_2`, description: 'new', enabled: false, metadata: { a: 1 } } });
    assert.equal(patched.statusCode, 200, patched.body);
    const p = patched.json();
    assert.deepEqual([p.collection_name, p.description, p.enabled, p.metadata], [`${c.collection_name}_2`, 'new', false, { a: 1 }]);
    assert.deepEqual([p.output_schema, p.vector_indexes, p.source, p.feature_extractor], [c.output_schema, c.vector_indexes, c.source, c.feature_extractor]);
    const other = await create(body());
    const snapshot = async () => (await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h() })).json();
    const before = await snapshot();
    for (const [payload, status, pattern] of [
      [{ source: { bucket_ids: [bucket.bucket_id] } }, 400, /source is immutable; clone the collection instead/],
      [{ feature_extractor: { ...TEXT }, description: 'x' }, 400, /feature_extractor is immutable/],
      [{ collection_name: 'ab' }, 400, /3-100/],
      [{ enabled: 'yes' }, 400, /enabled must be a boolean/],
      [{ collection_name: other.collection_name }, 409, /collection/i],
    ] as const) {
      const err = assertError(await t.call({ method: 'PATCH', url: `/v1/collections/${c.collection_id}`, headers: h(), payload }), status, status === 409 ? 'AlreadyExistsError' : 'BadRequestError');
      assert.match(err.error.message, pattern);
    }
    assert.deepEqual(await snapshot(), before);
    assertError(await t.call({ method: 'PATCH', url: '/v1/collections/col_missing', headers: h(), payload: { description: 'x' } }), 404, 'NotFoundError');
  });

  test('list: filters, sort, search, paging, total_count and stats', async () => {
    const space = await namespace();
    const b = await makeBucket(space);
    const tag = uniqueName('l');
    const made: Json[] = [];
    for (const [i, team] of ['red', 'blue', 'red'].entries()) {
      made.push(await create({ collection_name: `${tag}_${i}`, source: { bucket_ids: [b.bucket_id] }, feature_extractor: { ...TEXT, input_mappings: { text: 'content' } }, metadata: { team } }, space));
    }
    await create({ collection_name: `${tag}_p`, source: { bucket_ids: [b.bucket_id] }, feature_extractor: { feature_extractor_name: 'passthrough_extractor', version: 'v1' }, enabled: false }, space);
    const list = (payload: Json, query = '') => t.call({ method: 'POST', url: `/v1/collections/list${query}`, headers: h(space), payload });
    const all = (await list({})).json();
    assert.equal(all.total_count, 4);
    assert.deepEqual(all.results.map((r: Json) => r.collection_name), [`${tag}_p`, `${tag}_2`, `${tag}_1`, `${tag}_0`]);
    assert.deepEqual(all.stats, { total_documents: 0, avg_documents_per_collection: 0, collections_with_taxonomies: 0, total_feature_extractors: 2, total_taxonomies: 0, total_retrievers: 0 });
    const red = (await list({ filters: { 'metadata.team': 'red' }, sort: { field: 'collection_name', direction: 'asc' } })).json();
    assert.deepEqual(red.results.map((r: Json) => r.collection_id), [made[0]!.collection_id, made[2]!.collection_id]);
    assert.equal(red.total_count, 2);
    const disabled = (await list({ filters: { AND: [{ field: 'enabled', operator: 'eq', value: false }] } })).json();
    assert.deepEqual(disabled.results.map((r: Json) => r.collection_name), [`${tag}_p`]);
    const byExtractor = (await list({ filters: { 'feature_extractor.feature_extractor_name': 'passthrough_extractor' } })).json();
    assert.equal(byExtractor.total_count, 1);
    assert.equal((await list({ search: `${tag}_1`.toUpperCase() })).json().total_count, 1);
    const page = (await list({ sort: { field: 'collection_name', direction: 'asc' } }, '?limit=2&offset=2&include_total=true')).json();
    assert.deepEqual(page.results.map((r: Json) => r.collection_name), [`${tag}_2`, `${tag}_p`]);
    assert.deepEqual([page.pagination.page, page.pagination.total, page.pagination.next_page, page.pagination.previous_page], [2, 4, null, '1']);
    const first = (await list({ sort: { field: 'collection_name', direction: 'asc' } }, '?limit=2')).json();
    assert.equal(first.pagination.next_page, '2');
    assertError(await list({ filters: { AND: [{ field: 'x', operator: 'bogus', value: 1 }] } }), 400, 'BadRequestError');
    assertError(await t.call({ method: 'POST', url: '/v1/collections/list', payload: {} }), 400, 'BadRequestError');
  });

  test('a collection named like a catalogue segment stays reachable; the catalogue is not captured by collection routes', async () => {
    const c = await create(body({ collection_name: 'features' }));
    assert.equal((await t.call({ method: 'GET', url: '/v1/collections/features', headers: h() })).json().collection_id, c.collection_id);
    assert.equal((await t.call({ method: 'GET', url: '/v1/collections/features/features', headers: h() })).json().features.length, 1);
    assert.equal((await t.call({ method: 'GET', url: '/v1/collections/features/extractors', headers: h() })).json().length, 2);
    await t.call({ method: 'DELETE', url: `/v1/collections/${c.collection_id}`, headers: h() });
  });

  test('quota: the free tier\'s 5 collections per organization (403 QuotaExceededError), nothing stored past it', async () => {
    const other = await otherOrganization(t);
    const space = await namespace([TEXT], other.apiKey);
    const b = await makeBucket(space, SCHEMA, other.apiKey);
    const payload = () => ({ collection_name: uniqueName('q'), source: { bucket_ids: [b.bucket_id] }, feature_extractor: { ...TEXT, input_mappings: { text: 'content' } } });
    for (let i = 0; i < 5; i++) await create(payload(), space, other.apiKey);
    const err = assertError(await t.call({ method: 'POST', url: '/v1/collections', headers: h(space), key: other.apiKey, payload: payload() }), 403, 'QuotaExceededError');
    assert.match(err.error.message, /collections/);
    assert.equal((await t.call({ method: 'POST', url: '/v1/collections/list', headers: h(space), key: other.apiKey, payload: {} })).json().total_count, 5);
  });

  test('cross-tenant sweep: another organization and another namespace get 404 on every collection route, by id and by name; a key scoped elsewhere gets 403', async () => {
    const c = await create(body());
    const other = await otherOrganization(t);
    const otherNs = await namespace([TEXT], other.apiKey);
    const sibling = await namespace();
    const requests = [c.collection_id, c.collection_name].flatMap((id: string) => [
      { method: 'GET' as const, url: `/v1/collections/${id}` },
      { method: 'GET' as const, url: `/v1/collections/${id}/features` },
      { method: 'PATCH' as const, url: `/v1/collections/${id}`, payload: { description: 'x' } },
      { method: 'DELETE' as const, url: `/v1/collections/${id}` },
      { method: 'POST' as const, url: '/v1/collections', payload: { collection_name: uniqueName('c'), source: { type: 'collection', collection_id: id }, feature_extractor: { ...TEXT, input_mappings: { text: 'text' } } } },
      { method: 'POST' as const, url: '/v1/collections', payload: { collection_name: uniqueName('c'), source: { bucket_ids: [bucket.bucket_id] }, feature_extractor: { ...TEXT, input_mappings: { text: 'content' } } } },
    ]);
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespace_id } },
      ],
      snapshot: async () => [
        (await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h() })).json(),
        await count(sibling),
        (await t.call({ method: 'POST', url: '/v1/collections/list', headers: { 'x-namespace': otherNs.namespace_id }, key: other.apiKey, payload: {} })).json().total_count,
      ],
    });
    // The other organization naming this namespace in X-Namespace: not found.
    assertError(await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h(), key: other.apiKey }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'POST', url: '/v1/collections/list', headers: h(), key: other.apiKey, payload: {} }), 404, 'NotFoundError');
    // A key scoped to the sibling namespace cannot enter this one.
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: sibling.namespace_id }]);
    for (const r of [
      { method: 'GET' as const, url: `/v1/collections/${c.collection_id}` },
      { method: 'POST' as const, url: '/v1/collections/list', payload: {} },
      { method: 'POST' as const, url: '/v1/collections', payload: body() },
      { method: 'DELETE' as const, url: `/v1/collections/${c.collection_id}` },
    ]) {
      assertError(await t.call({ ...r, headers: h(), key: scoped }), 403, 'ForbiddenError');
    }
    assert.equal((await t.call({ method: 'GET', url: `/v1/collections/${c.collection_id}`, headers: h() })).statusCode, 200);
  });
});
