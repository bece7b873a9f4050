// /v1/tasks through HTTP: shapes, organization isolation (404 masking, kill never touching another
// organization's task), bad input, paging, and a task following its job to the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemScope } from '../src/engine/scope/request-scope.ts';
import type { TaskStatus, TaskType } from '../src/engine/tasks/types.ts';
import { keyFor, otherOrganization } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { eventually } from './helpers/job-queues.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';

describe(`tasks (${BACKEND})`, () => {
  let t: TestApp;
  let orgId: string;
  before(async () => {
    t = await createTestApp({ jobPollIntervalMs: 50 });
    orgId = (await t.call({ method: 'GET', url: '/v1/organizations' })).json().organization_id;
  });
  after(async () => {
    await t.close();
  });

  async function createTask(organizationId: string, taskType: TaskType = 'api_buckets_delete', status?: TaskStatus): Promise<string> {
    const store = t.app.metadataStore;
    const organization = (await store.organizations.findByPublicId(organizationId))!;
    const scope = systemScope(organization, 'test');
    return store.transaction(async (repos) => {
      const task = await t.app.services.tasks.createIn(repos, scope, { taskType, inputs: ['bkt_1', { bucket_id: 'bkt_1' }], additionalData: { bucket_id: 'bkt_1' }, ...(status ? { status } : {}) });
      return task.taskId;
    });
  }

  test('GET /v1/tasks/{id} returns the TaskResponse shape', async () => {
    const taskId = await createTask(orgId);
    assert.match(taskId, /^task_[a-z0-9]{20}$/);
    const res = await t.call({ method: 'GET', url: `/v1/tasks/${taskId}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      task_id: taskId,
      task_type: 'api_buckets_delete',
      status: 'PENDING',
      inputs: ['bkt_1', { bucket_id: 'bkt_1' }],
      outputs: null,
      additional_data: { bucket_id: 'bkt_1', progress: 0 },
      error: null,
    });
    assertError(await t.call({ method: 'GET', url: '/v1/tasks/task_unknown' }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: `/v1/tasks/${taskId}`, key: null }), 401, 'UnauthorizedError');
  });

  test("another organization's task is not found, and killing it changes nothing", async () => {
    const mine = await createTask(orgId);
    const other = await otherOrganization(t);
    const theirs = await createTask(other.organizationId);
    const notFound = assertError(await t.call({ method: 'GET', url: `/v1/tasks/${theirs}` }), 404, 'NotFoundError');
    const unknown = assertError(await t.call({ method: 'GET', url: '/v1/tasks/task_nosuchtask' }), 404, 'NotFoundError');
    assert.equal(notFound.error.message, unknown.error.message);
    assertError(await t.call({ method: 'GET', url: `/v1/tasks/${mine}`, key: other.apiKey }), 404, 'NotFoundError');

    const killTheirs = await t.call({ method: 'DELETE', url: `/v1/tasks/${theirs}` });
    const killUnknown = await t.call({ method: 'DELETE', url: '/v1/tasks/task_nosuchtask' });
    assert.equal(killTheirs.statusCode, 200);
    assert.deepEqual(killTheirs.json(), killUnknown.json(), 'the same answer: nothing is revealed');
    const theirsNow = await t.call({ method: 'GET', url: `/v1/tasks/${theirs}`, key: other.apiKey });
    assert.equal(theirsNow.json().status, 'PENDING', 'untouched');
    const listed = await t.call({ method: 'POST', url: '/v1/tasks/list', payload: {}, key: other.apiKey });
    assert.deepEqual(listed.json().results.map((r: { task_id: string }) => r.task_id), [theirs]);
  });

  test('DELETE cancels, idempotently, and cancels the linked job', async () => {
    const store = t.app.metadataStore;
    const organization = (await store.organizations.findByPublicId(orgId))!;
    const scope = systemScope(organization, 'test');
    const jobId = `namespace.expire:${uniqueName('ns')}`;
    const taskId = await store.transaction(async (repos) => {
      const task = await t.app.services.tasks.createIn(repos, scope, { taskType: 'api_namespaces_delete' });
      // Delayed, so it is still waiting when canceled.
      await t.app.services.jobs!.enqueueIn(repos, { id: jobId, name: 'namespace.expire', payload: { organization_id: orgId, namespace_id: 'ns_x' }, taskId: task.taskId, delayMs: 60_000 });
      return task.taskId;
    });
    const first = await t.call({ method: 'DELETE', url: `/v1/tasks/${taskId}` });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { message: 'Task killed', success: true });
    assert.equal((await t.call({ method: 'GET', url: `/v1/tasks/${taskId}` })).json().status, 'CANCELED');
    assert.equal((await t.app.services.jobs!.get(jobId))?.status, 'canceled');
    const again = await t.call({ method: 'DELETE', url: `/v1/tasks/${taskId}` });
    assert.deepEqual(again.json(), first.json());

    const reader = await keyFor(t, 'member', ['read']);
    assertError(await t.call({ method: 'DELETE', url: `/v1/tasks/${taskId}`, key: reader.key }), 403, 'ForbiddenError');
    assert.equal((await t.call({ method: 'GET', url: `/v1/tasks/${taskId}`, key: reader.key })).statusCode, 200);
  });

  test('a task follows its job: a job that fails leaves the task FAILED with the error', async () => {
    const store = t.app.metadataStore;
    const organization = (await store.organizations.findByPublicId(orgId))!;
    const scope = systemScope(organization, 'test');
    const taskId = await store.transaction(async (repos) => {
      const task = await t.app.services.tasks.createIn(repos, scope, { taskType: 'api_namespaces_delete' });
      // Its namespace does not exist: the handler's scope lookup fails with a 404, which is never retried.
      await t.app.services.jobs!.enqueueIn(repos, { id: `upload.confirm:${uniqueName('upl')}`, name: 'upload.confirm', payload: { organization_id: orgId, namespace_id: 'ns_y', bucket_id: 'bkt_y', upload_ids: ['upl_y'] }, taskId: task.taskId });
      return task.taskId;
    });
    const failed = await eventually(async () => {
      const body = (await t.call({ method: 'GET', url: `/v1/tasks/${taskId}` })).json();
      return body.status === 'FAILED' ? body : undefined;
    });
    assert.match(failed.error, /Namespace not found/);
    assert.equal(failed.additional_data.error, failed.error);
  });

  test('POST /v1/tasks/list pages, filters and counts', async () => {
    const org = await otherOrganization(t);
    const ids: string[] = [];
    for (const [type, status] of [
      ['api_buckets_delete', 'PENDING'],
      ['api_buckets_delete', 'FAILED'],
      ['api_namespaces_delete', 'PENDING'],
      ['api_buckets_uploads_confirm', 'COMPLETED'],
      ['api_buckets_uploads_batch_confirm', 'PENDING'],
    ] as const) {
      ids.push(await createTask(org.organizationId, type, status));
      // Distinct created_at values: the default order is newest first.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const list = (query: string, payload: unknown) => t.call({ method: 'POST', url: `/v1/tasks/list${query}`, payload: payload as object, key: org.apiKey });

    const page1 = await list('?limit=2&include_total=true', {});
    assert.equal(page1.statusCode, 200, page1.body);
    assert.deepEqual(page1.json().results.map((r: { task_id: string }) => r.task_id), [ids[4], ids[3]]);
    assert.deepEqual(page1.json().pagination, { total: 5, page: 1, page_size: 2, total_pages: 3, next_page: '2', previous_page: null, next_cursor: null });
    const page3 = (await list('?limit=2&offset=4', {})).json();
    assert.deepEqual(page3.results.map((r: { task_id: string }) => r.task_id), [ids[0]]);
    assert.equal(page3.pagination.total, null, 'no count unless asked');
    assert.equal(page3.pagination.next_page, null);
    assert.equal(page3.pagination.previous_page, '2');

    const oldestFirst = (await list('', { sort: { field: 'created_at', direction: 'asc' } })).json();
    assert.deepEqual(oldestFirst.results.map((r: { task_id: string }) => r.task_id), ids);

    const pending = (await list('?include_total=true', { status: 'PENDING' })).json();
    assert.equal(pending.pagination.total, 3);
    const buckets = (await list('', { status: 'PENDING', task_type: 'api_buckets_delete' })).json();
    assert.deepEqual(buckets.results.map((r: { task_id: string }) => r.task_id), [ids[0]]);
    const shorthand = (await list('', { filters: { status: 'FAILED' } })).json();
    assert.deepEqual(shorthand.results.map((r: { task_id: string }) => r.task_id), [ids[1]]);
    assert.equal((await list('', { status: null, task_type: null, filters: null, sort: null, search: null })).json().results.length, 5);

    assertError(await list('', { status: 'NOPE' }), 422, 'ValidationError');
    const lenient = await list('', { unknown_field: 1 });
    assert.equal(lenient.statusCode, 200);
    assert.equal(lenient.headers['tessera-ignored-fields'], 'unknown_field');
    assertError(await list('?limit=0', {}), 422, 'ValidationError');
    assertError(await list('?limit=1001', {}), 422, 'ValidationError');
    assertError(await list('', { sort: { field: 'status' } }), 422, 'ValidationError');
    assert.equal(assertError(await list('?cursor=abc', {}), 400, 'BadRequestError').error.code, 'cursor_not_supported');
    assert.equal(assertError(await list('', { search: 'x' }), 400, 'BadRequestError').error.code, 'search_not_supported');
    const unsupported = assertError(await list('', { filters: { AND: [{ field: 'status', value: 'FAILED' }] } }), 400, 'BadRequestError');
    assert.equal(unsupported.error.code, 'filter_not_supported');
  });
});
