// One chunk of a batch ('batch.process-chunk'): a range of the batch's objects through one
// collection of one tier. It loads the source items (the objects, or the upstream collections'
// documents made from them), applies source_filters, resolves input_mappings and field_passthrough,
// spends the extractor's credits, runs the extractor, and writes the documents (deterministic ids)
// in ONE transaction with the chunk's result, its failures, the refund for what did not happen and
// the 'collection.documents.written' event. So a process killed at any point reruns only chunks
// whose transaction did not commit, writes the same ids again, and is not charged twice (the spend
// is keyed by the chunk and its run).
import { createHash } from 'node:crypto';
import { assertWithinQuota } from '../accounts/quotas.ts';
import { TIERS, MILLIS_PER_CREDIT } from '../accounts/tiers.ts';
import type { Collection } from '../collections/types.ts';
import type { StoredDocument } from '../documents/types.ts';
import type { ExtractedDocument, ExtractionInput, ExtractorDefinition, LockedModels } from '../extractors/extractor-definition.ts';
import { ModelUnavailableError } from '../ports/inference.ts';
import { lockedModelsOf } from '../extractors/locked-models.ts';
import { extractorIdOf as registryIdOf } from '../extractors/extractor-registry.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { matches } from '../query/index.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { ChunkKey } from './batch-repositories.ts';
import { classify, groupErrors, mergeErrors, type Classified, type ItemError } from './batch-errors.ts';
import { deterministicDocumentId } from './document-ids.ts';
import type { BatchProcessingDeps } from './processing-deps.ts';
import { blobsNamed, documentItem, loadBlobTexts, objectItem, pathsRead, sourceBlobRefs, valueAt, type SourceItem } from './source-items.ts';
import { OPEN_CHUNK_STATUSES, TERMINAL_BATCH_STATUSES, ZERO_COUNTERS, type Batch, type BatchChunk, type BatchFailure, type ChunkCounters } from './types.ts';
import type { BlobRecord } from '../objects/blob-record.ts';

export interface ChunkPayload {
  batch_id: string;
  tier_num: number;
  collection_id: string;
  chunk_index: number;
  generation: number;
}

export interface ChunkRunContext {
  signal: AbortSignal;
  attempt: number;
  maxAttempts: number;
}

export type ChunkOutcome =
  | { outcome: 'written'; documentsWritten: number; failed: number }
  | { outcome: 'failed'; error: string }
  | { outcome: 'skipped'; reason: string };

/** The batch was canceled, deleted or moved to another run while this chunk ran: nothing is written. */
class StaleChunk extends Error {}

interface Ready {
  item: SourceItem;
  input: ExtractionInput;
  fields: Record<string, unknown>;
  blobs: BlobRecord[];
}

interface Prepared {
  counters: ChunkCounters;
  errors: ItemError[];
  /** Root object of each failed source item. */
  roots: Map<string, string>;
  ready: Ready[];
  /** Root objects this run covers (a retry's restriction, or the whole range). */
  rootIds: string[];
}

export function extractorIdOf(collection: Collection): string {
  return registryIdOf(collection.featureExtractor.feature_extractor_name, collection.featureExtractor.version);
}

export function creditOperation(collection: Collection): string {
  return `extractor:${extractorIdOf(collection)}`;
}

export function chunkReference(key: ChunkKey, generation: number): string {
  return `batch:${key.batchId}:t${key.tierNum}:c${key.collectionId}:${key.chunkIndex}:g${generation}`;
}

/** The models the namespace locked for the collection's extractor, as the collection recorded them at creation. */
function lockedFor(collection: Collection): LockedModels {
  return lockedModelsOf({ params: collection.featureExtractor.params ?? null });
}

export class ChunkRunner {
  constructor(private readonly deps: BatchProcessingDeps) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  async run(scope: RequestScope, p: ChunkPayload, ctx: ChunkRunContext): Promise<ChunkOutcome> {
    const { store } = this.deps;
    const key: ChunkKey = { batchId: p.batch_id, tierNum: p.tier_num, collectionId: p.collection_id, chunkIndex: p.chunk_index };
    const batch = await store.batches.findById(scope, p.batch_id);
    if (!batch) return { outcome: 'skipped', reason: 'the batch was deleted' };
    if (batch.generation !== p.generation || TERMINAL_BATCH_STATUSES.has(batch.status)) return { outcome: 'skipped', reason: `the batch is ${batch.status}` };
    const chunk = await store.batchChunks.find(scope, key);
    if (!chunk || chunk.generation !== p.generation || !OPEN_CHUNK_STATUSES.includes(chunk.status)) return { outcome: 'skipped', reason: 'the chunk is already done' };
    await store.batchChunks.start(scope, key, p.generation, this.now());

    const collection = await store.collections.find(scope, p.collection_id);
    if (!collection) {
      return this.failWhole(scope, batch, chunk, null, 0, { category: 'validation', transient: false, message: `Collection ${p.collection_id} was deleted while the batch ran`, recovery: null });
    }
    const fe = collection.featureExtractor;
    const definition = this.deps.extractors.get(fe.feature_extractor_name, fe.version);
    if (!definition) {
      return this.failWhole(scope, batch, chunk, collection, 0, { category: 'dependency', transient: false, message: `Feature extractor ${fe.feature_extractor_name}@${fe.version} is not available in this Tessera`, recovery: null });
    }

    let spentMillis = 0;
    try {
      const prepared = await this.prepare(scope, batch, chunk, collection, definition, ctx.signal);
      const inputs = prepared.ready.map((r) => r.input);
      const reference = chunkReference(key, p.generation);
      if (this.deps.chargeCredits && inputs.length > 0) {
        const credits = definition.creditsFor(inputs, fe.parameters);
        const spend = await this.deps.credits.spend(scope, { operation: creditOperation(collection), credits, referenceId: reference });
        spentMillis = spend?.amountMillis ?? 0;
      }
      const results = await this.extract(definition, prepared.ready, collection, ctx.signal);
      const documents: StoredDocument[] = [];
      const succeeded: Ready[] = [];
      const now = this.now();
      for (const [i, r] of prepared.ready.entries()) {
        const result = results[i]!;
        if (result instanceof Error) {
          const c = classify(result);
          prepared.errors.push({ sourceId: r.item.sourceId, category: c.category, message: c.message, stage: 'extraction', recovery: c.recovery });
          prepared.roots.set(r.item.sourceId, r.item.rootObjectId);
          continue;
        }
        succeeded.push(r);
        for (const extracted of result) documents.push(this.toDocument(scope, batch, collection, r, extracted, now));
      }
      prepared.counters.documentsWritten = documents.length;
      prepared.counters.failedCount = prepared.errors.length;
      // What the work that happened costs; the rest of the spend goes back in the same transaction.
      const owedMillis = spentMillis > 0 && succeeded.length > 0 ? Math.round(definition.creditsFor(succeeded.map((r) => r.input), fe.parameters) * MILLIS_PER_CREDIT) : 0;
      const refundMillis = Math.max(0, spentMillis - owedMillis);
      return await this.finish(scope, batch, chunk, collection, {
        status: 'completed',
        counters: prepared.counters,
        errors: prepared.errors,
        roots: prepared.roots,
        succeededIds: succeeded.map((r) => r.item.sourceId),
        rootIds: prepared.rootIds,
        documents,
        spentMillis,
        refundMillis,
      });
    } catch (err) {
      if (err instanceof StaleChunk) {
        await this.refundAll(scope, key, p.generation, collection, spentMillis);
        return { outcome: 'skipped', reason: 'the batch was canceled or moved on while the chunk ran' };
      }
      if (ctx.signal.aborted) throw err;
      const c = classify(err);
      // A blip (database, network): the job runs the chunk again; the spend is keyed, so not charged twice.
      if (c.transient && ctx.attempt < ctx.maxAttempts) throw err;
      return this.failWhole(scope, batch, chunk, collection, spentMillis, c);
    }
  }

  /**
   * The chunk's job was given up without finishing: the processes that ran it died on every attempt
   * (killed, out of memory). The chunk fails as a whole like any other failure (its items become
   * failed documents, retryable; what it spent goes back), so the tier and the batch move on instead
   * of waiting for it forever.
   */
  async abandon(scope: RequestScope, p: ChunkPayload, error: string): Promise<void> {
    const { store } = this.deps;
    const key: ChunkKey = { batchId: p.batch_id, tierNum: p.tier_num, collectionId: p.collection_id, chunkIndex: p.chunk_index };
    const batch = await store.batches.findById(scope, p.batch_id);
    if (!batch || batch.generation !== p.generation || TERMINAL_BATCH_STATUSES.has(batch.status)) return;
    const chunk = await store.batchChunks.find(scope, key);
    if (!chunk || chunk.generation !== p.generation || !OPEN_CHUNK_STATUSES.includes(chunk.status)) return;
    const collection = (await store.collections.find(scope, p.collection_id)) ?? null;
    const spend = collection ? await store.ledger.findByReference(scope, chunkReference(key, p.generation)) : undefined;
    await this.failWhole(scope, batch, chunk, collection, spend ? Math.max(0, -spend.amountMillis) : 0, {
      category: 'resource',
      transient: true,
      message: `the process running this chunk stopped before finishing on every attempt: ${error}`,
      recovery: 'Retry the batch; if processes run out of memory, lower TESSERA_BATCH_CHUNK_SIZE or give workers more memory',
    });
  }

  /** Loads, filters and maps the chunk's source items. */
  private async prepare(scope: RequestScope, batch: Batch, chunk: BatchChunk, collection: Collection, definition: ExtractorDefinition, signal: AbortSignal): Promise<Prepared> {
    const { store } = this.deps;
    const counters: ChunkCounters = { ...ZERO_COUNTERS };
    const errors: ItemError[] = [];
    const roots = new Map<string, string>();
    let rootIds = await store.batches.objectIds(scope, batch.batchId, chunk.startPosition, chunk.endPosition);
    if (chunk.rootObjectIds) {
      const only = new Set(chunk.rootObjectIds);
      rootIds = rootIds.filter((id) => only.has(id));
    }
    const fail = (item: { sourceId: string; rootObjectId: string }, e: Omit<ItemError, 'sourceId'>) => {
      errors.push({ ...e, sourceId: item.sourceId });
      roots.set(item.sourceId, item.rootObjectId);
    };

    let items: SourceItem[] = [];
    if (collection.source.type === 'bucket') {
      const bucket = await store.buckets.findById(scope, batch.bucketId);
      const objects = new Map((await store.objects.findMany(scope, batch.bucketId, rootIds)).map((o) => [o.objectId, o]));
      for (const id of rootIds) {
        const object = objects.get(id);
        if (object) items.push(objectItem(object, (bucket?.uniqueKey ?? null) !== null));
        else fail({ sourceId: id, rootObjectId: id }, { category: 'validation', message: 'The object no longer exists in the bucket', stage: 'source' });
      }
    } else {
      const order = new Map(rootIds.map((id, i) => [id, i]));
      for (const upstream of collection.source.collectionIds) {
        for (const doc of await store.documents.listByRootObjects(scope, upstream, rootIds)) items.push(documentItem(doc));
      }
      items.sort((a, b) => (order.get(a.rootObjectId) ?? 0) - (order.get(b.rootObjectId) ?? 0) || a.sourceId.localeCompare(b.sourceId));
    }
    counters.sourceDocumentsFetched = items.length;
    items = items.filter((item) => matches(collection.source.sourceFilters, item.record));
    counters.documentsAfterSourceFilter = items.length;

    const fe = collection.featureExtractor;
    const paths = pathsRead(fe);
    const named = new Map(items.map((item) => [item.sourceId, blobsNamed(item, paths)]));
    const { texts, failed: unreadable } = await loadBlobTexts(this.deps.blobs, [...named.values()].flat(), signal);

    const ready: Ready[] = [];
    for (const item of items) {
      const blobs = named.get(item.sourceId) ?? [];
      const inputs: Record<string, unknown> = {};
      let missing: string | null = null;
      for (const [name, spec] of Object.entries(definition.inputs)) {
        const path = fe.input_mappings[name];
        const value = path === undefined ? undefined : valueAt(item, path, texts);
        if (value === undefined || value === null) {
          if (!spec.required) continue;
          const blob = path === undefined ? undefined : item.blobs.get(path);
          const why = blob && unreadable.has(blob.blobId) ? `: ${unreadable.get(blob.blobId)}` : '';
          missing = path === undefined ? `Input '${name}' has no input mapping` : `Input '${name}' (source field '${path}') is missing${why}`;
          break;
        }
        inputs[name] = value;
      }
      if (missing !== null) {
        counters.documentsMissingInputFields += 1;
        fail(item, { category: 'validation', message: missing, stage: 'input_mapping', recovery: 'Give the source items the mapped field, or change the collection\'s input_mappings' });
        continue;
      }
      const fields: Record<string, unknown> = fe.include_all_source_fields ? { ...item.userFields } : {};
      let passthroughError: string | null = null;
      for (const fp of fe.field_passthrough) {
        let value = valueAt(item, fp.source_path, texts);
        if (value === undefined && fp.default !== undefined && fp.default !== null) value = fp.default;
        if (value === undefined) {
          if (fp.required) {
            passthroughError = `Required passthrough field '${fp.source_path}' is missing`;
            break;
          }
          continue;
        }
        fields[fp.target_path] = value;
      }
      if (passthroughError !== null) {
        fail(item, { category: 'validation', message: passthroughError, stage: 'field_passthrough' });
        continue;
      }
      ready.push({ item, input: { inputs }, fields, blobs });
    }
    counters.documentsSubmittedToEngine = ready.length;
    return { counters, errors, roots, ready, rootIds };
  }

  /** The extractor over the ready items; an input that makes it throw is found by running the others one by one. */
  private async extract(definition: ExtractorDefinition, ready: readonly Ready[], collection: Collection, signal: AbortSignal): Promise<(ExtractedDocument[] | Error)[]> {
    if (ready.length === 0) return [];
    const context = { inference: this.deps.inference, locked: lockedFor(collection), parameters: collection.featureExtractor.parameters, signal };
    try {
      const out = await definition.extract(ready.map((r) => r.input), context);
      if (out.length !== ready.length) throw new Error(`extractor ${definition.name} returned ${out.length} results for ${ready.length} inputs`);
      return out;
    } catch (err) {
      // The whole chunk cannot succeed: the caller fails it (a missing model) or the job retries (a blip).
      if (signal.aborted || err instanceof ModelUnavailableError || classify(err).transient) throw err;
      if (ready.length === 1) return [err instanceof Error ? err : new Error(String(err))];
      const results: (ExtractedDocument[] | Error)[] = [];
      for (const r of ready) {
        signal.throwIfAborted();
        try {
          results.push((await definition.extract([r.input], context))[0] ?? []);
        } catch (one) {
          if (one instanceof ModelUnavailableError || classify(one).transient) throw one;
          results.push(one instanceof Error ? one : new Error(String(one)));
        }
      }
      return results;
    }
  }

  private toDocument(scope: RequestScope, batch: Batch, collection: Collection, r: Ready, extracted: ExtractedDocument, now: string): StoredDocument {
    const extractorId = extractorIdOf(collection);
    const documentId = deterministicDocumentId(r.item.sourceKey, extractorId, collection.collectionId, extracted.position);
    const upstream = r.item.upstream;
    const step = { collection_id: collection.collectionId, feature_extractor_id: extractorId, document_id: documentId, timestamp: now };
    const lineage = upstream
      ? {
          rootObjectId: upstream.lineage.rootObjectId,
          rootBucketId: upstream.lineage.rootBucketId,
          sourceType: 'collection' as const,
          sourceObjectId: null,
          sourceDocumentId: upstream.documentId,
          sourceCollectionId: upstream.collectionId,
          path: `${upstream.lineage.path}/${collection.collectionId}`,
          chain: [...upstream.lineage.chain, step],
        }
      : {
          rootObjectId: r.item.rootObjectId,
          rootBucketId: r.item.rootBucketId,
          sourceType: 'bucket' as const,
          sourceObjectId: r.item.sourceId,
          sourceDocumentId: null,
          sourceCollectionId: null,
          path: `${r.item.rootBucketId}/${collection.collectionId}`,
          chain: [step],
        };
    const internalMetadata: Record<string, unknown> = {
      ingestion_status: 'COMPLETED',
      feature_extractor_config_hash: configHash(collection),
      batch_id: batch.batchId,
    };
    if (batch.includeProcessingHistory) {
      internalMetadata['processing_history'] = [{ operation: 'batch_process', batch_id: batch.batchId, tier_num: collection.tier, timestamp: now }];
    }
    return {
      documentId,
      organizationInternalId: scope.organization.internalId,
      namespaceId: batch.namespaceId,
      collectionId: collection.collectionId,
      fields: { ...r.fields, ...extracted.fields },
      vectors: extracted.vectors,
      lineage,
      processingTier: collection.tier,
      sourceBlobs: sourceBlobRefs(r.item, r.blobs),
      internalMetadata,
      batchId: batch.batchId,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The chunk failed as a whole: every root object of it is a failure, nothing is written, the spend goes back. */
  private async failWhole(scope: RequestScope, batch: Batch, chunk: BatchChunk, collection: Collection | null, spentMillis: number, c: Classified): Promise<ChunkOutcome> {
    let rootIds = await this.deps.store.batches.objectIds(scope, batch.batchId, chunk.startPosition, chunk.endPosition);
    if (chunk.rootObjectIds) {
      const only = new Set(chunk.rootObjectIds);
      rootIds = rootIds.filter((id) => only.has(id));
    }
    const errors: ItemError[] = rootIds.map((id) => ({ sourceId: id, category: c.category, message: c.message, stage: 'chunk', recovery: c.recovery }));
    try {
      await this.finish(scope, batch, chunk, collection, {
        status: 'failed',
        counters: { ...ZERO_COUNTERS, failedCount: rootIds.length },
        errors,
        roots: new Map(rootIds.map((id) => [id, id])),
        succeededIds: [],
        rootIds,
        documents: [],
        spentMillis,
        refundMillis: spentMillis,
      });
    } catch (err) {
      if (!(err instanceof StaleChunk)) throw err;
      const key = { batchId: chunk.batchId, tierNum: chunk.tierNum, collectionId: chunk.collectionId, chunkIndex: chunk.chunkIndex };
      await this.refundAll(scope, key, chunk.generation, collection, spentMillis);
      return { outcome: 'skipped', reason: 'the batch was canceled or moved on while the chunk ran' };
    }
    return { outcome: 'failed', error: c.message };
  }

  private async refundAll(scope: RequestScope, key: ChunkKey, generation: number, collection: Collection | null, spentMillis: number): Promise<void> {
    if (spentMillis <= 0 || !collection) return;
    // Another run of the same chunk finished it (this one lost its lease while running): the spend
    // is shared (keyed by the chunk) and that run settled it. Only work that will not happen is refunded.
    const now = await this.deps.store.batchChunks.find(scope, key);
    if (now && now.generation === generation && (now.status === 'completed' || now.status === 'failed')) return;
    await this.deps.store.transaction((repos) => this.deps.credits.refundIn(repos, scope, creditOperation(collection), spentMillis, chunkReference(key, generation)));
  }

  /**
   * The one transaction that records a chunk's outcome: documents, chunk row, failures, refund,
   * event, task progress, and — when it was the tier's last open chunk — the coordinator's next step.
   */
  private async finish(
    scope: RequestScope,
    batch: Batch,
    chunk: BatchChunk,
    collection: Collection | null,
    o: {
      status: 'completed' | 'failed';
      counters: ChunkCounters;
      errors: ItemError[];
      roots: Map<string, string>;
      succeededIds: string[];
      rootIds: string[];
      documents: StoredDocument[];
      spentMillis: number;
      refundMillis: number;
    },
  ): Promise<ChunkOutcome> {
    const key: ChunkKey = { batchId: chunk.batchId, tierNum: chunk.tierNum, collectionId: chunk.collectionId, chunkIndex: chunk.chunkIndex };
    const now = this.now();
    const component = collection ? `${collection.featureExtractor.feature_extractor_name}@${collection.featureExtractor.version}` : 'batch';
    const fresh = groupErrors(o.errors, component, now);
    // A retry run adds to what the chunk's earlier runs recorded.
    const rerun = chunk.generation > 0 && chunk.rootObjectIds !== null;
    await this.deps.store.transaction(async (repos) => {
      let previousFailures: BatchFailure[] = [];
      if (rerun) previousFailures = await repos.batchFailures.inChunk(scope, key, 'retrying');
      if (o.documents.length > 0) {
        // The organization's lock before the documents' change-log lock (taken by upsertMany), the
        // order every writer of documents uses (collection deletes hold the organization's lock
        // first): the other order could deadlock with them on PostgreSQL.
        await repos.organizations.lock(scope.organization.internalId);
        await repos.documents.upsertMany(scope, o.documents);
        await this.assertDocumentQuota(repos, scope);
      }
      const locked = await repos.batches.lock(scope, batch.batchId);
      if (!locked || locked.status === 'CANCELED' || locked.generation !== chunk.generation) throw new StaleChunk();
      const base = rerun ? chunk.counters : ZERO_COUNTERS;
      const rerunIds = new Set([...previousFailures.map((f) => f.sourceId), ...o.rootIds]);
      const counters: ChunkCounters = {
        sourceDocumentsFetched: base.sourceDocumentsFetched + o.counters.sourceDocumentsFetched,
        documentsAfterSourceFilter: base.documentsAfterSourceFilter + o.counters.documentsAfterSourceFilter,
        documentsMissingInputFields: base.documentsMissingInputFields + o.counters.documentsMissingInputFields,
        documentsSubmittedToEngine: base.documentsSubmittedToEngine + o.counters.documentsSubmittedToEngine,
        documentsWritten: base.documentsWritten + o.counters.documentsWritten,
        failedCount: Math.max(0, base.failedCount - previousFailures.length) + o.counters.failedCount,
      };
      const finished = await repos.batchChunks.finish(scope, key, chunk.generation, {
        status: rerun && o.status === 'failed' && counters.documentsWritten > 0 ? 'completed' : o.status,
        counters,
        creditsMillis: (rerun ? chunk.creditsMillis : 0) + o.spentMillis - o.refundMillis,
        errors: rerun ? mergeErrors(chunk.errors, rerunIds, fresh) : fresh,
        completedAt: now,
      });
      if (!finished) throw new StaleChunk();
      const retried = new Map(previousFailures.map((f) => [f.sourceId, f.retryCount]));
      // Items that now succeeded (and whole-chunk failures recorded by root object) are no longer failed.
      await repos.batchFailures.clear(scope, key.batchId, key.tierNum, key.collectionId, [...o.succeededIds, ...o.rootIds]);
      await repos.batchFailures.record(
        scope,
        o.errors.map((e) => ({
          batchId: key.batchId,
          tierNum: key.tierNum,
          collectionId: key.collectionId,
          chunkIndex: key.chunkIndex,
          sourceId: e.sourceId,
          rootObjectId: o.roots.get(e.sourceId) ?? e.sourceId,
          errorType: e.category,
          message: e.message,
          stage: e.stage,
          retryCount: retried.get(e.sourceId) ?? 0,
          status: 'failed',
          createdAt: now,
          updatedAt: now,
        })),
      );
      if (collection && o.refundMillis > 0) await this.deps.credits.refundIn(repos, scope, creditOperation(collection), o.refundMillis, chunkReference(key, chunk.generation));
      if (collection && o.documents.length > 0) {
        await this.deps.events.publishIn(repos, scope, {
          event_type: 'collection.documents.written',
          namespace_id: batch.namespaceId,
          subject: { type: 'collection', id: collection.collectionId },
          metadata: { batch_id: batch.batchId, tier_num: key.tierNum, chunk_index: key.chunkIndex, documents_written: o.documents.length, document_ids: o.documents.slice(0, 100).map((d) => d.documentId) },
        });
      }
      const open = await repos.batchChunks.countOpen(scope, key.batchId, key.tierNum);
      const tier = locked.tiers.find((t) => t.tierNum === key.tierNum);
      if (locked.taskId && tier) {
        const total = Math.max(1, tier.chunkCount ?? 1);
        const progress = Math.min(99, Math.floor(((key.tierNum + (total - open) / total) / Math.max(1, locked.tiers.length)) * 100));
        await repos.tasks.applyJobState(locked.taskId, { progress, progressMessage: `tier ${key.tierNum}: ${total - open}/${total} chunks done`, now });
      }
      if (open === 0) await this.deps.jobs.advance(repos, scope, locked, `t${key.tierNum}`);
    });
    if (o.documents.length > 0) this.deps.searchIndex?.documentsChanged(batch.namespaceId);
    return o.status === 'completed' ? { outcome: 'written', documentsWritten: o.documents.length, failed: o.errors.length } : { outcome: 'failed', error: o.errors[0]?.message ?? 'failed' };
  }

  private async assertDocumentQuota(repos: Repositories, scope: RequestScope): Promise<void> {
    const limit = TIERS[scope.organization.accountType].quotas.documents;
    if (limit === null) return;
    // Counted after the write, under the organization's lock: concurrent chunks cannot both pass the limit.
    await repos.organizations.lock(scope.organization.internalId);
    const org = (await repos.organizations.findByInternalId(scope.organization.internalId)) ?? scope.organization;
    const count = await repos.documents.countInOrganization(scope);
    assertWithinQuota(org, 'documents', count - 1, 1);
  }
}

function configHash(collection: Collection): string {
  const fe = collection.featureExtractor;
  return createHash('sha256')
    .update(JSON.stringify({ name: fe.feature_extractor_name, version: fe.version, parameters: fe.parameters, input_mappings: fe.input_mappings }))
    .digest('hex')
    .slice(0, 16);
}
