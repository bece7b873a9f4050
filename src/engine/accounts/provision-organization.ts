// Creating an organization with its first admin: what the CLI offers operators (Mixpeek has no
// public endpoint for it), and what bootstrap does on first start.
import { systemClock, type Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { tenantOf } from '../scope/request-scope.ts';
import { issueApiKey, PROTECTED_KEY_NAME } from './api-key-service.ts';
import { createOrganization } from './create-organization.ts';
import type { AccountTier } from './types.ts';
import { createUser } from './user-service.ts';

export interface ProvisionRequest {
  organizationName: string;
  accountType: AccountTier;
  credits: number;
  adminEmail: string;
  adminName: string;
  /** Use exactly this secret for the admin key; generated when absent. */
  apiKey?: string | undefined;
}

export interface ProvisionedOrganization {
  organizationId: string;
  adminEmail: string;
  adminUserId: string;
  apiKey: string;
}

export async function provisionOrganization(store: MetadataStore, request: ProvisionRequest, clock: Clock = systemClock): Promise<ProvisionedOrganization> {
  return store.transaction((repos) => provisionOrganizationWith(repos, request, clock.now()));
}

/** The same, inside a transaction the caller already holds. */
export async function provisionOrganizationWith(repos: Repositories, request: ProvisionRequest, now: Date): Promise<ProvisionedOrganization> {
  const org = await createOrganization(repos, { organizationName: request.organizationName, accountType: request.accountType, credits: request.credits }, now);
  const tenant = tenantOf(org);
  const admin = await createUser(repos, tenant, {
    email: request.adminEmail,
    userName: request.adminName,
    avatarUrl: null,
    role: 'admin',
    metadata: {},
  }, now);
  const { secret } = await issueApiKey(
    repos,
    tenant,
    admin,
    { name: PROTECTED_KEY_NAME, description: 'Organization admin key', permissions: ['admin'], scopes: [], rateLimitOverride: null, expiresAt: null },
    { createdBy: null, now, secret: request.apiKey },
  );
  return { organizationId: org.organizationId, adminEmail: admin.email, adminUserId: admin.userId, apiKey: secret };
}
