// Which namespaces a scoped API key reaches. A global key (no scopes) reaches all of its
// organization's; a key with namespace scopes reaches the ids and "ns_x_*" prefixes they name.
import { assertScopesAllow } from '../accounts/scopes.ts';
import type { NamespaceOperation } from '../accounts/types.ts';
import { actorResourceScopes, type RequestScope } from '../scope/request-scope.ts';

export type NamespaceReach = { all: true } | { all: false; ids: string[]; prefixes: string[] };

export function namespaceReach(scope: RequestScope, operation?: NamespaceOperation): NamespaceReach {
  const scopes = actorResourceScopes(scope);
  if (scopes.length === 0) return { all: true };
  const ids: string[] = [];
  const prefixes: string[] = [];
  for (const s of scopes) {
    if (s.resource_type !== 'namespace') continue;
    if (operation !== undefined && s.operations != null && !s.operations.includes(operation)) continue;
    if (s.resource_id === '*') return { all: true };
    if (s.resource_id.endsWith('*')) prefixes.push(s.resource_id.slice(0, -1));
    else ids.push(s.resource_id);
  }
  return { all: false, ids, prefixes };
}

/** 403 unless the caller's key reaches the namespace ('*' for creating one). */
export function assertNamespaceReach(scope: RequestScope, namespaceId: string, operation?: NamespaceOperation): void {
  const scopes = actorResourceScopes(scope);
  if (scopes.length === 0) return;
  assertScopesAllow(scopes, { type: 'namespace', id: namespaceId, operation });
}
