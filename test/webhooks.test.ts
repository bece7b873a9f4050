// Organization webhooks (SPEC §19) through HTTP on both backends: CRUD and its refusals, tenancy,
// and real deliveries to a receiver this test runs on 127.0.0.1 (allow-listed with
// TESSERA_FETCH_ALLOW_CIDRS): signatures, event filters, retries with backoff, permanent failures,
// refused private addresses, inactive and deleted webhooks.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../src/lib/webhook-signature.ts';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { scopedKey } from './helpers/scoped-keys.ts';
import { assertTenancySweep } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket, type Place } from './helpers/uploads.ts';

type Json = Record<string, any>;
const BASE = '/v1/organizations/webhooks';
const SCHEMA = { properties: { content: { type: 'string' } } };

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1: records every request; a path's answers can be scripted (then 200). */
class Receiver {
  readonly received: Received[] = [];
  readonly #scripts = new Map<string, number[]>();
  #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path.startsWith('/redirect')) {
        res.writeHead(307, { location: 'http://10.0.0.1/internal' }).end();
        return;
      }
      if (path.startsWith('/hop-same')) {
        res.writeHead(307, { location: '/landing-same' }).end();
        return;
      }
      if (path.startsWith('/hop-away')) {
        // The same machine under another name: another origin, so the signed request stops here.
        res.writeHead(307, { location: `http://localhost:${this.port}/landing-away` }).end();
        return;
      }
      const script = this.#scripts.get(path);
      const status = script && script.length > 0 ? script.shift()! : path.startsWith('/gone') ? 404 : 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `status ${status}`);
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  script(path: string, statuses: number[]): void {
    this.#scripts.set(path, [...statuses]);
  }
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function webhookBody(name: string, url: string, eventTypes: string[] = ['*'], extra: Json = {}): Json {
  return { webhook_name: name, event_types: eventTypes, channels: [{ channel: 'webhook', configs: { url, ...extra } }] };
}

async function createWebhook(t: TestApp, body: Json, key?: string): Promise<Json> {
  const res = await t.call({ method: 'POST', url: `${BASE}/`, payload: body, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function deliveries(t: TestApp, identifier: string): Promise<Json[]> {
  const res = await t.call({ method: 'GET', url: `${BASE}/${encodeURIComponent(identifier)}/deliveries` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().results;
}

async function createObject(t: TestApp, place: Place, content: string): Promise<string> {
  const res = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/objects`, headers: { 'x-namespace': place.namespaceId }, payload: { content } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().object_id;
}

describe(`webhooks: CRUD, validation, tenancy [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('create (with or without the trailing slash), get by id and name, list with filters, PUT, 204 delete twice', async () => {
    const name = uniqueName('wh');
    const res = await t.call({
      method: 'POST',
      url: `${BASE}/`,
      payload: webhookBody(name, 'https://hooks.example.com/in', ['object.*', 'collection.created'], { headers: { Authorization: 'Bearer s3cret', 'X-Team': 'search' }, timeout: 5 }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.match(created.webhook_id, /^wh_[0-9a-f]{16}$/);
    assert.match(created.signing_secret, /^whsec_[0-9a-f]{64}$/);
    assert.equal(created.is_active, true);
    assert.deepEqual(created.event_types, ['object.*', 'collection.created']);
    assert.deepEqual(created.channels[0], {
      channel: 'webhook',
      configs: { url: 'https://hooks.example.com/in', headers: { Authorization: '********', 'X-Team': 'search' }, payload_template: null, timeout: 5 },
    });
    assert.equal(created.internal_id, undefined);
    assert.ok(!res.body.includes('s3cret'), 'the Authorization value never comes back');

    const noSlash = await t.call({ method: 'POST', url: BASE, payload: { ...webhookBody(uniqueName('wh'), 'https://hooks.example.com/2'), is_active: false } });
    assert.equal(noSlash.statusCode, 201, noSlash.body);
    const inactive = noSlash.json();

    for (const identifier of [created.webhook_id, name]) {
      const got = await t.call({ method: 'GET', url: `${BASE}/${identifier}` });
      assert.equal(got.statusCode, 200, got.body);
      assert.equal(got.json().webhook_id, created.webhook_id);
      assert.equal(got.json().signing_secret, undefined, 'the secret is shown once');
    }

    const list = async (body: Json, query = '') => {
      const r = await t.call({ method: 'POST', url: `${BASE}/list${query}`, payload: body });
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    const all = await list({});
    assert.equal(all.total, 2);
    assert.deepEqual(all.results.map((w: Json) => w.webhook_id), [inactive.webhook_id, created.webhook_id], 'newest first');
    assert.equal(all.pagination.page_size, 10);
    assert.deepEqual((await list({ event_type: 'object.deleted' })).results.map((w: Json) => w.webhook_id), [inactive.webhook_id, created.webhook_id]);
    assert.deepEqual((await list({ event_type: 'collection.deleted' })).results.map((w: Json) => w.webhook_id), [inactive.webhook_id]);
    assert.deepEqual((await list({ is_active: true })).results.map((w: Json) => w.webhook_id), [created.webhook_id]);
    const paged = await list({}, '?limit=1&offset=1');
    assert.deepEqual([paged.total, paged.results.length, paged.results[0].webhook_id], [2, 1, created.webhook_id]);

    // PUT replaces everything; the masked Authorization value keeps the stored one.
    const put = await t.call({
      method: 'PUT',
      url: `${BASE}/${name}`,
      payload: { ...created, webhook_name: `${name}-renamed`, event_types: ['object.created'], is_active: false, signing_secret: undefined },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().webhook_name, `${name}-renamed`);
    assert.deepEqual(put.json().event_types, ['object.created']);
    assert.equal(put.json().is_active, false);
    assert.equal(put.json().channels[0].configs.headers.Authorization, '********');
    assert.equal((await t.call({ method: 'GET', url: `${BASE}/${name}` })).statusCode, 404, 'the old name is free');

    // Name conflicts are 409, on create and on PUT.
    assertError(await t.call({ method: 'POST', url: `${BASE}/`, payload: webhookBody(`${name}-renamed`, 'https://x.example.com/') }), 409, 'AlreadyExistsError');
    assertError(await t.call({ method: 'PUT', url: `${BASE}/${inactive.webhook_id}`, payload: webhookBody(`${name}-renamed`, 'https://x.example.com/') }), 409, 'AlreadyExistsError');

    const rotated = await t.call({ method: 'POST', url: `${BASE}/${created.webhook_id}/rotate-secret` });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.match(rotated.json().signing_secret, /^whsec_[0-9a-f]{64}$/);
    assert.notEqual(rotated.json().signing_secret, created.signing_secret);

    for (let i = 0; i < 2; i++) {
      const del = await t.call({ method: 'DELETE', url: `${BASE}/${created.webhook_id}` });
      assert.equal(del.statusCode, 204, del.body);
      assert.equal(del.body, '');
    }
    assertError(await t.call({ method: 'GET', url: `${BASE}/${created.webhook_id}` }), 404, 'NotFoundError');
    assert.equal((await list({})).total, 1);
  });

  test('bad input is refused with the envelope and nothing stored changes', async () => {
    const kept = await createWebhook(t, webhookBody(uniqueName('kept'), 'https://hooks.example.com/kept', ['object.created']));
    const snapshot = async () => (await t.call({ method: 'POST', url: `${BASE}/list`, payload: {} })).json();
    const before = await snapshot();
    const url = 'https://hooks.example.com/x';
    const refusals: [Json, number, string][] = [
      [{ ...webhookBody('e', url), channels: [{ channel: 'email', configs: { to_addresses: ['a@example.com'] } }] }, 400, 'BadRequestError'],
      [webhookBody('s', 'ftp://hooks.example.com/x'), 400, 'BadRequestError'],
      [webhookBody('s', 'not a url'), 400, 'BadRequestError'],
      [webhookBody('s', 'https://user:pw@hooks.example.com/x'), 400, 'BadRequestError'],
      [webhookBody('h', url, ['*'], { headers: { 'X-Mixpeek-Signature': 'forged' } }), 400, 'BadRequestError'],
      [webhookBody('h', url, ['*'], { headers: { 'bad header': 'x' } }), 400, 'BadRequestError'],
      [webhookBody('h', url, ['*'], { headers: { 'X-A': 'a\r\nInjected: 1' } }), 400, 'BadRequestError'],
      [{ ...webhookBody('m', url), channels: [{ channel: 'webhook', configs: { webhook_url: url } }] }, 400, 'BadRequestError'],
      [{ ...webhookBody('m', url), channels: [{ channel: 'slack', configs: { url } }] }, 400, 'BadRequestError'],
      [webhookBody('t', url, ['*'], { timeout: 0 }), 422, 'ValidationError'],
      [webhookBody('t', url, ['*'], { timeout: 600 }), 422, 'ValidationError'],
      [webhookBody('u', url, ['object.exploded']), 422, 'ValidationError'],
      [webhookBody('u', url, ['nothing.*']), 400, 'BadRequestError'],
      [webhookBody('u', url, []), 422, 'ValidationError'],
      [{ ...webhookBody('c', url), channels: [] }, 422, 'ValidationError'],
      [{ event_types: ['*'], channels: [{ channel: 'webhook', configs: { url } }] }, 422, 'ValidationError'],
      [webhookBody('', url), 422, 'ValidationError'],
      [webhookBody('x'.repeat(201), url), 422, 'ValidationError'],
      [{ ...webhookBody('n', url), channels: [{ channel: 'pigeon', configs: { url } }] }, 422, 'ValidationError'],
    ];
    for (const [body, status, type] of refusals) {
      assertError(await t.call({ method: 'POST', url: `${BASE}/`, payload: body }), status, type);
      assertError(await t.call({ method: 'PUT', url: `${BASE}/${kept.webhook_id}`, payload: body }), status, type);
    }
    assertError(await t.call({ method: 'POST', url: `${BASE}/list?limit=0`, payload: {} }), 422, 'ValidationError');
    assert.deepEqual(await snapshot(), before);
  });

  test('another organization, and keys without the permission or an organization scope, cannot reach a webhook', async () => {
    const mine = await createWebhook(t, webhookBody(uniqueName('mine'), 'https://hooks.example.com/mine'));
    const other = await otherOrganization(t);
    const snapshot = async () => (await t.call({ method: 'GET', url: `${BASE}/${mine.webhook_id}` })).json();
    const requests = [mine.webhook_id, mine.webhook_name].flatMap((id: string) => [
      { method: 'GET' as const, url: `${BASE}/${id}` },
      { method: 'PUT' as const, url: `${BASE}/${id}`, payload: webhookBody('stolen', 'https://evil.example.com/') },
      { method: 'POST' as const, url: `${BASE}/${id}/rotate-secret` },
      { method: 'GET' as const, url: `${BASE}/${id}/deliveries` },
    ]);
    await assertTenancySweep(t, { requests, outsiders: [{ label: 'other org', key: other.apiKey, headers: {} }], snapshot });
    // DELETE is idempotent: 204 to the other organization too, and the webhook is still there.
    assert.equal((await t.call({ method: 'DELETE', url: `${BASE}/${mine.webhook_id}`, key: other.apiKey })).statusCode, 204);
    assert.equal((await t.call({ method: 'GET', url: `${BASE}/${mine.webhook_id}` })).statusCode, 200);
    const theirs = await t.call({ method: 'POST', url: `${BASE}/list`, key: other.apiKey, payload: {} });
    assert.equal(theirs.json().total, 0);

    // A read-only key reads but cannot create or delete; a namespace-scoped key reaches nothing here.
    const reader = await scopedKey(t, [], ['read']);
    assert.equal((await t.call({ method: 'GET', url: `${BASE}/${mine.webhook_id}`, key: reader })).statusCode, 200);
    assertError(await t.call({ method: 'POST', url: `${BASE}/`, key: reader, payload: webhookBody(uniqueName('r'), 'https://x.example.com/') }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'DELETE', url: `${BASE}/${mine.webhook_id}`, key: reader }), 403, 'ForbiddenError');
    const ns = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    const scoped = await scopedKey(t, [{ resource_type: 'namespace', resource_id: ns.json().namespace_id }]);
    assertError(await t.call({ method: 'GET', url: `${BASE}/${mine.webhook_id}`, key: scoped }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'POST', url: `${BASE}/`, key: scoped, payload: webhookBody(uniqueName('s'), 'https://x.example.com/') }), 403, 'ForbiddenError');
    assert.deepEqual(await snapshot(), await snapshot());
  });
});

describe(`webhooks: deliveries to an allow-listed loopback receiver [${BACKEND}]`, () => {
  let t: TestApp;
  let receiver: Receiver;
  let place: Place;
  before(async () => {
    receiver = new Receiver();
    await receiver.start();
    t = await createTestApp({ fetchAllowCidrs: ['127.0.0.1/32'], jobPollIntervalMs: 20, webhookRetryBaseMs: 40 });
    place = await namespaceAndBucket(t, SCHEMA);
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  test('object.created reaches a matching webhook, signed; filters, inactive and deleted webhooks get nothing', async () => {
    const objects = await createWebhook(
      t,
      webhookBody(uniqueName('objects'), receiver.url('/objects'), ['object.*'], { headers: { Authorization: 'Bearer tok-123', 'X-Mixpeek-Secret': 'static-shared' } }),
    );
    await createWebhook(t, webhookBody(uniqueName('collections'), receiver.url('/collections'), ['collection.*']));
    await createWebhook(t, { ...webhookBody(uniqueName('paused'), receiver.url('/paused')), is_active: false });
    const doomed = await createWebhook(t, webhookBody(uniqueName('doomed'), receiver.url('/doomed')));
    assert.equal((await t.call({ method: 'DELETE', url: `${BASE}/${doomed.webhook_id}` })).statusCode, 204);

    const objectId = await createObject(t, place, 'hello');
    const [hit] = await waitFor('the object.created delivery', () => (receiver.at('/objects').length > 0 ? receiver.at('/objects') : undefined));
    const event = JSON.parse(hit!.body);
    assert.equal(event.event_type, 'object.created');
    assert.match(event.event_id, /^evt_[0-9a-f]{24}$/);
    assert.equal(event.namespace_id, place.namespaceId);
    assert.deepEqual(event.subject, { type: 'object', id: objectId });
    assert.equal(event.metadata.bucket_id, place.bucketId);
    assert.deepEqual(event.cache_scope, { scope: 'key', collection_id: null });
    assert.ok(!Number.isNaN(Date.parse(event.occurred_at)));

    // The headers: ours, the channel's (decrypted), and a signature the receiver can check.
    const h = hit!.headers;
    assert.equal(h['content-type'], 'application/json');
    assert.equal(h['x-mixpeek-event'], 'object.created');
    assert.equal(h['x-mixpeek-event-id'], event.event_id);
    assert.equal(h.authorization, 'Bearer tok-123');
    assert.equal(h['x-mixpeek-secret'], 'static-shared');
    const timestamp = String(h['x-mixpeek-timestamp']);
    const expected = `v1=${createHmac('sha256', objects.signing_secret).update(`${timestamp}.${hit!.body}`).digest('hex')}`;
    assert.equal(h['x-mixpeek-signature'], expected);
    assert.ok(verifyWebhook(objects.signing_secret, { signature: expected, timestamp }, hit!.body));
    assert.ok(!verifyWebhook(objects.signing_secret, { signature: expected, timestamp }, `${hit!.body} `), 'a changed body fails');
    assert.ok(!verifyWebhook(objects.signing_secret, { signature: expected, timestamp }, hit!.body, Number(timestamp) + 301), 'an old timestamp fails');

    // Update, delete and a batch: object.updated, object.deleted reach /objects; the batch event does not (objects.* ≠ object.*).
    const h2 = { 'x-namespace': place.namespaceId };
    assert.equal((await t.call({ method: 'PATCH', url: `/v1/buckets/${place.bucketId}/objects/${objectId}`, headers: h2, payload: { content: 'changed' } })).statusCode, 200);
    assert.equal((await t.call({ method: 'DELETE', url: `/v1/buckets/${place.bucketId}/objects/${objectId}`, headers: h2 })).statusCode, 204);
    const batch = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/objects/batch`, headers: h2, payload: { objects: [{ content: 'a' }, { content: 'b' }] } });
    assert.equal(batch.statusCode, 200, batch.body);
    const types = await waitFor('three object events', () => (receiver.at('/objects').length >= 3 ? receiver.at('/objects').map((r) => JSON.parse(r.body).event_type) : undefined));
    assert.deepEqual(types.sort(), ['object.created', 'object.deleted', 'object.updated']);

    const recorded = await waitFor('three deliveries recorded', async () => {
      const list = await deliveries(t, objects.webhook_id);
      return list.length === 3 && list.every((d) => d.status !== 'pending') ? list : undefined;
    });
    for (const d of recorded) assert.deepEqual([d.status, d.attempts, d.response_status, d.last_error], ['delivered', 1, 200, null]);

    await sleep(300);
    assert.equal(receiver.at('/objects').length, 3, 'each event once');
    for (const path of ['/collections', '/paused', '/doomed']) assert.equal(receiver.at(path).length, 0, `${path} received nothing`);
  });

  test('task.completed when an asynchronous operation finishes (a bucket deletion), committed with the task', async () => {
    const tasks = await createWebhook(t, webhookBody(uniqueName('tasks'), receiver.url('/tasks'), ['task.*']));
    const made = await t.call({ method: 'POST', url: '/v1/buckets', headers: { 'x-namespace': place.namespaceId }, payload: { bucket_name: uniqueName('doomed'), bucket_schema: SCHEMA } });
    assert.equal(made.statusCode, 200, made.body);
    const deletion = await t.call({ method: 'DELETE', url: `/v1/buckets/${made.json().bucket_id}`, headers: { 'x-namespace': place.namespaceId } });
    assert.equal(deletion.statusCode, 200, deletion.body);
    const taskId = deletion.json().task_id as string;
    const hits = await waitFor('the task.completed delivery', () => {
      const mine = receiver.at('/tasks').filter((r) => JSON.parse(r.body).subject.id === taskId);
      return mine.length > 0 ? mine : undefined;
    });
    const event = JSON.parse(hits[0]!.body);
    assert.equal(event.event_type, 'task.completed');
    assert.deepEqual(event.subject, { type: 'task', id: taskId });
    assert.equal(event.metadata.status, 'COMPLETED');
    const task = await t.call({ method: 'GET', url: `/v1/tasks/${taskId}` });
    assert.equal(task.json().status, 'COMPLETED', 'the task had its final status when the event went out');
    assert.ok((await deliveries(t, tasks.webhook_id)).every((d) => d.event_type === 'task.completed'));
  });

  test('the batch event and payload templates', async () => {
    await createWebhook(
      t,
      webhookBody(uniqueName('batch'), receiver.url('/templated'), ['objects.created.batch'], {
        payload_template: { kind: '{{ event_type }}', ids: '{{ metadata.object_ids }}', text: '{{ metadata.object_count }} objects in {{ namespace_id }}', missing: 'x{{ nope }}y' },
      }),
    );
    const batch = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/objects/batch`, headers: { 'x-namespace': place.namespaceId }, payload: { objects: [{ content: 'a' }, { content: 'b' }] } });
    assert.equal(batch.statusCode, 200, batch.body);
    const [hit] = await waitFor('the templated batch event', () => (receiver.at('/templated').length > 0 ? receiver.at('/templated') : undefined));
    const body = JSON.parse(hit!.body);
    assert.equal(body.kind, 'objects.created.batch');
    assert.deepEqual(body.ids, batch.json().results?.map?.((o: Json) => o.object_id) ?? body.ids);
    assert.equal(body.ids.length, 2);
    assert.equal(body.text, `2 objects in ${place.namespaceId}`);
    assert.equal(body.missing, 'xy');
    assert.equal(hit!.headers['x-mixpeek-event'], 'objects.created.batch');
  });

  test('a slack channel posts {text, channel, username} to its webhook_url', async () => {
    await createWebhook(t, {
      webhook_name: uniqueName('slack'),
      event_types: ['object.deleted'],
      channels: [{ channel: 'slack', configs: { webhook_url: receiver.url('/slack'), channel: '#search', username: 'tessera', blocks_template: '[{"type":"section","text":{"type":"plain_text","text":"{{ subject.id }}"}}]' } }],
    });
    const objectId = await createObject(t, place, 'to delete');
    assert.equal((await t.call({ method: 'DELETE', url: `/v1/buckets/${place.bucketId}/objects/${objectId}`, headers: { 'x-namespace': place.namespaceId } })).statusCode, 204);
    const [hit] = await waitFor('the slack message', () => (receiver.at('/slack').length > 0 ? receiver.at('/slack') : undefined));
    const body = JSON.parse(hit!.body);
    assert.equal(body.text, `object.deleted: object ${objectId} (namespace ${place.namespaceId})`);
    assert.deepEqual([body.channel, body.username], ['#search', 'tessera']);
    assert.deepEqual(body.blocks, [{ type: 'section', text: { type: 'plain_text', text: objectId } }]);
    assert.ok(hit!.headers['x-mixpeek-signature'], 'slack posts are signed too');
  });

  test('500 twice then 200: three attempts, one event id, each signed; 404 fails at once', async () => {
    receiver.script('/flaky', [500, 503]);
    const flaky = await createWebhook(t, webhookBody(uniqueName('flaky'), receiver.url('/flaky'), ['object.created']));
    const gone = await createWebhook(t, webhookBody(uniqueName('gone'), receiver.url('/gone'), ['object.created']));
    await createObject(t, place, 'retry me');
    const hits = await waitFor('three attempts', () => (receiver.at('/flaky').length >= 3 ? receiver.at('/flaky') : undefined));
    const [d] = await waitFor('the delivery delivered', async () => {
      const list = await deliveries(t, flaky.webhook_id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    assert.deepEqual([d!.attempts, d!.response_status, d!.last_error], [3, 200, null]);
    assert.equal(new Set(hits.map((h) => h.headers['x-mixpeek-event-id'])).size, 1, 'one event id across attempts');
    for (const hit of hits) {
      assert.ok(verifyWebhook(flaky.signing_secret, { signature: String(hit.headers['x-mixpeek-signature']), timestamp: String(hit.headers['x-mixpeek-timestamp']) }, hit.body));
    }

    const [g] = await waitFor('the 404 delivery failed', async () => {
      const list = await deliveries(t, gone.webhook_id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.deepEqual([g!.attempts, g!.response_status], [1, 404]);
    assert.match(g!.last_error, /answered 404/);
    await sleep(300);
    assert.equal(receiver.at('/gone').length, 1, 'a 4xx is not retried');
    assert.equal(receiver.at('/flaky').length, 3);
  });

  test('a receiver that stays down: attempts stop at the maximum and the delivery is marked failed', async () => {
    const limited = await createTestApp({ fetchAllowCidrs: ['127.0.0.1/32'], jobPollIntervalMs: 20, webhookRetryBaseMs: 10, webhookMaxAttempts: 3 });
    try {
      receiver.script('/down', [500, 500, 500, 500, 500]);
      const down = await createWebhook(limited, webhookBody(uniqueName('down'), receiver.url('/down'), ['object.created']));
      const where = await namespaceAndBucket(limited, SCHEMA);
      await createObject(limited, where, 'x');
      const [d] = await waitFor('the delivery failed', async () => {
        const list = await deliveries(limited, down.webhook_id);
        return list[0]?.status === 'failed' ? list : undefined;
      });
      assert.deepEqual([d!.attempts, d!.response_status, d!.next_attempt_at], [3, 500, null]);
      assert.match(d!.last_error, /answered 500.*after 3 attempts/);
      await sleep(200);
      assert.equal(receiver.at('/down').length, 3);
    } finally {
      await limited.close();
    }
  });

  test('a 307 from the allowed receiver to a private address is refused before connecting', async () => {
    const hook = await createWebhook(t, webhookBody(uniqueName('redirect'), receiver.url('/redirect'), ['object.created']));
    await createObject(t, place, 'redirected');
    const [d] = await waitFor('the delivery failed', async () => {
      const list = await deliveries(t, hook.webhook_id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.equal(d!.attempts, 1);
    assert.match(d!.last_error, /nothing sent: .*10\.0\.0\.1/);
    assert.equal(receiver.at('/redirect').length, 1, 'only the allowed hop was contacted');
  });

  test('a 307 to the same origin is followed with its headers; one to another origin is refused, nothing sent there', async () => {
    const same = await createWebhook(t, webhookBody(uniqueName('hop-same'), receiver.url('/hop-same'), ['object.created']));
    const away = await createWebhook(t, webhookBody(uniqueName('hop-away'), receiver.url('/hop-away'), ['object.created']));
    await createObject(t, place, 'hops');
    const [landed] = await waitFor('the same-origin landing', () => (receiver.at('/landing-same').length > 0 ? receiver.at('/landing-same') : undefined));
    assert.ok(landed!.headers['x-mixpeek-signature'], 'signed at the landing');
    const [refused] = await waitFor('the cross-origin delivery failed', async () => {
      const list = await deliveries(t, away.webhook_id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.match(refused!.last_error, /another origin/);
    assert.equal(receiver.at('/landing-away').length, 0, 'nothing reached the other origin');
    // The receiver answered before the delivery row was updated: wait for the record.
    await waitFor('the same-origin delivery recorded delivered', async () => ((await deliveries(t, same.webhook_id))[0]?.status === 'delivered' ? true : undefined));
  });

  test('Slack URLs and URL queries read masked; sent back on PUT they keep the stored URL; a private address is not named', async () => {
    const slackUrl = receiver.url('/slack-secret/T000/B000/XXXX');
    const hookUrl = receiver.url('/q?token=abc123');
    const created = await createWebhook(t, {
      webhook_name: uniqueName('masked'),
      event_types: ['object.updated'],
      channels: [
        { channel: 'slack', configs: { webhook_url: slackUrl } },
        { channel: 'webhook', configs: { url: hookUrl } },
      ],
    });
    const shown = (await t.call({ method: 'GET', url: `${BASE}/${created.webhook_id}` })).json();
    const origin = new URL(slackUrl).origin;
    assert.equal(shown.channels[0].configs.webhook_url, `${origin}/********`);
    assert.equal(shown.channels[1].configs.url, `${origin}/q?********`);
    assert.ok(!JSON.stringify(shown).includes('abc123') && !JSON.stringify(shown).includes('XXXX'), 'no secret in the answer');
    const put = await t.call({ method: 'PUT', url: `${BASE}/${created.webhook_id}`, payload: { webhook_name: shown.webhook_name, event_types: ['object.updated'], channels: shown.channels } });
    assert.equal(put.statusCode, 200, put.body);
    const objectId = await createObject(t, place, 'mask me');
    const patched = await t.call({ method: 'PATCH', url: `/v1/buckets/${place.bucketId}/objects/${objectId}`, headers: { 'x-namespace': place.namespaceId }, payload: { metadata: { n: 1 } } });
    assert.equal(patched.statusCode, 200, patched.body);
    await waitFor('both channels delivered to the stored URLs', () => (receiver.at('/slack-secret/T000/B000/XXXX').length > 0 && receiver.received.some((r) => r.path === '/q?token=abc123') ? true : undefined));
  });

  test('a webhook deactivated before its turn: the queued delivery is canceled, nothing sent', async () => {
    receiver.script('/later', Array(20).fill(500));
    const later = await createWebhook(t, webhookBody(uniqueName('later'), receiver.url('/later'), ['object.created']));
    await createObject(t, place, 'y');
    await waitFor('the first attempt', () => (receiver.at('/later').length > 0 ? true : undefined));
    const body = { ...webhookBody(later.webhook_name, receiver.url('/later'), ['object.created']), is_active: false };
    assert.equal((await t.call({ method: 'PUT', url: `${BASE}/${later.webhook_id}`, payload: body })).statusCode, 200);
    const [d] = await waitFor('the delivery canceled', async () => {
      const list = await deliveries(t, later.webhook_id);
      return list[0]?.status === 'canceled' ? list : undefined;
    });
    assert.ok(d!.attempts >= 1);
    assert.equal(d!.last_error, 'the webhook is inactive');
    await sleep(200);
    assert.equal(receiver.at('/later').length, d!.attempts, 'nothing sent once inactive');
  });
});

describe(`webhooks: private addresses without the allow-list [${BACKEND}]`, () => {
  let t: TestApp;
  let receiver: Receiver;
  before(async () => {
    receiver = new Receiver();
    await receiver.start();
    t = await createTestApp({ jobPollIntervalMs: 20, webhookRetryBaseMs: 10 });
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  test('a loopback URL is accepted at creation, refused at delivery: failed at once, nothing sent', async () => {
    const hook = await createWebhook(t, webhookBody(uniqueName('private'), receiver.url('/private'), ['object.created']));
    const named = await createWebhook(t, webhookBody(uniqueName('named'), receiver.url('/private').replace('127.0.0.1', 'localhost'), ['object.created']));
    const place = await namespaceAndBucket(t, SCHEMA);
    await createObject(t, place, 'z');
    const [d] = await waitFor('the delivery failed', async () => {
      const list = await deliveries(t, hook.webhook_id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.equal(d!.attempts, 1);
    assert.equal(d!.response_status, null);
    assert.match(d!.last_error, /nothing sent: .*private or reserved address/);
    const [n] = await waitFor('the named delivery failed', async () => {
      const list = await deliveries(t, named.webhook_id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.match(n!.last_error, /localhost resolves to a private or reserved address/);
    assert.ok(!/127\.0\.0\.1|::1/.test(n!.last_error), `the resolved address is not told: ${n!.last_error}`);
    await sleep(200);
    assert.equal(receiver.received.length, 0);
  });
});
