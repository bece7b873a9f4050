// A namespace, a bucket and a text_extractor collection made through the API, for the document
// and lineage suites; and a request helper carrying X-Namespace.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.ts';
import { uniqueName } from './test-app.ts';
import { namespaceAndBucket } from './uploads.ts';

export const BUCKET_SCHEMA = { properties: { title: { type: 'string' }, content: { type: 'text' } } };

export interface DocumentPlace {
  namespaceId: string;
  namespaceName: string;
  bucketId: string;
  collectionId: string;
  collectionName: string;
  /** The collection's vector index (name and dimensions). */
  index: { name: string; dimensions: number };
  headers: Record<string, string>;
}

export async function createCollection(t: TestApp, headers: Record<string, string>, source: Record<string, unknown>, key?: string, inputField = 'content'): Promise<Record<string, any>> {
  const res = await t.call({
    method: 'POST',
    url: '/v1/collections',
    headers,
    ...(key ? { key } : {}),
    payload: { collection_name: uniqueName('col'), source, feature_extractor: { feature_extractor_name: 'text_extractor', version: 'v1', input_mappings: { text: inputField }, field_passthrough: ['title'] } },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export async function documentPlace(t: TestApp, key?: string): Promise<DocumentPlace> {
  const p = await namespaceAndBucket(t, BUCKET_SCHEMA, key);
  const headers = { 'x-namespace': p.namespaceId };
  const col = await createCollection(t, headers, { type: 'bucket', bucket_ids: [p.bucketId] }, key);
  const vi = col.vector_indexes[0];
  return {
    namespaceId: p.namespaceId,
    namespaceName: p.namespaceName,
    bucketId: p.bucketId,
    collectionId: col.collection_id,
    collectionName: col.collection_name,
    index: { name: vi.name, dimensions: vi.index.dimensions },
    headers,
  };
}

/** A deterministic vector of `dims` float32-exact values. */
export function testVector(seed: number, dims: number): number[] {
  return Array.from({ length: dims }, (_, i) => Math.fround(Math.sin(seed * 7 + i) / 2));
}

export function callIn(t: TestApp, headers: Record<string, string>) {
  return (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key?: string): Promise<LightMyRequestResponse> =>
    t.call({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}), ...(key ? { key } : {}) });
}
