// The namespaces module's repository port. Every method takes the tenant: a namespace of another
// organization is never found, counted or changed.
import type { TenantScope } from '../scope/request-scope.ts';
import type { Namespace, NamespaceChanges, NamespaceCounts } from './types.ts';

export interface NamespaceListFilter {
  /** Only these ids (a scoped key's reach); undefined = all. */
  namespaceIds?: readonly string[];
  /** Only ids starting with one of these (a scoped key's "ns_a_*" patterns). */
  idPrefixes?: readonly string[];
  namespaceId?: string;
  namespaceName?: string;
  search?: string;
  caseSensitive: boolean;
  sortField: 'namespace_name' | 'created_at' | 'updated_at' | 'namespace_id';
  sortDirection: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface NamespaceRepository {
  insert(namespace: Namespace): Promise<void>;
  /** A live namespace (not being deleted) by public id or by name. */
  find(tenant: TenantScope, identifier: string): Promise<Namespace | undefined>;
  /** Any namespace by id, including one being deleted (the deletion job reads it). */
  findById(tenant: TenantScope, namespaceId: string): Promise<Namespace | undefined>;
  list(tenant: TenantScope, filter: NamespaceListFilter): Promise<{ namespaces: Namespace[]; total: number }>;
  countLive(tenant: TenantScope): Promise<number>;
  update(tenant: TenantScope, namespaceId: string, changes: NamespaceChanges, updatedAt: string): Promise<boolean>;
  markDeleting(tenant: TenantScope, namespaceId: string, updatedAt: string): Promise<boolean>;
  /** Removes the row itself, once everything in the namespace is gone. */
  remove(tenant: TenantScope, namespaceId: string): Promise<void>;
  counts(tenant: TenantScope, namespaceIds: readonly string[]): Promise<Map<string, NamespaceCounts>>;
  /** Namespaces whose ttl has run out, across organizations (the expiry sweep); oldest first. */
  expired(now: string, limit: number): Promise<{ organizationInternalId: string; namespaceId: string }[]>;
}

export interface NamespaceRepositories {
  namespaces: NamespaceRepository;
}
