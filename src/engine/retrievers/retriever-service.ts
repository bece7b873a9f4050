// Retrievers (SPEC §15.1): create (any accepted form, normalised by retriever-definition.ts), read
// by id or name, list, rename/describe/tag (PATCH; the rest is immutable: clone), delete with its
// executions, clone. Every operation works in the scope's namespace (X-Namespace).
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { ListQuery } from '../query/types.ts';
import { actingUserId, type RequestScope } from '../scope/request-scope.ts';
import { missingNamespace } from '../scope/resource-scope.ts';
import {
  assertRetrieverName,
  collectionIdentifiers,
  featureDependencies,
  normaliseBudget,
  normaliseDescription,
  normaliseDisplayConfig,
  normaliseInputSchema,
  normaliseStages,
  normaliseTags,
  type StageCatalogue,
} from './retriever-definition.ts';
import type { Retriever, RetrieverChanges } from './types.ts';

/** What PATCH may change (SPEC §15.1); anything else is the retriever's core logic. */
export const MUTABLE_FIELDS = ['retriever_name', 'description', 'tags', 'display_config'] as const;

export class RetrieverService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly stages: StageCatalogue,
  ) {}

  /** CreateRetrieverRequest in any accepted form (the raw body: legacy forms are read here, not by the schema). */
  async create(scope: RequestScope, body: Record<string, unknown>): Promise<Retriever> {
    if (scope.namespace === null) throw missingNamespace('a new retriever');
    const name = assertRetrieverName(body.retriever_name);
    const identifiers = collectionIdentifiers(body);
    const stages = normaliseStages(body.stages, this.stages);
    const draft = {
      retrieverName: name,
      description: normaliseDescription(body.description),
      inputSchema: normaliseInputSchema(body.input_schema),
      stages,
      budgetLimits: normaliseBudget(body.budget_limits),
      featureDependencies: featureDependencies(stages),
      tags: normaliseTags(body.tags),
      displayConfig: normaliseDisplayConfig(body.display_config),
    };
    return this.insert(scope, draft, identifiers, body.collection_identifiers !== undefined && body.collection_identifiers !== null ? 'collection_identifiers' : 'collection_ids');
  }

  async get(scope: RequestScope, identifier: string): Promise<Retriever> {
    return this.require(this.store, scope, identifier);
  }

  async list(scope: RequestScope, query: ListQuery): Promise<{ retrievers: Retriever[]; total: number }> {
    if (scope.namespace === null) throw missingNamespace('retrievers');
    return this.store.retrievers.list(scope, query);
  }

  /** PATCH: retriever_name, description, tags, display_config; version + 1. */
  async update(scope: RequestScope, identifier: string, body: Record<string, unknown>): Promise<Retriever> {
    const immutable = Object.keys(body).filter((k) => !(MUTABLE_FIELDS as readonly string[]).includes(k));
    if (immutable.length > 0) {
      throw new BadRequestError(
        `${immutable.join(', ')} ${immutable.length === 1 ? 'is' : 'are'} immutable: a retriever's stages, inputs, collections and budget are fixed; clone it instead (POST /v1/retrievers/{retriever_id}/clone). Only ${MUTABLE_FIELDS.join(', ')} can change`,
        { fields: immutable, clone: 'POST /v1/retrievers/{retriever_id}/clone' },
        'immutable_field',
      );
    }
    const changes: RetrieverChanges = {};
    if (body.retriever_name !== undefined && body.retriever_name !== null) changes.retrieverName = assertRetrieverName(body.retriever_name);
    if (body.description !== undefined) changes.description = normaliseDescription(body.description);
    if (body.tags !== undefined && body.tags !== null) changes.tags = normaliseTags(body.tags);
    if (body.display_config !== undefined) changes.displayConfig = normaliseDisplayConfig(body.display_config);
    if (Object.keys(changes).length === 0) throw new BadRequestError(`Nothing to update: send at least one of ${MUTABLE_FIELDS.join(', ')}`, { fields: [...MUTABLE_FIELDS] }, 'empty_update');
    return this.store.transaction(async (repos) => {
      const retriever = await this.require(repos, scope, identifier);
      const done = await uniqueName(() => repos.retrievers.update(scope, retriever.retrieverId, changes, this.now(), actingUserId(scope)), changes.retrieverName ?? retriever.retrieverName);
      if (!done) throw new NotFoundError('retriever', identifier);
      return (await repos.retrievers.find(scope, retriever.retrieverId))!;
    });
  }

  /** Synchronous (SPEC §22): the retriever and its executions history. */
  async delete(scope: RequestScope, identifier: string): Promise<Retriever> {
    return this.store.transaction(async (repos) => {
      const retriever = await this.require(repos, scope, identifier);
      await repos.retrievers.delete(scope, retriever.retrieverId);
      return retriever;
    });
  }

  /** A new retriever from an existing one: every field given overrides the source's (CloneRetrieverRequest). */
  async clone(scope: RequestScope, identifier: string, body: Record<string, unknown>): Promise<{ retriever: Retriever; source: Retriever }> {
    const source = await this.require(this.store, scope, identifier);
    const name = assertRetrieverName(body.retriever_name);
    const given = (key: string) => body[key] !== undefined && body[key] !== null;
    const stages = given('stages') ? normaliseStages(body.stages, this.stages) : source.stages;
    const identifiers = given('collection_identifiers') || given('collection_ids') ? collectionIdentifiers(body) : source.collectionIds;
    const draft = {
      retrieverName: name,
      description: given('description') ? normaliseDescription(body.description) : source.description,
      inputSchema: given('input_schema') ? normaliseInputSchema(body.input_schema) : source.inputSchema,
      stages,
      budgetLimits: given('budget_limits') ? normaliseBudget(body.budget_limits) : source.budgetLimits,
      featureDependencies: featureDependencies(stages),
      tags: given('tags') ? normaliseTags(body.tags) : source.tags,
      displayConfig: given('display_config') ? normaliseDisplayConfig(body.display_config) : source.displayConfig,
    };
    const retriever = await this.insert(scope, draft, identifiers, given('collection_ids') && !given('collection_identifiers') ? 'collection_ids' : 'collection_identifiers');
    return { retriever, source };
  }

  /** A retriever of the scope's namespace by id or name, or 404. */
  async require(repos: Pick<Repositories, 'retrievers'>, scope: RequestScope, identifier: string): Promise<Retriever> {
    if (scope.namespace === null) throw missingNamespace('a retriever');
    const retriever = await repos.retrievers.find(scope, identifier);
    if (!retriever) throw new NotFoundError('retriever', identifier);
    return retriever;
  }

  private async insert(scope: RequestScope, draft: Omit<Retriever, 'retrieverId' | 'organizationInternalId' | 'namespaceId' | 'collectionIds' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'>, identifiers: readonly string[], collectionsAt: string): Promise<Retriever> {
    const namespace = scope.namespace;
    if (namespace === null) throw missingNamespace('a new retriever');
    const now = this.now();
    return this.store.transaction(async (repos) => {
      // The organization's row lock, first: two creations cannot both take the last slot of the
      // quota, and a collection delete (which takes it too) cannot remove a target meanwhile.
      await repos.organizations.lock(scope.organization.internalId);
      const collectionIds = await resolveCollections(repos, scope, identifiers, collectionsAt);
      const retriever: Retriever = {
        ...draft,
        retrieverId: newId('retriever'),
        organizationInternalId: scope.organization.internalId,
        namespaceId: namespace.namespaceId,
        collectionIds,
        version: 1,
        createdAt: now,
        updatedAt: now,
        createdBy: actingUserId(scope),
        updatedBy: actingUserId(scope),
      };
      const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
      if (scope.actor.kind === 'api_key') assertWithinQuota(org, 'retrievers', await repos.retrievers.countInOrganization(scope));
      await uniqueName(() => repos.retrievers.insert(retriever), retriever.retrieverName);
      return retriever;
    });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

/** Collection ids or names of the namespace → ids, in order; an unknown one is a 404 naming it. */
export async function resolveCollections(repos: Pick<Repositories, 'collections'>, scope: RequestScope, identifiers: readonly string[], at: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, identifier] of identifiers.entries()) {
    const collection = await repos.collections.find(scope, identifier);
    if (!collection) {
      const err = new NotFoundError('collection', identifier);
      Object.assign(err.details!, { field: `${at}[${i}]` });
      throw err;
    }
    if (!ids.includes(collection.collectionId)) ids.push(collection.collectionId);
  }
  return ids;
}

async function uniqueName<T>(write: () => Promise<T>, name: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('retriever', 'retriever_name', name);
    throw err;
  }
}
