// Organization components, field for field as the seed (GET /v1/organizations) defines them.
import { Type, type Static } from '@sinclair/typebox';
import { ACCOUNT_TIERS } from '../../engine/accounts/types.ts';
import { MAX_RATE_LIMIT_PER_MINUTE, MAX_TOP_UP_CREDITS } from '../../engine/bounds.ts';
import { BoundedFreeObject } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';

export const AccountTier = Type.Unsafe<(typeof ACCOUNT_TIERS)[number]>({
  $id: 'AccountTier',
  type: 'string',
  enum: [...ACCOUNT_TIERS],
  title: 'AccountTier',
  description:
    'Account tier with monthly credit allocations.\n\nTiers:\n    FREE: 1,000 credits/month\n    PRO: 100,000 credits/month\n    TEAM: 1,000,000 credits/month\n    ENTERPRISE: Custom credits',
});

const rate = (title: string, description: string) => Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT_PER_MINUTE, title, description, default: 10 });

const rateLimitProperties = {
  metadata: Type.Optional(rate('Metadata', 'Requests per minute for configuration operations (namespaces, collections, retrievers, taxonomies, clusters CRUD; organization administration).')),
  data: Type.Optional(rate('Data', 'Requests per minute for data operations (objects, documents CRUD).')),
  search: Type.Optional(rate('Search', 'Requests per minute for search and retrieval (retriever/taxonomy execution).')),
  upload: Type.Optional(rate('Upload', 'Requests per minute for file uploads and presigned URLs.')),
  compute: Type.Optional(rate('Compute', 'Requests per minute for compute (batch submission, cluster execution, syncs).')),
};

/** As in the seed (open object). */
export const BaseRateLimits = Type.Object(rateLimitProperties, {
  $id: 'BaseRateLimits',
  title: 'BaseRateLimits',
  description: 'Rate limits by operation type (requests per minute).',
});

/** The same fields, closed: an unknown category in an update is a 422, not silently ignored. */
const RateLimitsUpdate = Type.Object(rateLimitProperties, {
  title: 'BaseRateLimits',
  description: 'Categories to change (requests per minute); the others keep their values.',
  additionalProperties: false,
});

export const OrganizationModelResponse = Type.Object(
  {
    organization_id: Type.String({ title: 'Organization Id' }),
    organization_name: Type.String({ title: 'Organization Name' }),
    logo_url: Type.Optional(Nullable(Type.String(), { title: 'Logo Url' })),
    account_type: Type.Ref(AccountTier),
    credit_count: Type.Integer({ title: 'Credit Count' }),
    metadata: Type.Optional(FreeObject({ title: 'Metadata' })),
    billing_email: Type.Optional(Nullable(Type.String({ format: 'email' }), { title: 'Billing Email' })),
    notifications_email: Type.Optional(Nullable(Type.String({ format: 'email' }), { title: 'Notifications Email' })),
    rate_limits: Type.Ref(BaseRateLimits),
    auto_billing_enabled: Type.Optional(Type.Boolean({ title: 'Auto Billing Enabled', default: false })),
    billing_cycle_start: Type.Optional(Type.Integer({ title: 'Billing Cycle Start', default: 1 })),
    current_month_usage: Type.Optional(Type.Integer({ title: 'Current Month Usage', default: 0 })),
    created_at: Type.String({ format: 'date-time', title: 'Created At' }),
    updated_at: Type.String({ format: 'date-time', title: 'Updated At' }),
    users: Type.Optional(Nullable(Type.Array(FreeObject()), { title: 'Users' })),
    auth_provider_org_id: Type.Optional(Nullable(Type.String(), { title: 'Auth Provider Org Id' })),
    default_llm_credentials: Type.Optional(Type.Object({}, { additionalProperties: Type.String(), title: 'Default Llm Credentials' })),
    api_url: Type.Optional(Nullable(Type.String(), { title: 'Api Url' })),
  },
  {
    $id: 'OrganizationModelResponse',
    title: 'OrganizationModelResponse',
    description: 'Response model for organization endpoints. Never exposes the internal id or infrastructure configuration.',
  },
);
export type OrganizationModelResponseBody = Static<typeof OrganizationModelResponse>;

export const OrganizationUpdateRequest = Type.Object(
  {
    organization_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }), { title: 'Organization Name' })),
    logo_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }), { title: 'Logo Url' })),
    billing_email: Type.Optional(Nullable(Type.String({ format: 'email' }), { title: 'Billing Email' })),
    metadata: Type.Optional(Nullable(BoundedFreeObject(), { title: 'Metadata', description: 'Replaces the whole metadata object.' })),
    rate_limits: Type.Optional(Nullable(RateLimitsUpdate, { title: 'Rate Limits' })),
  },
  { $id: 'OrganizationUpdateRequest', title: 'OrganizationUpdateRequest', additionalProperties: false },
);
export type OrganizationUpdateRequestBody = Static<typeof OrganizationUpdateRequest>;

export const AddCreditsRequest = Type.Object(
  { credits: Type.Integer({ exclusiveMinimum: 0, maximum: MAX_TOP_UP_CREDITS, title: 'Credits', description: `Number of credits to add (1 to ${MAX_TOP_UP_CREDITS})` }) },
  { $id: 'AddCreditsRequest', title: 'AddCreditsRequest', additionalProperties: false },
);
export type AddCreditsRequestBody = Static<typeof AddCreditsRequest>;

export const AddCreditsResponse = Type.Object(
  {
    previous_balance: Type.Integer({ title: 'Previous Balance' }),
    credits_added: Type.Integer({ title: 'Credits Added' }),
    new_balance: Type.Integer({ title: 'New Balance' }),
    previous_tier: Type.Ref(AccountTier),
    new_tier: Type.Ref(AccountTier),
    tier_upgraded: Type.Boolean({ title: 'Tier Upgraded' }),
  },
  { $id: 'AddCreditsResponse', title: 'AddCreditsResponse' },
);
export type AddCreditsResponseBody = Static<typeof AddCreditsResponse>;

export const ORGANIZATION_SCHEMAS = [AccountTier, BaseRateLimits, OrganizationModelResponse, OrganizationUpdateRequest, AddCreditsRequest, AddCreditsResponse];
