// Usage and billing components: Mixpeek's names where Mixpeek types the response, Tessera's where
// Mixpeek returns an untyped object (documented in docs/limits-and-credits.md).
import { Type, type Static } from '@sinclair/typebox';
import { MAX_SPENDING_CENTS } from '../../engine/bounds.ts';
import { Nullable } from './nullable.ts';

const DateTime = Type.String({ format: 'date-time' });
const CreditsByName = Type.Object({}, { additionalProperties: Type.Number() });
const CountsByName = Type.Object({}, { additionalProperties: Type.Integer() });
const Period = Type.Object({ start: DateTime, end: DateTime });

export const UsageRangeQuery = Type.Object({
  start: Type.Optional(Type.String({ format: 'date-time', description: 'ISO-8601; default: start of the current billing period' })),
  end: Type.Optional(Type.String({ format: 'date-time', description: 'ISO-8601; default: now' })),
});

export const OrganizationUsageResponse = Type.Object(
  {
    organization_id: Type.String(),
    period: Period,
    credits: Type.Object({
      total: Nullable(Type.Integer(), { description: "The tier's monthly allocation (null: custom)" }),
      used: Type.Number({ description: 'Credits spent in the current billing period' }),
      remaining: Type.Number({ description: 'Current balance' }),
      reset_date: DateTime,
      used_in_range: Type.Number({ description: 'Credits spent between start and end' }),
    }),
    breakdown: CreditsByName,
    requests: Type.Object({ total: Type.Integer(), errors: Type.Integer(), by_category: CountsByName }),
  },
  { $id: 'OrganizationUsageResponse', title: 'OrganizationUsageResponse' },
);
export type OrganizationUsageResponseBody = Static<typeof OrganizationUsageResponse>;

export const ApiKeyUsageResponse = Type.Object(
  {
    key_id: Type.String(),
    name: Type.String(),
    period: Period,
    requests: Type.Integer(),
    errors: Type.Integer(),
    credits_used: Type.Number(),
    by_category: CountsByName,
    last_used_at: Nullable(DateTime),
  },
  { $id: 'ApiKeyUsageResponse', title: 'ApiKeyUsageResponse' },
);
export type ApiKeyUsageResponseBody = Static<typeof ApiKeyUsageResponse>;

export const EndpointUsage = Type.Object(
  {
    endpoint: Type.String({ description: 'operationId' }),
    method: Type.String(),
    path: Type.String(),
    category: Type.String(),
    requests: Type.Integer(),
    errors: Type.Integer(),
    credits_used: Type.Number(),
    last_request_at: DateTime,
  },
  { $id: 'EndpointUsage', title: 'EndpointUsage' },
);
export type EndpointUsageBody = Static<typeof EndpointUsage>;

export const KeyIdParams = Type.Object({ key_id: Type.String({ minLength: 1, maxLength: 100 }) });

export const CreditBalanceResponse = Type.Object(
  {
    organization_id: Type.String(),
    credit_balance: Type.Integer(),
    account_tier: Type.String(),
    next_tier: Type.Optional(Nullable(Type.String())),
    credits_until_next_tier: Type.Optional(Nullable(Type.Integer())),
    estimated_days_remaining: Type.Optional(Nullable(Type.Integer())),
    daily_burn_rate: Type.Optional(Type.Number({ default: 0 })),
  },
  { $id: 'CreditBalanceResponse', title: 'CreditBalanceResponse' },
);
export type CreditBalanceResponseBody = Static<typeof CreditBalanceResponse>;

export const CurrentUsageResponse = Type.Object(
  {
    current_month_usage: Type.Integer(),
    billing_month: Type.String(),
    billing_period_start: DateTime,
    billing_period_end: DateTime,
    estimated_cost_usd: Type.Number(),
    credit_rate: Type.Optional(Type.Number({ default: 0.001 })),
    auto_billing_enabled: Type.Boolean(),
    next_invoice_date: DateTime,
  },
  { $id: 'CurrentUsageResponse', title: 'CurrentUsageResponse' },
);
export type CurrentUsageResponseBody = Static<typeof CurrentUsageResponse>;

export const UsageBreakdownQuery = Type.Object({
  billing_month: Type.Optional(Type.String({ pattern: '^(19[7-9]\\d|[2-8]\\d{3})-(0[1-9]|1[0-2])$', description: 'YYYY-MM (1970-01 to 8999-12); default: the current billing month' })),
});

export const UsageBreakdownResponse = Type.Object(
  {
    billing_month: Type.String(),
    total_credits: Type.Integer(),
    total_cost_usd: Type.Number(),
    by_operation: CountsByName,
    by_extractor: CountsByName,
    period_start: DateTime,
    period_end: DateTime,
  },
  { $id: 'UsageBreakdownResponse', title: 'UsageBreakdownResponse' },
);
export type UsageBreakdownResponseBody = Static<typeof UsageBreakdownResponse>;

export const AutoBillingToggleResponse = Type.Object(
  {
    success: Type.Optional(Type.Boolean({ default: true })),
    auto_billing_enabled: Type.Boolean(),
    message: Type.String(),
    billing_period_start: Type.Optional(Nullable(DateTime)),
  },
  { $id: 'AutoBillingToggleResponse', title: 'AutoBillingToggleResponse' },
);
export type AutoBillingToggleResponseBody = Static<typeof AutoBillingToggleResponse>;

const Cents = Type.Integer({ minimum: 0, maximum: MAX_SPENDING_CENTS });

export const UpdateSpendingCapsRequest = Type.Object(
  {
    monthly_spending_budget: Type.Optional(Nullable(Cents, { description: 'Soft limit in USD cents: alerts only' })),
    spending_alert_thresholds: Type.Optional(Nullable(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), { maxItems: 101, description: 'Percentages of the soft budget (0-100)' }))),
    spending_alerts_enabled: Type.Optional(Nullable(Type.Boolean())),
    hard_spending_cap: Type.Optional(Nullable(Cents, { description: 'Hard limit in USD cents: spending stops when reached' })),
    hard_cap_enabled: Type.Optional(Nullable(Type.Boolean())),
  },
  { $id: 'UpdateSpendingCapsRequest', title: 'UpdateSpendingCapsRequest', additionalProperties: false },
);
export type UpdateSpendingCapsRequestBody = Static<typeof UpdateSpendingCapsRequest>;

export const SpendingCapsResponse = Type.Object(
  {
    monthly_spending_budget: Type.Optional(Nullable(Type.Integer())),
    monthly_spending_budget_usd: Type.Optional(Nullable(Type.Number())),
    spending_alert_thresholds: Type.Optional(Type.Array(Type.Integer())),
    spending_alerts_enabled: Type.Optional(Type.Boolean({ default: true })),
    spending_alerts_sent: Type.Optional(Type.Array(Type.Integer())),
    hard_spending_cap: Type.Optional(Nullable(Type.Integer())),
    hard_spending_cap_usd: Type.Optional(Nullable(Type.Number())),
    hard_cap_enabled: Type.Optional(Type.Boolean({ default: false })),
    current_spending_cents: Type.Integer(),
    current_spending_usd: Type.Number(),
    budget_percentage_used: Type.Optional(Nullable(Type.Number())),
  },
  { $id: 'SpendingCapsResponse', title: 'SpendingCapsResponse' },
);
export type SpendingCapsResponseBody = Static<typeof SpendingCapsResponse>;

export const BILLING_SCHEMAS = [
  OrganizationUsageResponse, ApiKeyUsageResponse, EndpointUsage, CreditBalanceResponse, CurrentUsageResponse, UsageBreakdownResponse,
  AutoBillingToggleResponse, UpdateSpendingCapsRequest, SpendingCapsResponse,
];
