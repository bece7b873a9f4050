// The services a StageContext offers stages during one execution: collections resolved in the
// namespace, query embedding with the namespace's locked models, and hits loaded as documents.
import type { Collection } from '../collections/types.ts';
import { documentView } from '../documents/document-view.ts';
import { BadRequestError, InferenceServiceUnavailableError, NotFoundError } from '../errors.ts';
import type { VectorIndexDefinition } from '../extractors/extractor-definition.ts';
import { lockedModelsOf } from '../extractors/locked-models.ts';
import { ModelUnavailableError, type InferencePort } from '../ports/inference.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { SearchHit } from '../ports/search-index.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { ExecutionDocument } from './stages/stage-definition.ts';

const FEATURE_URI = /^mixpeek:\/\/([A-Za-z0-9_-]+)@([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

export interface ExecutionServices {
  store: MetadataStore;
  inference: InferencePort;
}

/**
 * Whether a feature URI names this vector index: its exact URI (`mixpeek://text_extractor@v1/<model
 * output>`), its name (`text_extractor_v1_embedding`), or the extractor's output
 * (`mixpeek://text_extractor@v1/embedding`, the form Mixpeek's examples use).
 */
export function featureUriMatches(uri: string, index: VectorIndexDefinition, collection: Collection): boolean {
  if (uri === index.feature_uri || uri === index.name) return true;
  const m = FEATURE_URI.exec(uri);
  if (!m) return false;
  const [, extractor, version, output] = m;
  const fe = collection.featureExtractor;
  if (extractor !== fe.feature_extractor_name || version !== fe.version) return false;
  return `${extractor}_${version}_${output}` === index.name || output === index.index.name;
}

/** The model the namespace locked for a collection's vector index (recorded on the collection at creation). */
function modelFor(collection: Collection, index: VectorIndexDefinition): string | undefined {
  const fe = collection.featureExtractor;
  const locked = lockedModelsOf({ params: fe.params ?? null });
  for (const [output, model] of Object.entries(locked)) {
    if (`${fe.feature_extractor_name}_${fe.version}_${output}` === index.name) return model.model;
  }
  const all = Object.values(locked);
  return all.length === 1 ? all[0]!.model : undefined;
}

export class ExecutionServicesForRun {
  /** One embedding per (model, text) within an execution: several searches often share a query. */
  private readonly embeddings = new Map<string, Float32Array>();

  constructor(
    private readonly services: ExecutionServices,
    private readonly scope: RequestScope,
    private readonly signal: AbortSignal,
    private readonly returnVectors: boolean,
  ) {}

  async resolveCollections(identifiers: readonly string[]): Promise<Collection[]> {
    const out = new Map<string, Collection>();
    for (const identifier of identifiers) {
      const collection = await this.services.store.collections.find(this.scope, identifier);
      if (!collection) throw new BadRequestError(`Collection '${identifier.slice(0, 200)}' not found in this namespace`, { collection_identifier: identifier }, 'unknown_collection');
      out.set(collection.collectionId, collection);
    }
    return [...out.values()];
  }

  /** The vector index a feature URI names in these collections (the first collection carrying it). */
  private vectorIndexFor(featureUri: string, collections: readonly Collection[]): { collection: Collection; index: VectorIndexDefinition } {
    for (const collection of collections) {
      const index = collection.vectorIndexes.find((vi) => featureUriMatches(featureUri, vi, collection));
      if (index) return { collection, index };
    }
    const available = [...new Set(collections.flatMap((c) => c.vectorIndexes.map((vi) => vi.feature_uri)))];
    throw new BadRequestError(`feature_uri '${featureUri.slice(0, 300)}' is not a vector index of the searched collections${available.length ? `; available: ${available.join(', ')}` : ' (they have no vector indexes)'}`, { feature_uri: featureUri, available_feature_uris: available }, 'invalid_feature_uri');
  }

  /** A stored document's vector for the feature URI ("find similar" with a document_reference). */
  async documentVector(featureUri: string, reference: { collection_id: string; document_id: string }, collections: readonly Collection[]): Promise<{ vectorName: string; vector: Float32Array }> {
    const { index } = this.vectorIndexFor(featureUri, collections);
    const collection = await this.services.store.collections.find(this.scope, reference.collection_id);
    const document = collection && (await this.services.store.documents.find(this.scope, collection.collectionId, reference.document_id, { withVectors: true }));
    if (!document) throw new NotFoundError('document', reference.document_id);
    const vector = document.vectors[index.name];
    if (!vector) throw new BadRequestError(`Document ${reference.document_id} has no vector for ${featureUri.slice(0, 300)}`, { document_id: reference.document_id, feature_uri: featureUri }, 'invalid_document_reference');
    return { vectorName: index.name, vector };
  }

  async embedQuery(featureUri: string, text: string, collections: readonly Collection[]): Promise<{ vectorName: string; vector: Float32Array }> {
    const found = this.vectorIndexFor(featureUri, collections);
    const model = modelFor(found.collection, found.index);
    if (!model) throw new BadRequestError(`No model is recorded for ${found.index.feature_uri} in collection ${found.collection.collectionId}`, { feature_uri: featureUri }, 'invalid_feature_uri');
    const key = `${model}\n${text}`;
    let vector = this.embeddings.get(key);
    if (!vector) {
      try {
        const [embedded] = await this.services.inference.embedText(model, [text], { purpose: 'query', signal: this.signal });
        vector = embedded!;
      } catch (err) {
        if (err instanceof ModelUnavailableError) throw new InferenceServiceUnavailableError(err.message, { model });
        throw err;
      }
      this.embeddings.set(key, vector);
    }
    return { vectorName: found.index.name, vector };
  }

  async loadDocuments(hits: readonly SearchHit[], options: { withVectors?: boolean } = {}): Promise<ExecutionDocument[]> {
    if (hits.length === 0) return [];
    const withVectors = options.withVectors ?? this.returnVectors;
    const stored = await this.services.store.documents.findManyInNamespace(this.scope, hits.map((h) => h.documentId), { withVectors });
    const byId = new Map(stored.map((d) => [d.documentId, d]));
    const out: ExecutionDocument[] = [];
    const seen = new Set<string>();
    for (const hit of hits) {
      const d = byId.get(hit.documentId);
      // A hit whose document was deleted (or moved) since the index saw it is dropped.
      if (!d || d.collectionId !== hit.collectionId || seen.has(hit.documentId)) continue;
      seen.add(hit.documentId);
      const doc: ExecutionDocument = { documentId: d.documentId, collectionId: d.collectionId, score: hit.score, fields: documentView(d) };
      if (withVectors) doc.vectors = d.vectors;
      out.push(doc);
    }
    return out;
  }
}
