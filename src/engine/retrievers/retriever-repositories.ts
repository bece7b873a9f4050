// The retrievers module's repository port. Every method takes the tenant and filters by its
// organization and namespace.
import type { ListQuery } from '../query/types.ts';
import type { TenantScope } from '../scope/request-scope.ts';
import type { Retriever, RetrieverChanges, RetrieverExecution } from './types.ts';

export interface RetrieverRepository {
  /** Name clash in the namespace → UniqueViolation. */
  insert(retriever: Retriever): Promise<void>;
  /** By public id (ret_…) or by name within the scope's namespace. */
  find(tenant: TenantScope, identifier: string): Promise<Retriever | undefined>;
  /** Up to limit + 1 (for toPage) and the total. */
  list(tenant: TenantScope, query: ListQuery): Promise<{ retrievers: Retriever[]; total: number }>;
  countInOrganization(tenant: TenantScope): Promise<number>;
  /** Applies the changes and increments the version; false when absent. Name clash → UniqueViolation. */
  update(tenant: TenantScope, retrieverId: string, changes: RetrieverChanges, updatedAt: string, updatedBy: string | null): Promise<boolean>;
  /** Removes the retriever and its executions; false when absent. */
  delete(tenant: TenantScope, retrieverId: string): Promise<boolean>;
  /** Every retriever of the namespace with its executions, and its ad-hoc executions (the namespace purge); returns how many retrievers. */
  deleteAllInNamespace(tenant: TenantScope): Promise<number>;
  /** Retrievers of the namespace that target this collection (a collection delete reports or refuses). */
  listUsingCollection(tenant: TenantScope, collectionId: string): Promise<Retriever[]>;
}

export interface RetrieverExecutionRepository {
  insert(execution: RetrieverExecution): Promise<void>;
  /** retrieverId null: an ad-hoc execution. */
  find(tenant: TenantScope, retrieverId: string | null, executionId: string): Promise<RetrieverExecution | undefined>;
  /** Newest first; retrieverId null lists ad-hoc executions. Up to limit + 1 and the total. */
  list(tenant: TenantScope, retrieverId: string | null, filter: { status?: string; startTime?: string; endTime?: string }, limit: number, offset: number): Promise<{ executions: RetrieverExecution[]; total: number }>;
  /** Keeps the newest `keep` executions of a retriever (history is bounded); returns how many were removed. */
  trim(tenant: TenantScope, retrieverId: string | null, keep: number): Promise<number>;
}

export interface RetrieverRepositories {
  retrievers: RetrieverRepository;
  retrieverExecutions: RetrieverExecutionRepository;
}
