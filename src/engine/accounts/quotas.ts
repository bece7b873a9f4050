// Resource quotas per tier (the `quotas` column of the tier table). Callers count inside a
// transaction that holds the organization's row lock, so two creations cannot both take the last slot.
import { QuotaExceededError } from '../errors.ts';
import { TIERS, type QuotaResource } from './tiers.ts';
import type { Organization } from './types.ts';

export function assertWithinQuota(org: Organization, resource: QuotaResource, current: number, adding = 1): void {
  const limit = TIERS[org.accountType].quotas[resource];
  if (limit !== null && current + adding > limit) throw new QuotaExceededError(resource, current, limit, org.accountType);
}
