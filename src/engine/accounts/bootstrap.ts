import { systemClock, type Clock } from '../ports/clock.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { provisionOrganizationWith } from './provision-organization.ts';

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

export const BOOTSTRAP_CREDITS = 1_000;

/**
 * On the first start of an empty store: a free organization with 1,000 credits, an admin user
 * and its `admin-key`. Runs once per store even when several processes start together: the
 * marker claim and the inserts commit (or roll back) as one transaction.
 */
export async function bootstrapIfEmpty(store: MetadataStore, options: BootstrapOptions, clock: Clock = systemClock): Promise<BootstrapResult | null> {
  return store.transaction(async (repos) => {
    if (!(await repos.markers.claimOnce('bootstrap', clock.now().toISOString()))) return null;
    if ((await repos.organizations.count()) > 0) return null;
    const provisioned = await provisionOrganizationWith(repos, {
      organizationName: options.organizationName,
      accountType: 'free',
      credits: BOOTSTRAP_CREDITS,
      adminEmail: options.adminEmail,
      adminName: 'Administrator',
      apiKey: options.apiKey,
    }, clock.now());
    return { organizationId: provisioned.organizationId, adminEmail: provisioned.adminEmail, generatedApiKey: options.apiKey ? null : provisioned.apiKey };
  });
}
