// The cross-tenant sweep over every upload route: an upload of organization A / namespace A is
// 404 from another organization and from another namespace of A, by bucket id and by bucket name,
// and nothing about it changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertTenancySweep, type SweepRequest } from './helpers/tenancy-sweep.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { namespaceAndBucket } from './helpers/uploads.ts';

const SCHEMA = { properties: { content: { type: 'text' } } };

describe(`uploads: tenancy sweep [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('every upload route answers 404 to another organization and to another namespace', async () => {
    const place = await namespaceAndBucket(t, SCHEMA);
    const h = { 'x-namespace': place.namespaceId };
    const created = await t.call({ method: 'POST', url: `/v1/buckets/${place.bucketId}/uploads`, headers: h, payload: { filename: 'content.txt', content_type: 'text/plain' } });
    assert.equal(created.statusCode, 201, created.body);
    const uploadId = created.json().upload_id as string;
    const put = await t.app.inject({ method: 'PUT', url: new URL(created.json().presigned_url).pathname, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    assert.equal(put.statusCode, 200);

    const other = await otherOrganization(t);
    const otherNs = (await t.call({ method: 'POST', url: '/v1/namespaces', key: other.apiKey, payload: { namespace_name: place.namespaceName, feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } })).json();
    const sibling = await namespaceAndBucket(t, SCHEMA);
    const requests: SweepRequest[] = [place.bucketId, place.bucketName].flatMap((b) => [
      { method: 'GET', url: `/v1/buckets/${b}/uploads/${uploadId}` },
      { method: 'DELETE', url: `/v1/buckets/${b}/uploads/${uploadId}` },
      { method: 'POST', url: `/v1/buckets/${b}/uploads/${uploadId}/confirm`, payload: {} },
      { method: 'POST', url: `/v1/buckets/${b}/uploads/confirm/batch`, payload: { confirmations: [{ upload_id: uploadId }] } },
      { method: 'POST', url: `/v1/buckets/${b}/uploads/list`, payload: {} },
      { method: 'POST', url: `/v1/buckets/${b}/uploads`, payload: { filename: 'content.txt', content_type: 'text/plain' } },
      { method: 'POST', url: `/v1/buckets/${b}/uploads/batch`, payload: { uploads: [{ filename: 'content.txt', content_type: 'text/plain' }] } },
    ]);
    await assertTenancySweep(t, {
      requests,
      outsiders: [
        { label: 'other org, its namespace', key: other.apiKey, headers: { 'x-namespace': otherNs.namespace_id } },
        { label: 'sibling namespace', headers: { 'x-namespace': sibling.namespaceId } },
      ],
      snapshot: async () => (await t.call({ method: 'GET', url: `/v1/buckets/${place.bucketId}/uploads/${uploadId}`, headers: h })).json(),
    });
  });
});
