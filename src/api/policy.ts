// What an operation's definition says about who may call it and what it costs: the catalogue entry
// that defineOperation carries next to its route (src/api/define-operation.ts). The catalogue as a
// whole (operations-catalogue.ts) is derived from the definitions, so each policy is written once.
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

/** The policy of an operation that needs no API key (SPEC §0.1): the health probes. */
export const PUBLIC = 'public';
export type PublicAccess = typeof PUBLIC;

/** Configuration and administration: zero-credit (the seed's `metadata` category). */
export const metadata = (permission: Permission, resource?: ResourceDeclaration): OperationPolicy => ({
  category: 'metadata',
  permission,
  credits: 0,
  ...(resource ? { resource } : {}),
});

/** Reading and writing tenant data (objects, documents): the `data` rate-limit category. */
export const data = (permission: Permission): OperationPolicy => ({ category: 'data', permission, credits: 0 });
/**
 * Work that spends model time (batch submit, processing triggers): the `compute` rate-limit
 * category; the credits depend on the work and are charged by the service (per the extractor catalogue).
 */
export const compute = (permission: Permission): OperationPolicy => ({ category: 'compute', permission, credits: 0 });
/**
 * Retrieval (retriever executions): the `search` rate-limit category; the credits depend on the
 * searches the pipeline ran and are charged by the service (knn 0.1, hybrid 0.2 per query).
 */
export const search = (permission: Permission): OperationPolicy => ({ category: 'search', permission, credits: 0 });
/** Presigned uploads (SPEC §9): the `upload` rate-limit category; credits are charged per MB on confirm. */
export const upload = (permission: Permission): OperationPolicy => ({ category: 'upload', permission, credits: 0 });

/** The resources that operations address, for `metadata(permission, resource)`. */
export const USERS = { type: 'user' } as const;
export const USER = { type: 'user', param: 'user_email' } as const;
export const API_KEYS = { type: 'api_key' } as const;
export const API_KEY = { type: 'api_key', param: 'key_id' } as const;
