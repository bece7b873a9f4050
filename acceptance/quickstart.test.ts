// The README's quickstart, run as a Mixpeek user runs it: `npm start` on a fresh data directory, the
// admin key it prints, then HTTP only (SPEC §24): namespace → bucket → five text objects → collection
// with text_extractor → batch → task COMPLETED → documents → retriever → execute, and the document
// that matches the query comes first. Then what a user runs into next: a missing required input,
// an unknown retriever, a streamed execution. Imports nothing from src/ or test/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type Reply } from './client.ts';
import { sleep, startServer, type RunningServer } from './server.ts';

const NAMESPACE = 'acceptance';
const BUCKET = 'articles';
const COLLECTION = 'article-texts';
const RETRIEVER = 'article-search';
const TASK_DEADLINE_MS = 120_000;

/** Five clearly different topics; QUERY shares its words with one of them only. */
const ARTICLES = [
  { title: 'astronomy', body: 'Telescopes on high mountains observe distant galaxies, nebulae and the light of exploding stars.' },
  { title: 'baking', body: 'A sourdough bread recipe: feed the starter, mix flour and water, and let the dough ferment overnight.' },
  { title: 'football', body: 'The striker scored twice in the second half and the team won the league championship.' },
  { title: 'finance', body: 'Quarterly revenue grew while interest rates and bond yields fell across the banking sector.' },
  { title: 'gardening', body: 'Prune the roses in early spring and water the tomato seedlings every morning.' },
];
const QUERY = 'how to ferment sourdough bread dough with a starter';
const EXPECTED_TITLE = 'baking';

/** The error envelope of SPEC §0.6. */
function assertEnvelope(reply: Reply, status: number, type: string): void {
  assert.equal(reply.status, status, `expected ${status} ${type}, got ${reply.status} ${reply.text.slice(0, 500)}`);
  assert.equal(reply.body.success, false, reply.text);
  assert.equal(reply.body.status, status, reply.text);
  assert.equal(reply.body.error?.type, type, reply.text);
  assert.equal(typeof reply.body.error?.message, 'string', reply.text);
}

describe('acceptance: the README quickstart over HTTP against `npm start`', () => {
  let server: RunningServer;
  let api: Client;
  // Filled in by each step for the next; a failed step makes the following ones fail on their checks.
  const objectIds: string[] = [];
  const documentIdByTitle = new Map<string, string>();
  let featureUri: string | undefined;
  let retrieverId: string | undefined;

  before(async () => {
    server = await startServer();
    api = new Client(server.url, server.apiKey);
  });

  after(async () => {
    if (api?.rateLimitedSeconds) process.stderr.write(`# waited ${api.rateLimitedSeconds} s on rate limits (free tier)\n`);
    await server?.stop();
  });

  test('the first start prints an admin key that authenticates, on the free tier', async () => {
    assert.match(server.apiKey, /^sk_/);
    const org = await api.ok('GET', '/v1/organizations');
    assert.equal(org.account_type, 'free');
    const anonymous = await fetch(`${server.url}/v1/organizations`);
    assert.equal(anonymous.status, 401);
  });

  test('ingest: namespace → bucket → five text objects', async () => {
    const namespace = await api.ok('POST', '/v1/namespaces', {
      body: { namespace_name: NAMESPACE, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] },
    });
    assert.match(namespace.namespace_id, /^ns_/);
    const bucket = await api.ok('POST', '/v1/buckets', {
      namespace: NAMESPACE,
      body: { bucket_name: BUCKET, bucket_schema: { properties: { title: { type: 'string' }, body: { type: 'text' } } } },
    });
    assert.match(bucket.bucket_id, /^bkt_/);
    for (const article of ARTICLES) {
      const object = await api.ok('POST', `/v1/buckets/${BUCKET}/objects`, {
        namespace: NAMESPACE,
        body: { title: article.title, blobs: [{ property: 'body', type: 'text', data: article.body }] },
      });
      assert.match(object.object_id, /^obj_/);
      objectIds.push(object.object_id);
    }
  });

  test('process: collection with text_extractor → batch → task COMPLETED → five documents', { timeout: TASK_DEADLINE_MS + 60_000 }, async () => {
    assert.equal(objectIds.length, ARTICLES.length, 'the ingest step did not complete');
    const collection = await api.ok('POST', '/v1/collections', {
      namespace: NAMESPACE,
      body: {
        collection_name: COLLECTION,
        source: { type: 'bucket', bucket_ids: [BUCKET] },
        feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: 'body' }, field_passthrough: ['title'] },
      },
    });
    featureUri = collection.vector_indexes?.[0]?.feature_uri;
    assert.match(featureUri ?? '', /^mixpeek:\/\/text_extractor@v1\//, JSON.stringify(collection.vector_indexes));

    const batch = await api.ok('POST', `/v1/buckets/${BUCKET}/batches`, { namespace: NAMESPACE, body: { object_ids: objectIds } });
    const submitted = await api.ok('POST', `/v1/buckets/${BUCKET}/batches/${batch.batch_id}/submit`, { namespace: NAMESPACE, body: {} });
    assert.match(submitted.task_id, /.+/);

    // Poll with a backoff, as the README asks of free-tier users (10 metadata requests a minute).
    const deadline = Date.now() + TASK_DEADLINE_MS;
    let task: any;
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      task = await api.ok('GET', `/v1/tasks/${submitted.task_id}`);
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(task.status) || Date.now() > deadline) break;
      await sleep(wait);
    }
    assert.equal(task.status, 'COMPLETED', JSON.stringify(task));

    const listed = await api.ok('POST', `/v1/collections/${COLLECTION}/documents/list`, { namespace: NAMESPACE, body: { return_vectors: true } });
    assert.equal(listed.results.length, ARTICLES.length, JSON.stringify(listed).slice(0, 800));
    for (const document of listed.results) {
      assert.match(document.document_id, /^doc_/);
      documentIdByTitle.set(document.title, document.document_id);
    }
    assert.deepEqual([...documentIdByTitle.keys()].sort(), ARTICLES.map((a) => a.title).sort());
  });

  test('retrieve: a feature_search retriever puts the matching document first', async () => {
    assert.ok(featureUri && documentIdByTitle.size === ARTICLES.length, 'the processing step did not complete');
    const created = await api.ok('POST', '/v1/retrievers', {
      namespace: NAMESPACE,
      body: {
        retriever_name: RETRIEVER,
        collection_identifiers: [COLLECTION],
        input_schema: { query: { type: 'text', required: true } },
        stages: [
          {
            stage_name: 'search',
            stage_type: 'filter',
            config: {
              stage_id: 'feature_search',
              parameters: { searches: [{ feature_uri: featureUri, query: '{{INPUT.query}}', top_k: 10 }], final_top_k: 5 },
            },
          },
        ],
      },
    });
    retrieverId = created.retriever?.retriever_id;
    assert.match(retrieverId ?? '', /^ret_/, JSON.stringify(created));

    const result = await api.ok('POST', `/v1/retrievers/${retrieverId}/execute`, { namespace: NAMESPACE, body: { inputs: { query: QUERY } } });
    assert.equal(result.status, 'completed', JSON.stringify(result).slice(0, 800));
    const expected = documentIdByTitle.get(EXPECTED_TITLE);
    assert.ok(Array.isArray(result.documents) && result.documents.length > 0, JSON.stringify(result).slice(0, 800));
    assert.equal(result.documents[0].document_id, expected, `documents: ${JSON.stringify(result.documents).slice(0, 800)}`);
    assert.ok(Array.isArray(result.results) && result.results.length > 0, `no results array: ${JSON.stringify(result).slice(0, 800)}`);
    assert.equal(result.results[0].document_id, expected, `results: ${JSON.stringify(result.results).slice(0, 800)}`);
  });

  test('execute without a required input → 422 error envelope', async () => {
    assert.ok(retrieverId, 'the retriever step did not complete');
    const reply = await api.request('POST', `/v1/retrievers/${retrieverId}/execute`, { namespace: NAMESPACE, body: { inputs: {} } });
    assertEnvelope(reply, 422, 'ValidationError');
  });

  test('execute an unknown retriever → 404 error envelope', async () => {
    const reply = await api.request('POST', '/v1/retrievers/ret_doesnotexist000/execute', { namespace: NAMESPACE, body: { inputs: { query: QUERY } } });
    assertEnvelope(reply, 404, 'NotFoundError');
    // The retriever is what is missing, not the route (an unknown route is a 404 NotFoundError too).
    assert.deepEqual(reply.body.error.details, { resource: 'retriever', id: 'ret_doesnotexist000' }, reply.text);
  });

  test('execute with stream: true → text/event-stream frames ending in data: [DONE]', async () => {
    assert.ok(retrieverId, 'the retriever step did not complete');
    const reply = await api.request('POST', `/v1/retrievers/${retrieverId}/execute`, { namespace: NAMESPACE, body: { inputs: { query: QUERY }, stream: true } });
    assert.equal(reply.status, 200, reply.text.slice(0, 500));
    assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = reply.text
      .split('\n\n')
      .map((frame) => frame.trim())
      .filter((frame) => frame !== '');
    assert.ok(frames.length >= 2, reply.text.slice(0, 500));
    for (const frame of frames) assert.match(frame, /^data: /, `not an SSE data frame: ${frame.slice(0, 200)}`);
    assert.equal(frames[frames.length - 1], 'data: [DONE]');
    const events = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)));
    for (const event of events) {
      assert.equal(typeof event.event_type, 'string', JSON.stringify(event).slice(0, 300));
      assert.match(event.execution_id ?? '', /^exec_/, JSON.stringify(event).slice(0, 300));
    }
    const types = events.map((e) => e.event_type);
    assert.ok(types.includes('stage_start') && types.includes('stage_complete'), types.join(', '));
    assert.equal(types[types.length - 1], 'execution_complete', types.join(', '));
  });
});
