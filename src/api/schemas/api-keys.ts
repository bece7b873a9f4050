import { Type, type Static } from '@sinclair/typebox';
import { KEY_STATUSES, NAMESPACE_OPERATIONS, PERMISSIONS } from '../../engine/accounts/types.ts';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../../engine/bounds.ts';
import { Nullable } from './nullable.ts';
import { QueryObject } from './query.ts';

export const Permission = Type.Unsafe<(typeof PERMISSIONS)[number]>({ $id: 'Permission', type: 'string', enum: [...PERMISSIONS], title: 'Permission' });
export const KeyStatus = Type.Unsafe<(typeof KEY_STATUSES)[number]>({ $id: 'KeyStatus', type: 'string', enum: [...KEY_STATUSES], title: 'KeyStatus' });

const RESOURCE_TYPES = ['organization', 'user', 'api_key', 'namespace', 'collection', 'bucket', 'retriever', 'cluster', 'taxonomy', 'storage_connection', 'alert'] as const;

export const ResourceType = Type.Unsafe<(typeof RESOURCE_TYPES)[number]>({ $id: 'ResourceType', type: 'string', enum: [...RESOURCE_TYPES], title: 'ResourceType' });
export const NamespaceOperation = Type.Unsafe<(typeof NAMESPACE_OPERATIONS)[number]>({
  $id: 'NamespaceOperation',
  type: 'string',
  enum: [...NAMESPACE_OPERATIONS],
  title: 'NamespaceOperation',
});

export const ResourceScope = Type.Object(
  {
    resource_type: Type.Ref(ResourceType),
    resource_id: Type.String({ minLength: 1, maxLength: 100, description: 'Literal id or wildcard ("*", "ns_customer_*")' }),
    operations: Type.Optional(Nullable(Type.Array(Type.Ref(NamespaceOperation)))),
  },
  { $id: 'ResourceScope', title: 'ResourceScope', additionalProperties: false },
);

const Permissions = Type.Array(Type.Ref(Permission), { minItems: 1, title: 'Permissions', description: 'Set of permissions granted to the API key (least privilege).' });
const DateTime = Type.String({ format: 'date-time' });
const RateLimitOverride = Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT_PER_MINUTE });

export const APIKeyCreateRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, title: 'Name' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }), { title: 'Description' })),
    permissions: Type.Optional(Permissions),
    scopes: Type.Optional(Nullable(Type.Array(Type.Ref(ResourceScope)), { title: 'Scopes' })),
    rate_limit_override: Type.Optional(Nullable(RateLimitOverride, { title: 'Rate Limit Override', description: 'Requests per minute for this key' })),
    expires_at: Type.Optional(Nullable(DateTime, { title: 'Expires At' })),
  },
  { $id: 'APIKeyCreateRequest', title: 'APIKeyCreateRequest', additionalProperties: false },
);
export type APIKeyCreateRequestBody = Static<typeof APIKeyCreateRequest>;

export const APIKeyUpdateRequest = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }), { title: 'Name' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }), { title: 'Description' })),
    permissions: Type.Optional(Nullable(Permissions)),
    scopes: Type.Optional(Nullable(Type.Array(Type.Ref(ResourceScope)), { title: 'Scopes', description: 'Replaces the scopes; [] means global.' })),
    rate_limit_override: Type.Optional(Nullable(RateLimitOverride, { title: 'Rate Limit Override' })),
    expires_at: Type.Optional(Nullable(DateTime, { title: 'Expires At', description: 'null clears the expiry' })),
    status: Type.Optional(Nullable(Type.Ref(KeyStatus), { title: 'Status' })),
  },
  { $id: 'APIKeyUpdateRequest', title: 'APIKeyUpdateRequest', additionalProperties: false },
);
export type APIKeyUpdateRequestBody = Static<typeof APIKeyUpdateRequest>;

const apiKeyModelProperties = {
  key_id: Type.String({ title: 'Key Id' }),
  key_hash: Type.String({ title: 'Key Hash', description: 'Always "[redacted]": Tessera never returns the stored hash.' }),
  key_prefix: Nullable(Type.String({ minLength: 10, maxLength: 13 }), { title: 'Key Prefix' }),
  internal_id: Type.String({ title: 'Internal Id', description: "The organization's public id: Tessera never returns internal ids." }),
  organization_id: Nullable(Type.String(), { title: 'Organization Id' }),
  user_id: Type.String({ title: 'User Id' }),
  name: Type.String({ title: 'Name' }),
  description: Type.String({ title: 'Description', default: '' }),
  permissions: Type.Array(Type.Ref(Permission), { title: 'Permissions' }),
  scopes: Type.Array(Type.Ref(ResourceScope), { title: 'Scopes' }),
  rate_limit_override: Nullable(Type.Integer(), { title: 'Rate Limit Override' }),
  status: Type.Ref(KeyStatus, { default: 'active' }),
  expires_at: Nullable(DateTime, { title: 'Expires At' }),
  last_used_at: Nullable(DateTime, { title: 'Last Used At' }),
  created_at: Type.String({ format: 'date-time', title: 'Created At' }),
  created_by: Nullable(Type.String(), { title: 'Created By' }),
  revoked_at: Nullable(DateTime, { title: 'Revoked At' }),
  revoked_by: Nullable(Type.String(), { title: 'Revoked By' }),
};

export const APIKeyModel = Type.Object(apiKeyModelProperties, { $id: 'APIKeyModel', title: 'APIKeyModel' });
export type APIKeyModelBody = Static<typeof APIKeyModel>;

export const APIKeyCreateResponse = Type.Object(
  { ...apiKeyModelProperties, key: Type.String({ title: 'Key', description: 'The plaintext key. Shown once: store it now.' }) },
  { $id: 'APIKeyCreateResponse', title: 'APIKeyCreateResponse' },
);
export type APIKeyCreateResponseBody = Static<typeof APIKeyCreateResponse>;

export const APIKeyListResponse = Type.Object(
  { results: Type.Array(Type.Ref(APIKeyModel)), total: Type.Integer() },
  { $id: 'APIKeyListResponse', title: 'APIKeyListResponse' },
);
export type APIKeyListResponseBody = Static<typeof APIKeyListResponse>;

export const ApiKeyParams = Type.Object({
  user_email: Type.String({ minLength: 3, maxLength: 254 }),
  key_name: Type.String({ minLength: 1, maxLength: 100 }),
});

export const ApiKeyListQuery = QueryObject({ include_revoked: Type.Boolean({ default: false }) });

export const API_KEY_SCHEMAS = [
  Permission, KeyStatus, ResourceType, NamespaceOperation, ResourceScope, APIKeyCreateRequest, APIKeyUpdateRequest, APIKeyModel, APIKeyCreateResponse, APIKeyListResponse,
];
