// A namespace and a bucket in it, made through the API (uploads, deletion and other suites).
import assert from 'node:assert/strict';
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
  assert.equal(res.statusCode, 200, res.body);
  return { namespaceId: ns.namespace_id, namespaceName: ns.namespace_name, bucketId: res.json().bucket_id, bucketName };
}
