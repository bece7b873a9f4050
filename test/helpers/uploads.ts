// Helpers for the upload suites: a namespace and a bucket to upload into.
import assert from 'node:assert/strict';
import { withNamespace } from '../../src/engine/scope/request-scope.ts';
import { uniqueName, type TestApp } from './test-app.ts';

const TEXT = [{ feature_extractor_name: 'text_extractor', version: 'v1' }];

export interface Place {
  namespaceId: string;
  namespaceName: string;
  bucketId: string;
  bucketName: string;
}

export async function namespaceAndBucket(t: TestApp, schema: Record<string, unknown>, key?: string, inNamespace?: { namespace_id: string; namespace_name: string }): Promise<Place> {
  let ns = inNamespace;
  if (!ns) {
    const nsRes = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: uniqueName('ns'), feature_extractors: TEXT }, ...(key ? { key } : {}) });
    assert.equal(nsRes.statusCode, 200, nsRes.body);
    ns = nsRes.json() as { namespace_id: string; namespace_name: string };
  }
  const bucketName = uniqueName('b');
  const res = await t.call({ method: 'POST', url: '/v1/buckets', headers: { 'x-namespace': ns.namespace_id }, payload: { bucket_name: bucketName, bucket_schema: schema }, ...(key ? { key } : {}) });
  if (res.statusCode === 200) return { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name, bucketId: res.json().bucket_id, bucketName };
  // Until the bucket routes are merged here: the bucket service, as the admin key.
  assert.equal(res.statusCode, 404, res.body);
  const caller = await t.app.services.authenticator.authenticate(`Bearer ${key ?? t.adminKey}`);
  const scope = withNamespace(caller, { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name });
  const bucket = await t.app.services.buckets.create(scope, { bucketName, description: null, bucketSchema: schema, uniqueKey: null, metadata: {} });
  return { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name, bucketId: bucket.bucketId, bucketName };
}
