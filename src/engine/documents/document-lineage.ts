// Lineage (SPEC §13.3): a document's chain back to its root object, the documents made from an
// object, and the object's decomposition tree (its bucket's collections, tier by tier, with how
// many documents each made from it). Reachable without X-Namespace by id: the document's or the
// object's own namespace is entered (scope/resource-scope.ts), checking a scoped key there.
import { NotFoundError } from '../errors.ts';
import type { Collection } from '../collections/types.ts';
import type { BucketObject } from '../objects/types.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { scopeForResource } from '../scope/resource-scope.ts';
import type { NamespaceResolution } from '../scope/namespace-resolution.ts';
import { MAX_LINEAGE_DEPTH } from './document-service.ts';
import type { StoredDocument } from './types.ts';

/** Documents one by-object request returns at most. */
export const MAX_DOCUMENTS_BY_OBJECT = 10_000;

export interface DocumentLineageResult {
  document: StoredDocument;
  collection: Collection;
  /** The root object, when it still exists. */
  rootObject: BucketObject | undefined;
  /** Source documents, the root-most first; stops where a source document no longer exists. */
  ancestors: StoredDocument[];
  /** Ancestors' collections (when they still exist) by id. */
  collections: Map<string, Collection>;
  /** A source document named in the lineage that no longer exists. */
  missingAncestor: string | null;
}

export interface ObjectDocuments {
  objectId: string;
  rootObject: BucketObject | undefined;
  documents: StoredDocument[];
  collections: Map<string, Collection>;
  truncated: boolean;
}

export interface TreeNode {
  collection: Collection;
  documentCount: number;
  documentIds: string[] | null;
  children: TreeNode[];
}

export interface DecompositionTree {
  objectId: string;
  rootObject: BucketObject | undefined;
  bucketId: string | null;
  totalDocuments: number;
  nodes: TreeNode[];
}

export class DocumentLineageService {
  constructor(
    private readonly store: MetadataStore,
    private readonly namespaces: NamespaceResolution,
  ) {}

  private documentScope(scope: RequestScope, documentId: string): Promise<RequestScope> {
    return scopeForResource(scope, this.namespaces, { resource: 'document', idPattern: /^doc_/, namespaceOf: (s, id) => this.store.documents.namespaceOfDocument(s, id) }, documentId, 'read_data');
  }

  private objectScope(scope: RequestScope, objectId: string): Promise<RequestScope> {
    return scopeForResource(
      scope,
      this.namespaces,
      {
        resource: 'object',
        idPattern: /^obj_/,
        namespaceOf: async (s, id) => (await this.store.objects.findAnywhere(s, id))?.namespaceId ?? (await this.store.documents.namespaceOfRootObject(s, id)),
      },
      objectId,
      'read_data',
    );
  }

  async lineage(outer: RequestScope, collectionIdentifier: string, documentId: string): Promise<DocumentLineageResult> {
    const scope = await this.documentScope(outer, documentId);
    const collection = await this.store.collections.find(scope, collectionIdentifier);
    if (!collection) throw new NotFoundError('collection', collectionIdentifier);
    const document = await this.store.documents.find(scope, collection.collectionId, documentId, { withVectors: false });
    if (!document) throw new NotFoundError('document', documentId);
    const ancestors: StoredDocument[] = [];
    let missingAncestor: string | null = null;
    const seen = new Set([document.documentId]);
    let next = document.lineage.sourceDocumentId;
    while (next !== null && ancestors.length < MAX_LINEAGE_DEPTH && !seen.has(next)) {
      seen.add(next);
      const parent = await this.store.documents.findInNamespace(scope, next);
      if (!parent) {
        missingAncestor = next;
        break;
      }
      ancestors.unshift(parent);
      next = parent.lineage.sourceDocumentId;
    }
    const collections = new Map([[collection.collectionId, collection]]);
    for (const a of ancestors) {
      if (collections.has(a.collectionId)) continue;
      const c = await this.store.collections.find(scope, a.collectionId);
      if (c) collections.set(c.collectionId, c);
    }
    const rootId = document.lineage.rootObjectId;
    const rootObject = rootId === null ? undefined : await this.store.objects.findAnywhere(scope, rootId);
    return { document, collection, rootObject, ancestors, collections, missingAncestor };
  }

  async documentsByObject(outer: RequestScope, objectId: string, collectionIds: readonly string[] | null): Promise<ObjectDocuments> {
    const scope = await this.objectScope(outer, objectId);
    const rootObject = await this.store.objects.findAnywhere(scope, objectId);
    const documents = await this.store.documents.listByRootObject(scope, objectId, collectionIds, MAX_DOCUMENTS_BY_OBJECT + 1);
    if (!rootObject && documents.length === 0) throw new NotFoundError('object', objectId);
    const collections = new Map<string, Collection>();
    for (const c of await this.store.collections.listInNamespace(scope)) collections.set(c.collectionId, c);
    return { objectId, rootObject, documents: documents.slice(0, MAX_DOCUMENTS_BY_OBJECT), collections, truncated: documents.length > MAX_DOCUMENTS_BY_OBJECT };
  }

  async decompositionTree(outer: RequestScope, objectId: string, includeDocumentIds: boolean): Promise<DecompositionTree> {
    const scope = await this.objectScope(outer, objectId);
    const rootObject = await this.store.objects.findAnywhere(scope, objectId);
    const documents = await this.store.documents.listByRootObject(scope, objectId, null, MAX_DOCUMENTS_BY_OBJECT);
    if (!rootObject && documents.length === 0) throw new NotFoundError('object', objectId);
    const bucketId = rootObject?.bucketId ?? documents.find((d) => d.lineage.rootBucketId !== null)?.lineage.rootBucketId ?? null;
    const all = await this.store.collections.listInNamespace(scope);
    const byCollection = new Map<string, string[]>();
    for (const d of documents) {
      const ids = byCollection.get(d.collectionId) ?? [];
      ids.push(d.documentId);
      byCollection.set(d.collectionId, ids);
    }
    const node = (c: Collection, path: Set<string>): TreeNode => {
      const ids = byCollection.get(c.collectionId) ?? [];
      const inner = new Set(path).add(c.collectionId);
      const children = all.filter((x) => x.source.type === 'collection' && x.source.collectionIds.includes(c.collectionId) && !inner.has(x.collectionId)).map((x) => node(x, inner));
      return { collection: c, documentCount: ids.length, documentIds: includeDocumentIds ? ids : null, children };
    };
    // Tier 0: the collections fed by the object's bucket, and any other bucket-sourced collection
    // holding documents of this object (created through the API with this root).
    const roots = all.filter((c) => c.source.type === 'bucket' && ((bucketId !== null && c.source.bucketIds.includes(bucketId)) || byCollection.has(c.collectionId)));
    return { objectId, rootObject, bucketId, totalDocuments: documents.length, nodes: roots.map((c) => node(c, new Set())) };
  }
}
