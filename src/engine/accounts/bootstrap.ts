import type { MetadataStore } from '../ports/metadata-store.ts';
import { newApiKeySecret } from '../../lib/secrets.ts';
import { nowIso } from '../../lib/time.ts';
import { issueApiKey, PROTECTED_KEY_NAME } from './api-key-service.ts';
import { createOrganization } from './create-organization.ts';
import { createUser } from './user-service.ts';
import type { AccountTier } from './types.ts';

export interface BootstrapOptions {
  organizationName: string;
  adminEmail: string;
  /** Use exactly this admin key; when absent a fresh one is generated. */
  apiKey?: string | undefined;
}

export interface BootstrapResult {
  organizationId: string;
  adminEmail: string;
  /** The admin key's plaintext, or null when the key came from configuration (the operator knows it). */
  generatedApiKey: string | null;
}

export const BOOTSTRAP_TIER: AccountTier = 'free';
export const BOOTSTRAP_CREDITS = 1_000;

/**
 * On the first start of an empty store: a free organization with 1,000 credits, an admin user
 * and its `admin-key`. Runs once per store even when several processes start together.
 */
export async function bootstrapIfEmpty(store: MetadataStore, options: BootstrapOptions): Promise<BootstrapResult | null> {
  return store.transaction(async (repos) => {
    if (!(await repos.markers.claimOnce('bootstrap', nowIso()))) return null;
    if ((await repos.organizations.count()) > 0) return null;
    const org = await createOrganization(repos, { organizationName: options.organizationName, accountType: BOOTSTRAP_TIER, credits: BOOTSTRAP_CREDITS });
    const admin = await createUser(repos, org.internalId, {
      email: options.adminEmail,
      userName: 'Administrator',
      avatarUrl: null,
      role: 'admin',
      metadata: {},
    });
    const secret = options.apiKey ?? newApiKeySecret();
    await issueApiKey(
      repos,
      org.internalId,
      admin,
      { name: PROTECTED_KEY_NAME, description: 'Created at bootstrap', permissions: ['admin'], scopes: [], rateLimitOverride: null, expiresAt: null },
      null,
      secret,
    );
    return { organizationId: org.organizationId, adminEmail: admin.email, generatedApiKey: options.apiKey ? null : secret };
  });
}
