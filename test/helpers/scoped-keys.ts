// Scoped API keys for tests: make one, and assert that a request was refused for its scopes. The
// namespace routes reuse these to show that a namespace-scoped key stays inside its namespaces.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createKey, createUser } from './accounts.ts';
import { assertError } from './contract.ts';
import { uniqueName, type TestApp } from './test-app.ts';

export interface Scope {
  resource_type: string;
  resource_id: string;
  operations?: string[] | null;
}

/** An admin user's key with these scopes and permissions (admin by default): returns its secret. */
export async function scopedKey(t: TestApp, scopes: Scope[], permissions: string[] = ['admin']): Promise<string> {
  const email = `${uniqueName('scoped')}@example.com`;
  await createUser(t, { email, role: 'admin' });
  return (await createKey(t, email, { name: 'scoped', permissions, scopes })).key;
}

/** 403 ForbiddenError naming the scope the key would need. */
export function assertOutOfScope(res: LightMyRequestResponse, resourceType: string, resourceId?: string): void {
  const body = assertError(res, 403, 'ForbiddenError');
  assert.equal(body.error.details?.required_scope?.resource_type, resourceType, res.body);
  if (resourceId !== undefined) assert.equal(body.error.details.required_scope.resource_id, resourceId, res.body);
}
