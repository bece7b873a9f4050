import type { OrganizationView } from '../../engine/accounts/types.ts';
import { MILLIS_PER_CREDIT, wholeCredits } from '../../engine/accounts/tiers.ts';
import type { CreditTopUp } from '../../engine/billing/credit-service.ts';
import type { AddCreditsResponseBody, OrganizationModelResponseBody } from '../schemas/organizations.ts';
import { toUserModel } from './user.ts';

export function toOrganizationResponse(view: OrganizationView, apiUrl: string | null): OrganizationModelResponseBody {
  const org = view.organization;
  return {
    organization_id: org.organizationId,
    organization_name: org.organizationName,
    logo_url: org.logoUrl,
    account_type: org.accountType,
    credit_count: wholeCredits(org.creditBalanceMillis),
    metadata: org.metadata,
    billing_email: org.billingEmail,
    notifications_email: org.notificationsEmail,
    rate_limits: org.rateLimits,
    auto_billing_enabled: org.autoBillingEnabled,
    billing_cycle_start: org.billingCycleStart,
    // Whole credits, rounded up: a started credit counts as used.
    current_month_usage: Math.ceil(view.currentMonthUsageMillis / MILLIS_PER_CREDIT),
    created_at: org.createdAt,
    updated_at: org.updatedAt,
    users: view.users.map((u) => toUserModel(u, org.organizationId)),
    auth_provider_org_id: org.authProviderOrgId,
    // Stored LLM credentials are secrets; Tessera keeps none here, and would never echo them.
    default_llm_credentials: {},
    api_url: apiUrl,
  };
}

export function toAddCreditsResponse(topUp: CreditTopUp): AddCreditsResponseBody {
  return {
    previous_balance: topUp.previousBalance,
    credits_added: topUp.creditsAdded,
    new_balance: topUp.newBalance,
    previous_tier: topUp.previousTier,
    new_tier: topUp.newTier,
    tier_upgraded: topUp.tierUpgraded,
  };
}
