// Validates real responses against the seed's schemas (test/contract/seed-schemas.ts).
import assert from 'node:assert/strict';
import { createAjv } from '../../src/lib/ajv.ts';
import type { LightMyRequestResponse } from 'fastify';
import * as seed from '../contract/seed-schemas.ts';

const ajv = createAjv({ allErrors: true, strict: false });

const validators = {
  organization: ajv.compile(seed.strict({ ...seed.OrganizationModelResponse, properties: { ...seed.OrganizationModelResponse.properties, rate_limits: seed.strict(seed.BaseRateLimits) } })),
  error: ajv.compile(seed.strict({ ...seed.ErrorResponse, properties: { ...seed.ErrorResponse.properties, error: seed.strict(seed.ErrorDetail) } })),
  validation: ajv.compile(seed.HTTPValidationError),
};

export function assertMatches(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  assert.ok(validate(body), `${kind} contract violated: ${JSON.stringify(validate.errors)}\nbody: ${JSON.stringify(body)}`);
}

/** The documented error envelope with the expected status and type. */
export function assertError(res: LightMyRequestResponse, status: number, type: string): Record<string, any> {
  assert.equal(res.statusCode, status, `expected ${status} ${type}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  if (status === 422) {
    assertMatches('validation', { detail: body.detail });
    assert.ok(Array.isArray(body.detail) && body.detail.length > 0, '422 carries detail items');
    const { detail: _detail, ...envelope } = body;
    assertMatches('error', envelope);
  } else {
    assertMatches('error', body);
  }
  assert.equal(body.success, false);
  assert.equal(body.status, status);
  assert.equal(body.error.type, type);
  return body;
}
