// The scope for a resource addressed by id when the request named no namespace (no X-Namespace):
// the resource's own namespace, entered through NamespaceResolution so a scoped key is checked
// exactly as if the header had named it. Buckets use it now; collections, retrievers and the other
// namespaced resources addressed by id reuse it.
import type { NamespaceOperation } from '../accounts/types.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { NamespaceResolution } from './namespace-resolution.ts';
import type { RequestScope } from './request-scope.ts';

export interface ResourceLocator {
  /** e.g. 'bucket'; names the resource in 404s. */
  resource: string;
  /** The shape of the resource's public id (names of that shape are refused): only an id can be found without a namespace. */
  idPattern: RegExp;
  /** The namespace id of the live resource with this id in the scope's organization, if any. */
  namespaceOf: (scope: RequestScope, id: string) => Promise<string | undefined>;
}

/**
 * The scope to address `identifier` in. With a namespace already in the scope: unchanged. Without:
 * an id is looked up in the organization and its namespace entered; a name is a 400, because names
 * are unique only within a namespace.
 */
export async function scopeForResource<S extends RequestScope>(
  scope: S,
  namespaces: NamespaceResolution,
  locator: ResourceLocator,
  identifier: string,
  operation: NamespaceOperation,
): Promise<S> {
  if (scope.namespace !== null) return scope;
  if (!locator.idPattern.test(identifier)) throw missingNamespace(`a ${locator.resource} by name`);
  const namespaceId = await locator.namespaceOf(scope, identifier);
  if (namespaceId === undefined) throw new NotFoundError(locator.resource, identifier);
  return (await namespaces.enter(scope, namespaceId, operation)) as S;
}

/** 400 for a namespaced operation that needs the X-Namespace header to know where it works. */
export function missingNamespace(what: string): BadRequestError {
  return new BadRequestError(`Addressing ${what} needs the X-Namespace header (a namespace id or name): names are unique only within a namespace`, { header: 'X-Namespace' }, 'namespace_required');
}
