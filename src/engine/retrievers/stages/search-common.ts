// What the search stages share: where a search looks, and the index's refusals as 400s.
import type { Collection } from '../../collections/types.ts';
import { BadRequestError } from '../../errors.ts';
import { InvalidSearchError, type SearchTarget } from '../../ports/search-index.ts';
import type { StageContext } from './stage-definition.ts';

/** The stage's own collection_identifiers when given (resolved in the namespace), else the retriever's. */
export async function searchedCollections(context: StageContext, identifiers: readonly string[] | undefined): Promise<readonly Collection[]> {
  return identifiers !== undefined && identifiers.length > 0 ? context.resolveCollections(identifiers) : context.collections;
}

export function searchTarget(context: StageContext, collections: readonly Collection[]): SearchTarget {
  const namespace = context.scope.namespace;
  if (!namespace) throw new BadRequestError('A retriever runs in a namespace: send X-Namespace');
  return { organizationInternalId: context.scope.organization.internalId, namespaceId: namespace.namespaceId, collectionIds: collections.map((c) => c.collectionId) };
}

/** Runs an index call, turning what the index cannot run as asked into a 400. */
export async function indexCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof InvalidSearchError) throw new BadRequestError(err.message, err.details, 'invalid_search');
    throw err;
  }
}

/** A query as text: strings as they are, numbers and booleans written out; nothing else searches. */
export function queryText(value: unknown, at: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new BadRequestError(`${at}: a text query must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`, { field: at }, 'invalid_stage_parameters');
}
