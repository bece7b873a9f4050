// Namespaces (SPEC §6): create, read, change, list and delete the tenant boundaries of an
// organization. Also the NamespaceDirectory that admission resolves X-Namespace with.
import { newId } from '../../lib/ids.ts';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExtractorRegistry } from '../extractors/extractor-registry.ts';
import { LOCKED_MODELS_PARAM } from '../extractors/locked-models.ts';
import type { InferencePort } from '../ports/inference.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { NamespaceDirectory } from '../scope/namespace-resolution.ts';
import { systemScope, type NamespaceRef, type RequestScope, type TenantScope } from '../scope/request-scope.ts';
import type { Organization } from '../accounts/types.ts';
import type { NamespaceListFilter } from './namespace-repositories.ts';
import { assertNamespaceName, MAX_TTL_SECONDS, MIN_TTL_SECONDS, normaliseFeatureExtractors, normalisePayloadIndexes, type FeatureExtractorInput, type PayloadIndexInput } from './namespace-config.ts';
import { assertNamespaceReach, namespaceReach } from './namespace-reach.ts';
import type { FeatureExtractorConfig, Namespace, NamespaceChanges, NamespaceWithCounts } from './types.ts';
import { NO_COUNTS } from './types.ts';

export interface NewNamespace {
  namespaceName: string;
  description: string | null;
  featureExtractors: readonly FeatureExtractorInput[];
  payloadIndexes: readonly PayloadIndexInput[] | null;
  autoCreateIndexes: boolean;
  infrastructure: Record<string, unknown> | null;
  ttlSeconds: number | null;
}

export interface NamespaceEdit {
  namespaceName?: string | null | undefined;
  description?: string | null | undefined;
  payloadIndexes?: readonly PayloadIndexInput[] | null | undefined;
  autoCreateIndexes?: boolean | null | undefined;
  infrastructure?: Record<string, unknown> | null | undefined;
}

export interface NamespaceListQuery {
  namespaceId?: string;
  namespaceName?: string;
  search?: string;
  caseSensitive: boolean;
  sortField: NamespaceListFilter['sortField'];
  sortDirection: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Schedules, on the job queue and in the caller's transaction, what happens to a namespace later. */
export interface NamespaceDeletionScheduler {
  /** The cascade of a namespace just marked DELETING; returns the task id. */
  schedule(repos: Repositories, scope: RequestScope, namespace: Namespace): Promise<string>;
  /** The deletion of a namespace with a ttl, due at its expires_at. */
  scheduleExpiry(repos: Repositories, scope: RequestScope, namespace: Namespace): Promise<void>;
}

export interface NamespaceDeletion {
  namespace: Namespace;
  taskId: string;
}

/** How early an expiry job may run (clock differences between processes) and still delete. */
const EXPIRY_TOLERANCE_MS = 5_000;

export class NamespaceService implements NamespaceDirectory {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly deletions: NamespaceDeletionScheduler,
    private readonly extractors: ExtractorRegistry,
    private readonly inference: InferencePort,
  ) {}

  /** The directory admission resolves X-Namespace with (by id or by name, live namespaces only). */
  async find(tenant: TenantScope, identifier: string): Promise<NamespaceRef | undefined> {
    const ns = await this.store.namespaces.find(tenant, identifier);
    return ns && { namespaceId: ns.namespaceId, namespaceName: ns.namespaceName };
  }

  async create(scope: RequestScope, input: NewNamespace): Promise<NamespaceWithCounts> {
    assertNamespaceReach(scope, '*', 'modify_infrastructure');
    assertNamespaceName(input.namespaceName);
    const payloadIndexes = normalisePayloadIndexes(input.payloadIndexes);
    const featureExtractors = await this.lockExtractors(normaliseFeatureExtractors(input.featureExtractors));
    if (input.ttlSeconds !== null && (input.ttlSeconds < MIN_TTL_SECONDS || input.ttlSeconds > MAX_TTL_SECONDS)) {
      throw new BadRequestError(`ttl_seconds must be between ${MIN_TTL_SECONDS} and ${MAX_TTL_SECONDS}`, { field: 'ttl_seconds' });
    }
    const now = this.clock.now();
    const namespace: Namespace = {
      namespaceId: newId('namespace'),
      organizationInternalId: scope.organization.internalId,
      namespaceName: input.namespaceName,
      description: input.description,
      featureExtractors,
      payloadIndexes,
      autoCreateIndexes: input.autoCreateIndexes,
      infrastructure: input.infrastructure,
      status: 'ACTIVE',
      expiresAt: input.ttlSeconds === null ? null : new Date(now.getTime() + input.ttlSeconds * 1000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await this.store.transaction(async (repos) => {
      // The organization's row lock: two creations cannot both take the last slot of the quota.
      await repos.organizations.lock(scope.organization.internalId);
      const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
      if (scope.actor.kind === 'api_key') assertWithinQuota(org, 'namespaces', await repos.namespaces.countLive(scope));
      await uniqueName(() => repos.namespaces.insert(namespace), namespace.namespaceName);
      if (namespace.expiresAt) await this.deletions.scheduleExpiry(repos, scope, namespace);
    });
    return { ...namespace, counts: { ...NO_COUNTS } };
  }

  /**
   * Checks each extractor against the catalogue (unknown name or version: 400 naming the known
   * ones) and locks its models now (SPEC §6: they fix vector dimensions), into params.locked_models.
   */
  private async lockExtractors(configs: FeatureExtractorConfig[]): Promise<FeatureExtractorConfig[]> {
    const definitions = configs.map((fe, i) => this.extractors.require(fe.feature_extractor_name, fe.version, `feature_extractors[${i}]`));
    return Promise.all(
      configs.map(async (fe, i) => {
        const locked = await definitions[i]!.lockModels(this.inference, fe.params);
        return { ...fe, params: { ...(fe.params ?? {}), [LOCKED_MODELS_PARAM]: locked } };
      }),
    );
  }

  async get(scope: RequestScope, identifier: string): Promise<NamespaceWithCounts> {
    const ns = await this.require(this.store, scope, identifier, 'read_data');
    return this.withCounts(scope, ns);
  }

  /** PUT (namespace_name, payload_indexes) and PATCH (any of the editable fields): only what is given changes. */
  async update(scope: RequestScope, identifier: string, edit: NamespaceEdit): Promise<NamespaceWithCounts> {
    const changes: NamespaceChanges = {};
    if (edit.namespaceName != null) {
      assertNamespaceName(edit.namespaceName);
      changes.namespaceName = edit.namespaceName;
    }
    if (edit.description !== undefined) changes.description = edit.description;
    if (edit.payloadIndexes != null) changes.payloadIndexes = normalisePayloadIndexes(edit.payloadIndexes);
    if (edit.autoCreateIndexes != null) changes.autoCreateIndexes = edit.autoCreateIndexes;
    if (edit.infrastructure !== undefined) changes.infrastructure = edit.infrastructure;
    const updated = await this.store.transaction(async (repos) => {
      const ns = await this.require(repos, scope, identifier, 'modify_infrastructure');
      if (Object.keys(changes).length > 0) {
        const done = await uniqueName(() => repos.namespaces.update(scope, ns.namespaceId, changes, this.clock.now().toISOString()), changes.namespaceName ?? ns.namespaceName);
        if (!done) throw new NotFoundError('namespace', identifier);
      }
      return (await repos.namespaces.findById(scope, ns.namespaceId))!;
    });
    return this.withCounts(scope, updated);
  }

  async list(scope: RequestScope, query: NamespaceListQuery): Promise<{ namespaces: NamespaceWithCounts[]; total: number }> {
    const reach = namespaceReach(scope, 'read_data');
    const filter: NamespaceListFilter = { ...query, ...(reach.all ? {} : { namespaceIds: reach.ids, idPrefixes: reach.prefixes }) };
    const { namespaces, total } = await this.store.namespaces.list(scope, filter);
    const counts = await this.store.namespaces.counts(scope, namespaces.map((n) => n.namespaceId));
    return { namespaces: namespaces.map((n) => ({ ...n, counts: counts.get(n.namespaceId) ?? { ...NO_COUNTS } })), total };
  }

  /** Marks the namespace DELETING (it disappears from every route at once) and queues the cascade. */
  async delete(scope: RequestScope, identifier: string): Promise<NamespaceDeletion> {
    return this.store.transaction(async (repos) => {
      const ns = await this.require(repos, scope, identifier, 'delete_data');
      await repos.namespaces.markDeleting(scope, ns.namespaceId, this.clock.now().toISOString());
      const taskId = await this.deletions.schedule(repos, scope, ns);
      return { namespace: ns, taskId };
    });
  }

  /**
   * The expiry job: a namespace whose ttl ran out is deleted as DELETE would (task
   * api_namespaces_delete). Nothing when it is gone or already deleting; an early run (clocks of
   * two processes apart) fails and is retried later.
   */
  async expire(organization: Organization, namespaceId: string, actor: string): Promise<string | null> {
    const scope = systemScope(organization, actor);
    return this.store.transaction(async (repos) => {
      const ns = await repos.namespaces.findById(scope, namespaceId);
      if (!ns || ns.status !== 'ACTIVE' || !ns.expiresAt) return null;
      const early = Date.parse(ns.expiresAt) - this.clock.now().getTime();
      if (early > EXPIRY_TOLERANCE_MS) throw new Error(`namespace ${namespaceId} expires in ${early} ms; retrying`);
      await repos.namespaces.markDeleting(scope, ns.namespaceId, this.clock.now().toISOString());
      return this.deletions.schedule(repos, scope, ns);
    });
  }

  private async require(repos: Repositories, scope: RequestScope, identifier: string, operation: Parameters<typeof assertNamespaceReach>[2]): Promise<Namespace> {
    const ns = await repos.namespaces.find(scope, identifier);
    if (!ns) throw new NotFoundError('namespace', identifier);
    assertNamespaceReach(scope, ns.namespaceId, operation);
    return ns;
  }

  private async withCounts(scope: TenantScope, ns: Namespace): Promise<NamespaceWithCounts> {
    const counts = await this.store.namespaces.counts(scope, [ns.namespaceId]);
    return { ...ns, counts: counts.get(ns.namespaceId) ?? { ...NO_COUNTS } };
  }
}

async function uniqueName<T>(write: () => Promise<T>, name: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('namespace', 'namespace_name', name);
    throw err;
  }
}
