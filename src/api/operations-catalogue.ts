// The single place that says what each /v1 operation is: its rate-limit category and the
// permission a key needs. Keys are Mixpeek's operationIds, so the catalogue, the OpenAPI
// document and Mixpeek's SDKs all name an operation the same way. A /v1 route missing from
// here fails app start-up (see plugins/operation-policy.ts).
import type { Permission, RateLimitCategory } from '../engine/accounts/types.ts';

export interface OperationPolicy {
  category: RateLimitCategory;
  permission: Permission;
}

const metadata = (permission: Permission): OperationPolicy => ({ category: 'metadata', permission });

export const OPERATIONS: Record<string, OperationPolicy> = {
  // Organization
  get_organization_v1_organizations_get: metadata('read'),
  update_organization_v1_organizations_patch: metadata('admin'),
  add_credits_v1_organizations_credits_post: metadata('admin'),
  // Users
  create_user_v1_organizations_users_post: metadata('admin'),
  list_users_v1_organizations_users_get: metadata('read'),
  get_user_v1_organizations_users__user_email__get: metadata('read'),
  update_user_v1_organizations_users__user_email__patch: metadata('admin'),
  delete_user_v1_organizations_users__user_email__delete: metadata('admin'),
  // API keys: your own need `write`; another user's need `admin` (checked by the service).
  create_api_key_v1_organizations_users__user_email__api_keys_post: metadata('write'),
  list_api_keys_v1_organizations_users__user_email__api_keys_get: metadata('read'),
  update_api_key_v1_organizations_users__user_email__api_keys__key_name__patch: metadata('write'),
  delete_api_key_v1_organizations_users__user_email__api_keys__key_name__delete: metadata('write'),
  rotate_api_key_v1_organizations_users__user_email__api_keys__key_name__rotate_post: metadata('write'),
};

/** Operations that need no API key (SPEC §0.1). */
export const PUBLIC_OPERATIONS = new Set(['healthcheck_v1_health_get', 'liveness_v1_health_liveness_get']);
