// The usage module's storage port: request counts per key, operation and hour.
import type { TenantScope } from '../scope/request-scope.ts';
import type { TimeRange } from '../ports/time-range.ts';

export interface RequestCount {
  organizationInternalId: string;
  keyId: string;
  operationId: string;
  method: string;
  route: string;
  category: string;
  /** ISO start of the UTC hour. */
  hour: string;
  requests: number;
  errors: number;
  lastRequestAt: string;
}

export interface EndpointUsage {
  operationId: string;
  method: string;
  route: string;
  category: string;
  requests: number;
  errors: number;
  lastRequestAt: string;
}

export interface RequestUsageRepository {
  /** Adds the counts to the stored ones (upsert-increment); a batch spans tenants, each count names its own. */
  add(counts: readonly RequestCount[]): Promise<void>;
  byEndpoint(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<EndpointUsage[]>;
}

export interface UsageRepositories {
  requestUsage: RequestUsageRepository;
}
