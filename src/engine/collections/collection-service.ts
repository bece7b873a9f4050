// Collections (SPEC §12): create (source, extractor, schemas and vector indexes fixed at creation),
// read, rename/enable/describe, list and delete. Every operation works in the scope's namespace
// (X-Namespace, resolved by admission). Changes publish collection.* events in their transaction.
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import type { EventPublisher, PlatformEvent } from '../events/platform-event.ts';
import type { ExtractorRegistry } from '../extractors/extractor-registry.ts';
import type { VectorIndexDefinition } from '../extractors/extractor-definition.ts';
import { lockedModelsOf, namespaceExtractor } from '../extractors/locked-models.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { ListQuery } from '../query/types.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { missingNamespace } from '../scope/resource-scope.ts';
import { resolveExtractorConfig, type InputMappingsInput, type PassthroughInput } from './collection-extractor-config.ts';
import { resolveSource, type SourceInput } from './collection-source.ts';
import type { Collection, CollectionChanges, CollectionWithCounts } from './types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,99}$/;
const ID_SHAPED = /^col_[a-z0-9]{20}$/;
/** What PATCH may change; anything else is the collection's core configuration (SPEC §22). */
export const MUTABLE_FIELDS = ['collection_name', 'description', 'enabled', 'metadata', 'taxonomy_applications'] as const;

export interface FeatureExtractorInput {
  feature_extractor_name: string;
  version: string;
  params?: Record<string, unknown> | null | undefined;
  parameters?: Record<string, unknown> | null | undefined;
  input_mappings?: InputMappingsInput | null | undefined;
  field_passthrough?: readonly PassthroughInput[] | null | undefined;
  include_all_source_fields?: boolean | null | undefined;
}

export interface NewCollection {
  collectionName: string;
  description: string | null;
  source: SourceInput;
  featureExtractor: FeatureExtractorInput;
  enabled: boolean;
  metadata: Record<string, unknown>;
  /** Post-processing hooks: no taxonomies, clusters or alerts exist in Tessera yet, so any entry is refused. */
  applications: { taxonomy_applications: readonly unknown[]; cluster_applications: readonly unknown[]; alert_applications: readonly unknown[] };
}

export interface CollectionEdit {
  collectionName?: string | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export interface CollectionListStats {
  total_documents: number;
  avg_documents_per_collection: number;
  collections_with_taxonomies: number;
  total_feature_extractors: number;
  total_taxonomies: number;
  total_retrievers: number;
}

export function assertCollectionName(name: string): void {
  if (!NAME.test(name)) throw new BadRequestError('collection_name must be 3-100 letters, digits, "_", "-" or ".", starting with a letter or digit', { field: 'collection_name', value: name.slice(0, 120) });
  if (ID_SHAPED.test(name)) throw new BadRequestError('collection_name may not have the shape of a collection id (col_ + 20 letters or digits)', { field: 'collection_name', value: name });
}

export class CollectionService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly extractors: ExtractorRegistry,
    private readonly events: EventPublisher,
  ) {}

  async create(scope: RequestScope, input: NewCollection): Promise<CollectionWithCounts> {
    const namespace = scope.namespace;
    if (namespace === null) throw missingNamespace('a new collection');
    assertCollectionName(input.collectionName);
    for (const kind of ['taxonomy_applications', 'cluster_applications', 'alert_applications'] as const) {
      if (input.applications[kind].length > 0) throw new BadRequestError(`${kind} is not supported yet: Tessera has no ${kind.split('_')[0]}s to apply`, { field: kind }, 'unsupported_field');
    }
    const fe = input.featureExtractor;
    const extractor = this.extractors.require(fe.feature_extractor_name, fe.version, 'feature_extractor');
    const ns = await this.store.namespaces.find(scope, namespace.namespaceId);
    if (!ns) throw new NotFoundError('namespace', namespace.namespaceId);
    const configured = namespaceExtractor(ns.featureExtractors, extractor.name, extractor.version);
    const locked = configured ? lockedModelsOf(configured) : {};
    const vectorIndexes = extractor.vectorIndexes(locked);
    // An extractor with models must be one the namespace configured (its models are locked there);
    // one without (passthrough) has nothing to be incompatible with.
    if (!configured && !extractor.modelFree) {
      const configuredNames = ns.featureExtractors.map((x) => `${x.feature_extractor_name}@${x.version}`);
      throw new BadRequestError(
        `Namespace '${ns.namespaceName}' does not configure feature extractor ${extractor.name}@${extractor.version} (it configures ${configuredNames.join(', ')}): extractors and their models are fixed when the namespace is created`,
        { field: 'feature_extractor.feature_extractor_name', namespace_extractors: configuredNames },
        'extractor_not_in_namespace',
      );
    }
    assertCompatibleParams(fe.params ?? null, locked);

    const now = this.clock.now().toISOString();
    return this.store.transaction(async (repos) => {
      // The organization's row lock, first: two creations cannot both take the last slot of the
      // quota, and a delete (which takes it too) cannot remove a source between the check below
      // and the insert.
      await repos.organizations.lock(scope.organization.internalId);
      const resolved = await resolveSource(repos, scope, input.source);
      const config = resolveExtractorConfig(
        extractor,
        { parameters: fe.parameters, input_mappings: fe.input_mappings, field_passthrough: fe.field_passthrough, include_all_source_fields: fe.include_all_source_fields ?? false },
        resolved.inputSchema,
        vectorIndexes.map((v) => v.name),
      );
      const collection: Collection = {
        collectionId: newId('collection'),
        organizationInternalId: scope.organization.internalId,
        namespaceId: namespace.namespaceId,
        collectionName: input.collectionName,
        description: input.description,
        source: resolved.source,
        inputSchema: resolved.inputSchema,
        outputSchema: config.outputSchema,
        featureExtractor: {
          feature_extractor_name: extractor.name,
          version: extractor.version,
          parameters: config.parameters,
          input_mappings: config.inputMappings,
          field_passthrough: config.passthrough,
          include_all_source_fields: fe.include_all_source_fields ?? false,
          params: configured?.params ?? {},
        },
        vectorIndexes,
        tier: resolved.tier,
        enabled: input.enabled,
        metadata: input.metadata,
        schemaVersion: 1,
        status: 'ACTIVE',
        createdAt: now,
        updatedAt: now,
      };
      const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
      if (scope.actor.kind === 'api_key') assertWithinQuota(org, 'collections', await repos.collections.countInOrganization(scope));
      await uniqueName(() => repos.collections.insert(collection), collection.collectionName);
      await this.publish(repos, scope, 'collection.created', collection);
      return { ...collection, documentCount: 0 };
    });
  }

  async get(scope: RequestScope, identifier: string): Promise<CollectionWithCounts> {
    const collection = await this.require(this.store, scope, identifier);
    return { ...collection, documentCount: await this.store.documents.countInCollection(scope, collection.collectionId) };
  }

  /** PATCH: collection_name, description, enabled, metadata; the rest is immutable (clone instead). */
  async update(scope: RequestScope, identifier: string, body: Record<string, unknown>): Promise<CollectionWithCounts> {
    const immutable = Object.keys(body).filter((k) => !(MUTABLE_FIELDS as readonly string[]).includes(k));
    if (immutable.length > 0) {
      throw new BadRequestError(`${immutable.join(', ')} ${immutable.length === 1 ? 'is' : 'are'} immutable; clone the collection instead (only ${MUTABLE_FIELDS.filter((f) => f !== 'taxonomy_applications').join(', ')} can change)`, { fields: immutable }, 'immutable_field');
    }
    const changes: CollectionChanges = {};
    if (body.collection_name !== undefined) {
      if (typeof body.collection_name !== 'string') throw new BadRequestError('collection_name must be a string', { field: 'collection_name' });
      assertCollectionName(body.collection_name);
      changes.collectionName = body.collection_name;
    }
    if (body.description !== undefined) {
      if (body.description !== null && (typeof body.description !== 'string' || body.description.length > 2000)) throw new BadRequestError('description must be a string of at most 2000 characters or null', { field: 'description' });
      changes.description = body.description;
    }
    if (body.enabled !== undefined) {
      if (typeof body.enabled !== 'boolean') throw new BadRequestError('enabled must be a boolean', { field: 'enabled' });
      changes.enabled = body.enabled;
    }
    if (body.metadata !== undefined) {
      if (body.metadata === null || typeof body.metadata !== 'object' || Array.isArray(body.metadata)) throw new BadRequestError('metadata must be an object', { field: 'metadata' });
      changes.metadata = body.metadata as Record<string, unknown>;
    }
    if (body.taxonomy_applications !== undefined && body.taxonomy_applications !== null) {
      if (!Array.isArray(body.taxonomy_applications) || body.taxonomy_applications.length > 0) throw new BadRequestError('taxonomy_applications is not supported yet: Tessera has no taxonomies to apply', { field: 'taxonomy_applications' }, 'unsupported_field');
    }
    return this.store.transaction(async (repos) => {
      const collection = await this.require(repos, scope, identifier);
      const documentCount = await repos.documents.countInCollection(scope, collection.collectionId);
      if (Object.keys(changes).length === 0) return { ...collection, documentCount };
      const done = await uniqueName(() => repos.collections.update(scope, collection.collectionId, changes, this.clock.now().toISOString()), changes.collectionName ?? collection.collectionName);
      if (!done) throw new NotFoundError('collection', identifier);
      const updated = (await repos.collections.find(scope, collection.collectionId))!;
      await this.publish(repos, scope, 'collection.updated', updated, { changed: Object.keys(body) });
      return { ...updated, documentCount };
    });
  }

  /** Synchronous (SPEC §22): the collection and its documents; refused while other collections read from it. */
  async delete(scope: RequestScope, identifier: string): Promise<Collection> {
    return this.store.transaction(async (repos) => {
      // Serialised with creations (see create): no new collection can start reading from this one
      // between the dependants check and the delete.
      await repos.organizations.lock(scope.organization.internalId);
      const collection = await this.require(repos, scope, identifier);
      const dependants = await repos.collections.listSourcedFromCollections(scope, [collection.collectionId]);
      if (dependants.length > 0) {
        throw new BadRequestError(
          `Collection '${collection.collectionName}' is the source of ${dependants.map((d) => `'${d.collectionName}' (${d.collectionId})`).join(', ')}: delete ${dependants.length === 1 ? 'it' : 'them'} first`,
          { collection_id: collection.collectionId, dependent_collection_ids: dependants.map((d) => d.collectionId) },
          'collection_in_use',
        );
      }
      await repos.documents.deleteAllInCollection(scope, collection.collectionId);
      await repos.collections.delete(scope, collection.collectionId);
      await this.publish(repos, scope, 'collection.deleted', collection);
      return collection;
    });
  }

  async list(scope: RequestScope, query: ListQuery): Promise<{ collections: CollectionWithCounts[]; total: number; stats: CollectionListStats }> {
    if (scope.namespace === null) throw missingNamespace('collections');
    const { collections, total } = await this.store.collections.list(scope, query);
    const all = await this.store.collections.listInNamespace(scope);
    const counts = await this.store.documents.countByCollection(scope, all.map((c) => c.collectionId));
    const totalDocuments = [...counts.values()].reduce((a, b) => a + b, 0);
    const stats: CollectionListStats = {
      total_documents: totalDocuments,
      avg_documents_per_collection: all.length === 0 ? 0 : totalDocuments / all.length,
      collections_with_taxonomies: 0,
      total_feature_extractors: new Set(all.map((c) => `${c.featureExtractor.feature_extractor_name}_${c.featureExtractor.version}`)).size,
      total_taxonomies: 0,
      total_retrievers: 0,
    };
    return { collections: collections.map((c) => ({ ...c, documentCount: counts.get(c.collectionId) ?? 0 })), total, stats };
  }

  /** The collection's searchable features: one per vector index (SPEC §12 /features). */
  async features(scope: RequestScope, identifier: string): Promise<{ collection: Collection; vectorIndexes: VectorIndexDefinition[] }> {
    const collection = await this.require(this.store, scope, identifier);
    return { collection, vectorIndexes: collection.vectorIndexes };
  }

  /** A live collection of the scope's namespace by id or name, or 404. */
  async require(repos: Pick<Repositories, 'collections'>, scope: RequestScope, identifier: string): Promise<Collection> {
    if (scope.namespace === null) throw missingNamespace('a collection');
    const collection = await repos.collections.find(scope, identifier);
    if (!collection) throw new NotFoundError('collection', identifier);
    return collection;
  }

  private publish(repos: Repositories, scope: RequestScope, type: PlatformEvent['event_type'], c: Collection, extra: Record<string, unknown> = {}): Promise<void> {
    return this.events.publishIn(repos, scope, {
      event_type: type,
      namespace_id: c.namespaceId,
      subject: { type: 'collection', id: c.collectionId },
      metadata: { collection_id: c.collectionId, collection_name: c.collectionName, ...extra },
    });
  }
}

/**
 * The collection's feature_extractor.params (namespace-locked index params) may repeat the
 * namespace's choice, never change it: a different model or dimension is a 400.
 */
function assertCompatibleParams(params: Record<string, unknown> | null, locked: ReturnType<typeof lockedModelsOf>): void {
  if (params === null) return;
  const models = Object.values(locked);
  const model = params.model;
  if (model !== undefined && model !== null) {
    if (!models.some((m) => m.model === model || m.outputName === model)) {
      throw new BadRequestError(
        `feature_extractor.params.model '${String(model)}' differs from the model its namespace locked (${models.map((m) => m.model).join(', ') || 'none'}): a collection must use its namespace's model`,
        { field: 'feature_extractor.params.model', locked_models: models.map((m) => m.model) },
        'model_mismatch',
      );
    }
  }
  for (const key of ['dimensions', 'dimension', 'vector_dimensions'] as const) {
    const value = params[key];
    if (value !== undefined && value !== null && !models.some((m) => m.dimensions === value)) {
      throw new BadRequestError(
        `feature_extractor.params.${key} ${String(value)} differs from the dimensions its namespace locked (${models.map((m) => m.dimensions).join(', ') || 'none'})`,
        { field: `feature_extractor.params.${key}` },
        'dimension_mismatch',
      );
    }
  }
}

async function uniqueName<T>(write: () => Promise<T>, name: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('collection', 'collection_name', name);
    throw err;
  }
}
