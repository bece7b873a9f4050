// Usage reports (engine, camelCase) → Tessera's usage components (snake_case).
import type { ApiKeyUsageReport, EndpointReport, OrganizationUsageReport, RequestCounts } from '../../engine/billing/usage-service.ts';
import type { ApiKeyUsageResponseBody, EndpointUsageBody, OrganizationUsageResponseBody } from '../schemas/billing.ts';

export function toOrganizationUsage(report: OrganizationUsageReport): OrganizationUsageResponseBody {
  return {
    organization_id: report.organizationId,
    period: { start: report.range.from, end: report.range.to },
    credits: {
      total: report.monthlyAllocation,
      used: report.periodCreditsUsed,
      remaining: report.balanceCredits,
      reset_date: report.period.end.toISOString(),
      used_in_range: report.creditsUsed,
    },
    breakdown: report.creditsByOperation,
    requests: { total: report.requests.total, errors: report.requests.errors, by_category: report.requests.byCategory },
  };
}

export function toApiKeyUsage(report: ApiKeyUsageReport): ApiKeyUsageResponseBody {
  const requests: RequestCounts = report.requests;
  return {
    key_id: report.apiKey.keyId,
    name: report.apiKey.name,
    period: { start: report.range.from, end: report.range.to },
    requests: requests.total,
    errors: requests.errors,
    credits_used: report.creditsUsed,
    by_category: requests.byCategory,
    last_used_at: report.apiKey.lastUsedAt,
  };
}

export function toEndpointUsage(endpoint: EndpointReport): EndpointUsageBody {
  return {
    endpoint: endpoint.operationId,
    method: endpoint.method,
    path: endpoint.route,
    category: endpoint.category,
    requests: endpoint.requests,
    errors: endpoint.errors,
    credits_used: endpoint.creditsUsed,
    last_request_at: endpoint.lastRequestAt,
  };
}
