// Request scopes for tests that call the engine directly (concurrency and ledger checks that HTTP
// cannot time finely enough): the system acting for an organization, or one of its keys.
import assert from 'node:assert/strict';
import type { MetadataStore } from '../../src/engine/ports/metadata-store.ts';
import { callerScope, systemScope, tenantOf, type RequestScope } from '../../src/engine/scope/request-scope.ts';

export async function scopeFor(store: MetadataStore, organizationInternalId: string, keyId: string | null = null): Promise<RequestScope> {
  const organization = await store.organizations.findByInternalId(organizationInternalId);
  assert.ok(organization, `organization ${organizationInternalId} exists`);
  if (keyId === null) return systemScope(organization, 'test');
  const tenant = tenantOf(organization);
  const apiKey = await store.apiKeys.findById(tenant, keyId);
  assert.ok(apiKey, `key ${keyId} exists`);
  const user = await store.users.findById(tenant, apiKey.userId);
  assert.ok(user, `user ${apiKey.userId} exists`);
  return callerScope(organization, user, apiKey, 'admin');
}
