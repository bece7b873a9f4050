import type { TenantScope } from '../../../engine/scope/request-scope.ts';

/** Batches are namespaced: every query filters by the scope's namespace. */
export function namespaceOf(tenant: TenantScope): string {
  if (tenant.namespace === null) throw new Error('a batch repository call needs a scope with a namespace');
  return tenant.namespace.namespaceId;
}
