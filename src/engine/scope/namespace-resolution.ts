// Entering a namespace: the X-Namespace header of a request, or the namespace a job names, resolved
// within the scope's organization into the scope. Namespaces themselves arrive with the ingestion
// work; until then the directory is empty and every identifier is unknown (404).
import { assertScopesAllow } from '../accounts/scopes.ts';
import type { NamespaceOperation } from '../accounts/types.ts';
import { NotFoundError } from '../errors.ts';
import { actorResourceScopes, withNamespace, type Actor, type NamespaceRef, type RequestScope, type TenantScope } from './request-scope.ts';

/** The port the namespaces module implements: a namespace of the tenant's organization by public id or by name. */
export interface NamespaceDirectory {
  find(tenant: TenantScope, identifier: string): Promise<NamespaceRef | undefined>;
}

/** Before namespaces exist: no organization has any. */
export const NO_NAMESPACES: NamespaceDirectory = { find: async () => undefined };

/** Resource types finer than a namespace: their scopes are checked by the resource's own routes. */
const WITHIN_NAMESPACE = new Set(['collection', 'bucket', 'retriever', 'cluster', 'taxonomy']);

export class NamespaceResolution {
  constructor(private readonly directory: NamespaceDirectory) {}

  /**
   * The scope moved into the namespace. Unknown, or another organization's: 404, the same answer
   * for both, so ids cannot be probed across tenants. A scoped key must hold a namespace scope that
   * covers it (and the operation, when one is named), unless its scopes name resources inside
   * namespaces, which those resources' routes check.
   */
  async enter<A extends Actor>(scope: RequestScope<A>, identifier: string, operation?: NamespaceOperation): Promise<RequestScope<A>> {
    const namespace = await this.directory.find(scope, identifier);
    if (!namespace) throw new NotFoundError('namespace', identifier);
    const keyScopes = actorResourceScopes(scope);
    if (keyScopes.length > 0 && !keyScopes.some((s) => WITHIN_NAMESPACE.has(s.resource_type))) {
      assertScopesAllow(keyScopes, { type: 'namespace', id: namespace.namespaceId, operation });
    }
    return withNamespace(scope, namespace);
  }
}
