// JSON Schemas transcribed from the seed (../shared/seed/000_2f160aee80bbca59.txt, Mixpeek API 0.82)
// with $refs inlined. The tests hold their own copy on purpose: if the app's schemas drift from the
// seed, responses stop validating here. `strict` adds additionalProperties:false so an undocumented
// field fails too.
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });

export const AccountTier = { type: 'string', enum: ['free', 'pro', 'team', 'enterprise'] };

const rate = { type: 'integer', minimum: 1, default: 10 };
export const BaseRateLimits = {
  type: 'object',
  properties: { metadata: rate, data: rate, search: rate, upload: rate, compute: rate },
};

export const OrganizationModelResponse = {
  type: 'object',
  properties: {
    organization_id: { type: 'string' },
    organization_name: { type: 'string' },
    logo_url: nullable({ type: 'string' }),
    account_type: AccountTier,
    credit_count: { type: 'integer' },
    metadata: { type: 'object', additionalProperties: true },
    billing_email: nullable({ type: 'string', format: 'email' }),
    notifications_email: nullable({ type: 'string', format: 'email' }),
    rate_limits: BaseRateLimits,
    auto_billing_enabled: { type: 'boolean', default: false },
    billing_cycle_start: { type: 'integer', default: 1 },
    current_month_usage: { type: 'integer', default: 0 },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    users: nullable({ type: 'array', items: { type: 'object', additionalProperties: true } }),
    auth_provider_org_id: nullable({ type: 'string' }),
    default_llm_credentials: { type: 'object', additionalProperties: { type: 'string' } },
    api_url: nullable({ type: 'string' }),
  },
  required: ['organization_id', 'organization_name', 'account_type', 'credit_count', 'rate_limits', 'created_at', 'updated_at'],
};

export const ErrorDetail = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    type: { type: 'string' },
    code: nullable({ type: 'string' }),
    details: nullable({ type: 'object', additionalProperties: true }),
  },
  required: ['message', 'type'],
};

export const ErrorResponse = {
  type: 'object',
  properties: {
    success: { type: 'boolean', default: false },
    status: { type: 'integer' },
    error: ErrorDetail,
  },
  required: ['status', 'error'],
};

export const HTTPValidationError = {
  type: 'object',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
        required: ['loc', 'msg', 'type'],
      },
    },
  },
};

/** The seed's 18 OrganizationModelResponse properties, in its order. */
export const ORGANIZATION_FIELDS = Object.keys(OrganizationModelResponse.properties);

export function strict<T extends { properties: Record<string, unknown> }>(schema: T): T & { additionalProperties: false } {
  return { ...schema, additionalProperties: false };
}
