// Documents as DocumentResponse (SPEC §13.2): user fields at the root, the flat legacy lineage
// fields, `_internal` (never the organization's internal id), and each vector under its index name
// only when asked for. Also the lineage routes' bodies.
import { systemView, internalView } from '../../engine/documents/document-view.ts';
import type { DecompositionTree, DocumentLineageResult, ObjectDocuments, TreeNode } from '../../engine/documents/document-lineage.ts';
import type { StoredDocument } from '../../engine/documents/types.ts';
import type { BucketObject } from '../../engine/objects/types.ts';
import type { Collection } from '../../engine/collections/types.ts';
import { valuesAt } from '../../engine/objects/object-query.ts';
import type { DocumentResponseBody } from '../schemas/documents.ts';

export function toDocumentResponse(d: StoredDocument, options: { withVectors?: boolean } = {}): DocumentResponseBody {
  const body: Record<string, unknown> = { document_id: d.documentId, collection_id: d.collectionId, ...d.fields, ...systemView(d) };
  if (options.withVectors) for (const [name, v] of Object.entries(d.vectors)) body[name] = Array.from(v);
  return body as DocumentResponseBody;
}

/** A list's `select`: only these keys (or dotted paths); document_id and collection_id always. */
export function selectDocumentKeys(body: DocumentResponseBody, select: readonly string[] | null | undefined): DocumentResponseBody {
  if (!select || select.length === 0) return body;
  const out: Record<string, unknown> = { document_id: body.document_id, collection_id: body.collection_id };
  for (const path of select) {
    if (!path.includes('.')) {
      if (Object.hasOwn(body, path)) out[path] = body[path];
      continue;
    }
    const value = valuesAt(body, path)[0];
    if (value === undefined) continue;
    const segments = path.split('.');
    let target = out;
    for (const seg of segments.slice(0, -1)) target = (target[seg] ??= {}) as Record<string, unknown>;
    target[segments.at(-1)!] = value;
  }
  return out as DocumentResponseBody;
}

function objectSummary(o: BucketObject | undefined): Record<string, unknown> | null {
  if (!o) return null;
  return { object_id: o.objectId, bucket_id: o.bucketId, key_prefix: o.keyPrefix, status: o.status, blob_count: o.blobs.length, created_at: o.createdAt, updated_at: o.updatedAt };
}

function documentSummary(d: StoredDocument, collections: Map<string, Collection>): Record<string, unknown> {
  return {
    document_id: d.documentId,
    collection_id: d.collectionId,
    collection_name: collections.get(d.collectionId)?.collectionName ?? null,
    processing_tier: d.processingTier,
    lineage_path: d.lineage.path,
    source_document_id: d.lineage.sourceDocumentId,
    created_at: d.createdAt,
  };
}

export function toLineageResponse(r: DocumentLineageResult): Record<string, unknown> {
  return {
    document_id: r.document.documentId,
    collection_id: r.document.collectionId,
    collection_name: r.collection.collectionName,
    depth: r.ancestors.length,
    lineage: internalView(r.document).lineage,
    root_object: objectSummary(r.rootObject),
    ancestors: r.ancestors.map((a) => documentSummary(a, r.collections)),
    document: documentSummary(r.document, r.collections),
    chain: r.document.lineage.chain,
    missing_ancestor: r.missingAncestor,
  };
}

export function toDocumentsByObjectResponse(r: ObjectDocuments): Record<string, unknown> {
  const counts = new Map<string, number>();
  for (const d of r.documents) counts.set(d.collectionId, (counts.get(d.collectionId) ?? 0) + 1);
  return {
    object_id: r.objectId,
    root_object: objectSummary(r.rootObject),
    total_documents: r.documents.length,
    truncated: r.truncated,
    collections: [...counts].map(([id, n]) => ({ collection_id: id, collection_name: r.collections.get(id)?.collectionName ?? null, processing_tier: r.collections.get(id)?.tier ?? null, document_count: n })),
    documents: r.documents.map((d) => toDocumentResponse(d)),
  };
}

function treeNode(n: TreeNode): Record<string, unknown> {
  return {
    collection_id: n.collection.collectionId,
    collection_name: n.collection.collectionName,
    tier: n.collection.tier,
    feature_extractor: n.collection.featureExtractor.feature_extractor_name,
    document_count: n.documentCount,
    ...(n.documentIds !== null ? { document_ids: n.documentIds } : {}),
    children: n.children.map(treeNode),
  };
}

export function toDecompositionTreeResponse(t: DecompositionTree): Record<string, unknown> {
  const count = (nodes: readonly TreeNode[]): number => nodes.reduce((sum, n) => sum + 1 + count(n.children), 0);
  return {
    object_id: t.objectId,
    bucket_id: t.bucketId,
    root_object: objectSummary(t.rootObject),
    total_documents: t.totalDocuments,
    total_collections: count(t.nodes),
    tree: t.nodes.map(treeNode),
  };
}
