// Setting up accounts through the real HTTP API (and, for a second organization, through the same
// provisioning the CLI uses, since organizations are not created over the API).
import assert from 'node:assert/strict';
import { provisionOrganization } from '../../src/engine/accounts/provision-organization.ts';
import type { TestApp } from './test-app.ts';
import { uniqueName } from './test-app.ts';

export async function createUser(t: TestApp, body: Record<string, unknown>, key?: string): Promise<Record<string, any>> {
  const res = await t.call({ method: 'POST', url: '/v1/organizations/users', payload: { user_name: 'Test User', ...body }, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export async function createKey(t: TestApp, email: string, body: Record<string, unknown>, key?: string): Promise<Record<string, any>> {
  const res = await t.call({ method: 'POST', url: `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`, payload: body, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** A user with the given role and a key with the given permissions: returns the key's secret. */
export async function keyFor(t: TestApp, role: 'admin' | 'member' | 'viewer', permissions: string[]): Promise<{ email: string; key: string }> {
  const email = `${uniqueName(role)}@example.com`;
  await createUser(t, { email, role });
  const created = await createKey(t, email, { name: 'k', permissions });
  return { email, key: created.key };
}

export async function otherOrganization(t: TestApp): Promise<{ organizationId: string; adminEmail: string; apiKey: string }> {
  return provisionOrganization(t.app.metadataStore, {
    organizationName: 'Other Org',
    accountType: 'free',
    credits: 1000,
    adminEmail: `${uniqueName('other')}@example.com`,
    adminName: 'Other Admin',
  });
}

export async function getOrganization(t: TestApp, key?: string): Promise<Record<string, any>> {
  const res = await t.call({ method: 'GET', url: '/v1/organizations', ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/**
 * Buys the bootstrap organization into the team tier (1,000,000 credits) through the API, so a
 * suite can create more API keys than the free tier's two.
 */
export async function upgradeToTeam(t: TestApp, key?: string): Promise<void> {
  const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 1_000_000 }, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().new_tier, 'team');
}
