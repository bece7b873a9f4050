// The single place that says what each /v1 operation is: its rate-limit category, the permission
// a key needs, and the credits a successful request costs. Keys are Mixpeek's operationIds, so the catalogue, the OpenAPI
// document and Mixpeek's SDKs all name an operation the same way. A /v1 route missing from
// here fails app start-up (see plugins/operation-policy.ts).
import type { NamespaceOperation, Permission, RateLimitCategory } from '../engine/accounts/types.ts';

export interface OperationPolicy {
  category: RateLimitCategory;
  permission: Permission;
  /**
   * Credits charged per request before the handler runs (refunded if it fails). Costs that depend
   * on the request (per MB uploaded, per minute of video) are charged by the handler itself through
   * CreditService with the amounts of docs/limits-and-credits.md.
   */
  credits: number;
  /**
   * What a scoped API key must have a scope for (default: the caller's organization). `param` names
   * the path parameter holding the addressed id; without one the operation addresses the whole
   * collection (id '*': lists and creates need a wildcard scope).
   */
  resource?: ResourceDeclaration;
  /** Scoped keys may call it whatever their scopes: clients read their own organization to check a key. */
  openToScopedKeys?: boolean;
  /**
   * Works inside a namespace: admission resolves X-Namespace (or X-Namespace-Id) by id or name into
   * the request scope, and a namespace-scoped key needs a scope covering it (and `operation`).
   * Without the header the scope has no namespace and the route decides (by the addressed resource,
   * across namespaces, or 400).
   */
  namespace?: { operation?: NamespaceOperation };
}

export type ResourceDeclaration = { type: 'organization' } | { type: 'user' | 'api_key'; param?: string };

/** Configuration and administration: zero-credit (the seed's `metadata` category). */
const metadata = (permission: Permission, resource?: ResourceDeclaration): OperationPolicy => ({
  category: 'metadata',
  permission,
  credits: 0,
  ...(resource ? { resource } : {}),
});
const users = { type: 'user' } as const;
const user = { type: 'user', param: 'user_email' } as const;
const apiKeys = { type: 'api_key' } as const;
const apiKey = { type: 'api_key', param: 'key_id' } as const;

export const OPERATIONS: Record<string, OperationPolicy> = {
  // Organization
  get_organization_v1_organizations_get: { ...metadata('read'), openToScopedKeys: true },
  update_organization_v1_organizations_patch: metadata('admin'),
  add_credits_v1_organizations_credits_post: metadata('admin'),
  // Users
  create_user_v1_organizations_users_post: metadata('admin', users),
  list_users_v1_organizations_users_get: metadata('read', users),
  get_user_v1_organizations_users__user_email__get: metadata('read', user),
  update_user_v1_organizations_users__user_email__patch: metadata('admin', user),
  delete_user_v1_organizations_users__user_email__delete: metadata('admin', user),
  // API keys: your own need `write`; another user's need `admin` (checked by the service).
  create_api_key_v1_organizations_users__user_email__api_keys_post: metadata('write', apiKeys),
  list_api_keys_v1_organizations_users__user_email__api_keys_get: metadata('read', apiKeys),
  update_api_key_v1_organizations_users__user_email__api_keys__key_name__patch: metadata('write', apiKeys),
  delete_api_key_v1_organizations_users__user_email__api_keys__key_name__delete: metadata('write', apiKeys),
  rotate_api_key_v1_organizations_users__user_email__api_keys__key_name__rotate_post: metadata('write', apiKeys),
  // Usage: your own key's with `read`, another user's key with `admin` (checked by the service).
  get_org_usage_v1_organizations_usage_get: metadata('read'),
  get_api_key_usage_v1_organizations_api_keys__key_id__usage_get: metadata('read', apiKey),
  get_api_key_endpoint_breakdown_v1_organizations_api_keys__key_id__usage_endpoints_get: metadata('read', apiKey),
  // Billing
  get_credit_balance_v1_organizations_billing_balance_get: metadata('read'),
  get_current_usage_v1_organizations_billing_usage_current_get: metadata('read'),
  get_usage_breakdown_v1_organizations_billing_usage_breakdown_get: metadata('read'),
  enable_auto_billing_v1_organizations_billing_enable_auto_billing_post: metadata('admin'),
  disable_auto_billing_v1_organizations_billing_disable_auto_billing_post: metadata('admin'),
  get_spending_caps_v1_organizations_billing_spending_caps_get: metadata('read'),
  update_spending_caps_v1_organizations_billing_spending_caps_post: metadata('admin'),
  // Secrets vault: names are listed with `read`; values go in with `admin` and never come out.
  create_secret_v1_organizations_secrets_post: metadata('admin'),
  list_secrets_v1_organizations_secrets_get: metadata('read'),
  update_secret_v1_organizations_secrets__secret_name__put: metadata('admin'),
  delete_secret_v1_organizations_secrets__secret_name__delete: metadata('admin'),
};

/**
 * Credit costs of the operations Mixpeek meters, for the handlers that charge them (SPEC §20).
 * The resources that incur them (uploads, extraction, retrieval) use these numbers.
 */
export const METERED_COSTS = {
  upload_per_started_mb: 1,
  video_processing_per_minute: 10,
  document_creation: 1,
  knn_search_per_query: 0.1,
  hybrid_search_per_query: 0.2,
} as const;

/** Operations that need no API key (SPEC §0.1). */
export const PUBLIC_OPERATIONS = new Set(['healthcheck_v1_health_get', 'liveness_v1_health_liveness_get']);
