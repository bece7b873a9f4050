// API-key scopes (Mixpeek's ResourceScope). An empty list is a global key: everything its
// permissions allow. Otherwise the key reaches only the resources one of its scopes names, by
// literal id, "*" or a prefix wildcard such as "ns_customer_*". Checked at admission against the
// resource the operations catalogue says an operation addresses.
import { ForbiddenError } from '../errors.ts';
import type { ResourceScope } from './types.ts';

/** The resource an operation addresses; id '*' means "all of them" (lists and creates). */
export interface AddressedResource {
  type: string;
  id: string;
  /** The NamespaceOperation the request performs there, when the catalogue names one. */
  operation?: string | undefined;
}

function idCovers(pattern: string, id: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    // A prefix covers a literal with that prefix, or a narrower prefix ("ns_a_*" covers "ns_a_b_*").
    return id.startsWith(prefix);
  }
  return pattern === id;
}

/** Operations a scope allows: null (or absent, as stored when a client omits it) means everything the key's permissions allow. */
function operationsCover(granted: readonly string[] | null | undefined, requested: readonly string[] | null | undefined): boolean {
  if (granted == null) return true;
  return requested != null && requested.every((op) => granted.includes(op));
}

export function scopesAllow(scopes: readonly ResourceScope[], resource: AddressedResource): boolean {
  if (scopes.length === 0) return true;
  return scopes.some(
    (s) => s.resource_type === resource.type && idCovers(s.resource_id, resource.id) && (resource.operation === undefined || s.operations == null || s.operations.includes(resource.operation)),
  );
}

/** Refuses a scoped key outside its scopes, naming the scope it would need. */
export function assertScopesAllow(scopes: readonly ResourceScope[], resource: AddressedResource): void {
  if (scopesAllow(scopes, resource)) return;
  const operation = resource.operation === undefined ? '' : ` for '${resource.operation}'`;
  throw new ForbiddenError(`This API key's scopes do not include ${resource.type} '${resource.id}'${operation}`, {
    required_scope: { resource_type: resource.type, resource_id: resource.id, ...(resource.operation === undefined ? {} : { operations: [resource.operation] }) },
  });
}

/**
 * A key never hands out more reach than it has: a scoped caller may give a key only scopes its own
 * scopes cover (same type, an id its pattern covers, operations within its own), never a global one.
 */
export function assertScopesGrantable(callerScopes: readonly ResourceScope[], requested: readonly ResourceScope[]): void {
  if (callerScopes.length === 0) return;
  if (requested.length === 0) {
    throw new ForbiddenError('A scoped API key cannot create or widen a key to global scope ([])', { required_scope: 'global' });
  }
  for (const scope of requested) {
    const covered = callerScopes.some(
      (own) => own.resource_type === scope.resource_type && idCovers(own.resource_id, scope.resource_id) && operationsCover(own.operations, scope.operations),
    );
    if (!covered) {
      throw new ForbiddenError(`Cannot grant scope ${scope.resource_type} '${scope.resource_id}': the calling key's scopes do not cover it`, {
        required_scope: { resource_type: scope.resource_type, resource_id: scope.resource_id },
      });
    }
  }
}
