import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { OPERATIONS, PUBLIC_OPERATIONS } from '../src/api/operations-catalogue.ts';
import * as seed from './contract/seed-schemas.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import path from 'node:path';
import { REPO_ROOT } from './helpers/run-node.ts';

type Json = Record<string, any>;

describe(`OpenAPI document [${BACKEND}]`, () => {
  let t: TestApp;
  let doc: Json;
  before(async () => {
    t = await createTestApp();
    const res = await t.call({ method: 'GET', url: '/openapi.json', key: null });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => t.close());

  test('is OpenAPI 3.1 and identical to the committed openapi.json (run `npm run openapi:write` after changing routes)', () => {
    assert.equal(doc.openapi, '3.1.0');
    const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'openapi.json'), 'utf8'));
    assert.deepEqual(doc, committed);
  });

  test("names components as Mixpeek does and matches the seed's OrganizationModelResponse field for field", () => {
    const schemas = doc.components.schemas;
    for (const name of ['OrganizationModelResponse', 'ErrorResponse', 'ErrorDetail', 'HTTPValidationError', 'ValidationError', 'AccountTier', 'BaseRateLimits']) {
      assert.ok(schemas[name], `component ${name}`);
    }
    const ours = schemas.OrganizationModelResponse;
    assert.deepEqual(Object.keys(ours.properties), seed.ORGANIZATION_FIELDS);
    assert.deepEqual([...ours.required].sort(), [...seed.OrganizationModelResponse.required].sort());
    const seedProps = seed.OrganizationModelResponse.properties as Json;
    for (const field of seed.ORGANIZATION_FIELDS) {
      assert.equal(typeSignature(ours.properties[field], schemas), typeSignature(seedProps[field], schemas), `type of ${field}`);
      assert.deepEqual(ours.properties[field].default, seedProps[field].default, `default of ${field}`);
    }
    assert.deepEqual(schemas.AccountTier.enum, seed.AccountTier.enum);
    assert.deepEqual(Object.keys(schemas.BaseRateLimits.properties), ['metadata', 'data', 'search', 'upload', 'compute']);
    for (const rate of Object.values(schemas.BaseRateLimits.properties) as Json[]) assert.deepEqual([rate.type, rate.minimum, rate.default], ['integer', 1, 10]);
    assert.deepEqual(schemas.ErrorResponse.required, ['status', 'error']);
    assert.deepEqual(schemas.ErrorDetail.required, ['message', 'type']);
  });

  test('GET /v1/organizations declares the seed operation and its responses', () => {
    const op = doc.paths['/v1/organizations'].get;
    assert.equal(op.operationId, 'get_organization_v1_organizations_get');
    assert.deepEqual(Object.keys(op.responses).sort(), ['200', '400', '401', '403', '404', '405', '422', '429', '500', '503']);
    assert.equal(op.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/OrganizationModelResponse');
    assert.equal(op.responses['422'].content['application/json'].schema.$ref, '#/components/schemas/HTTPValidationError');
    assert.equal(op.responses['401'].content['application/json'].schema.$ref, '#/components/schemas/ErrorResponse');
    assert.deepEqual(op.security, [{ BearerAuth: [] }]);
  });

  test('every /v1 operation is in the operations catalogue or public, and every catalogue entry has a route', () => {
    const seen = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) {
        assert.ok(path.startsWith('/v1'), path);
        const id = (op as Json).operationId as string;
        assert.ok(OPERATIONS[id] || PUBLIC_OPERATIONS.has(id), `${method.toUpperCase()} ${path} (${id}) is not catalogued`);
        seen.add(id);
      }
    }
    for (const id of [...Object.keys(OPERATIONS), ...PUBLIC_OPERATIONS]) assert.ok(seen.has(id), `catalogue entry ${id} has no route`);
  });

  test('bodies Mixpeek makes optional (lists, batch submit) are optional: documented so, and a request without one is answered as {}', async () => {
    const optional: string[] = [];
    for (const [url, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item as Record<string, Json>)) if (op?.requestBody?.required === false) optional.push(`${method.toUpperCase()} ${url}`);
    }
    for (const expected of ['POST /v1/namespaces/list', 'POST /v1/tasks/list', 'POST /v1/collections/list', 'POST /v1/buckets/{bucket_identifier}/batches/{batch_id}/submit']) {
      assert.ok(optional.includes(expected), `${expected} has an optional body`);
    }
    // Those without path parameters, called with no body at all (the namespaced ones in a namespace).
    const ns = await t.call({ method: 'POST', url: '/v1/namespaces', payload: { namespace_name: 'optional-bodies', feature_extractors: [{ feature_extractor_name: 'text_extractor', version: 'v1' }] } });
    assert.equal(ns.statusCode, 200, ns.body);
    for (const entry of optional.filter((o) => !o.includes('{'))) {
      const [method, url] = entry.split(' ') as ['POST', string];
      const res = await t.call({ method, url, headers: { authorization: `Bearer ${t.adminKey}`, 'x-namespace': ns.json().namespace_id } });
      assert.equal(res.statusCode, 200, `${entry} without a body: ${res.statusCode} ${res.body}`);
    }
  });

  test('interactive docs are served at /docs', async () => {
    const res = await t.call({ method: 'GET', url: '/docs/', key: null });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
  });
});

/** A comparable description of a property's type: resolves $ref, lists anyOf branches. */
function typeSignature(schema: Json, components: Json): string {
  if (schema.$ref) return typeSignature(components[schema.$ref.split('/').pop()], components);
  if (schema.anyOf) return schema.anyOf.map((s: Json) => typeSignature(s, components)).join('|');
  if (schema.enum) return `enum(${schema.enum.join(',')})`;
  if (schema.type === 'array') return `array<${typeSignature(schema.items ?? {}, components)}>`;
  if (schema.type === 'object') {
    const ap = schema.additionalProperties;
    return `object(${ap === true ? 'any' : ap && typeof ap === 'object' ? typeSignature(ap, components) : ap === false ? 'closed' : 'open'})`;
  }
  return `${schema.type}${schema.format ? `:${schema.format}` : ''}`;
}
