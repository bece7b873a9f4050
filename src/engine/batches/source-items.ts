// What a chunk reads: the source items of one collection (bucket objects at tier 0, the upstream
// collections' documents at tier N), as records the collection's source_filters, input_mappings and
// field_passthrough read by dotted path. A path that names a blob property of an object reads the
// blob: a text blob as its text, any other as a reference to the stored bytes.
import type { BlobRecord } from '../objects/blob-record.ts';
import type { BucketObject } from '../objects/types.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { StoredDocument, SourceBlobRef } from '../documents/types.ts';
import type { CollectionExtractor } from '../collections/types.ts';
import { readPath } from '../query/index.ts';

/** Text blobs are read into memory for the extractor up to this size; larger ones are an input error. */
export const MAX_TEXT_BLOB_BYTES = 16 * 1024 * 1024;

export interface SourceItem {
  /** obj_… (tier 0) or the upstream doc_… (tier ≥ 1). */
  sourceId: string;
  rootObjectId: string;
  rootBucketId: string;
  /** What filters, mappings and passthrough read. */
  record: Record<string, unknown>;
  /** The user fields include_all_source_fields copies. */
  userFields: Record<string, unknown>;
  /** Tier 0: the object's blobs, by property. */
  blobs: Map<string, BlobRecord>;
  /** Tier 0: the object; tier ≥ 1: the upstream document. */
  object: BucketObject | null;
  upstream: StoredDocument | null;
  /** Identity for the deterministic document id: the unique-key value, the object id, or the source document id. */
  sourceKey: string;
}

export function objectItem(object: BucketObject, uniqueKeyed: boolean): SourceItem {
  const fields = object.fields;
  const record: Record<string, unknown> = {
    // The docs write user fields as "metadata.<field>": both spellings read the same value.
    metadata: fields,
    ...fields,
    object_id: object.objectId,
    bucket_id: object.bucketId,
    key_prefix: object.keyPrefix,
    created_at: object.createdAt,
    updated_at: object.updatedAt,
  };
  return {
    sourceId: object.objectId,
    rootObjectId: object.objectId,
    rootBucketId: object.bucketId,
    record,
    userFields: fields,
    blobs: new Map(object.blobs.map((b) => [b.property, b])),
    object,
    upstream: null,
    sourceKey: uniqueKeyed && object.uniqueKeyValue !== null ? `ukey:${object.bucketId}:${object.uniqueKeyValue}` : `obj:${object.objectId}`,
  };
}

export function documentItem(doc: StoredDocument): SourceItem {
  const l = doc.lineage;
  const record: Record<string, unknown> = {
    metadata: doc.fields,
    ...doc.fields,
    document_id: doc.documentId,
    collection_id: doc.collectionId,
    root_object_id: l.rootObjectId,
    _internal: {
      lineage: {
        root_object_id: l.rootObjectId,
        root_bucket_id: l.rootBucketId,
        source_type: l.sourceType,
        source_object_id: l.sourceObjectId,
        source_document_id: l.sourceDocumentId,
        source_collection_id: l.sourceCollectionId,
        path: l.path,
      },
    },
  };
  return {
    sourceId: doc.documentId,
    rootObjectId: l.rootObjectId ?? doc.documentId,
    rootBucketId: l.rootBucketId ?? '',
    record,
    userFields: doc.fields,
    blobs: new Map(),
    object: null,
    upstream: doc,
    sourceKey: `doc:${doc.documentId}`,
  };
}

/** A blob an input or passthrough path names: its text (text blobs) or a reference (others). */
export type BlobValue = string | { blob_id: string; blob_property: string; type: string; url: string; storage_key: string | null; mime_type: string; size_bytes: number };

/** Reads the value at `path`, blobs included (texts must have been loaded with loadBlobTexts). */
export function valueAt(item: SourceItem, given: string, texts: ReadonlyMap<string, string>): unknown {
  // Mixpeek's docs prefix source fields with "payload."; the field itself is meant.
  const path = given.startsWith('payload.') && readPath(item.record, given) === undefined ? given.slice('payload.'.length) : given;
  const direct = readPath(item.record, path);
  if (direct !== undefined) return direct;
  const blob = item.blobs.get(path);
  if (!blob) return undefined;
  return blobValue(blob, texts);
}

function blobValue(blob: BlobRecord, texts: ReadonlyMap<string, string>): BlobValue | undefined {
  if (blob.type === 'text') return texts.get(blob.blobId);
  return { blob_id: blob.blobId, blob_property: blob.property, type: blob.type, url: blob.location, storage_key: blob.storageKey, mime_type: blob.mimeType, size_bytes: blob.sizeBytes };
}

/** The blobs of an object that these paths name (for loading and for the documents' source_blobs). */
export function blobsNamed(item: SourceItem, paths: readonly string[]): BlobRecord[] {
  const out: BlobRecord[] = [];
  for (const given of paths) {
    const p = given.startsWith('payload.') && readPath(item.record, given) === undefined ? given.slice('payload.'.length) : given;
    if (readPath(item.record, p) !== undefined) continue;
    const blob = item.blobs.get(p);
    if (blob && !out.includes(blob)) out.push(blob);
  }
  return out;
}

/** Every source path a collection's extractor configuration reads. */
export function pathsRead(extractor: CollectionExtractor): string[] {
  return [...Object.values(extractor.input_mappings), ...extractor.field_passthrough.map((f) => f.source_path)];
}

export class BlobReadError extends Error {}

/** Loads the text of the text blobs these items' paths name; a blob that cannot be read is left out (its input is missing). */
export async function loadBlobTexts(blobStore: BlobStore | null, blobs: readonly BlobRecord[], signal?: AbortSignal): Promise<{ texts: Map<string, string>; failed: Map<string, string> }> {
  const texts = new Map<string, string>();
  const failed = new Map<string, string>();
  for (const blob of blobs) {
    signal?.throwIfAborted();
    if (blob.type !== 'text' || texts.has(blob.blobId)) continue;
    if (!blobStore || blob.storageKey === null) {
      failed.set(blob.blobId, 'the blob\'s bytes are not stored in this Tessera');
      continue;
    }
    if (blob.sizeBytes > MAX_TEXT_BLOB_BYTES) {
      failed.set(blob.blobId, `text blob of ${blob.sizeBytes} bytes is larger than the ${MAX_TEXT_BLOB_BYTES} bytes read for extraction`);
      continue;
    }
    const body = await blobStore.open(blob.storageKey);
    if (!body) {
      failed.set(blob.blobId, 'the blob\'s bytes are missing from the blob store');
      continue;
    }
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array));
    texts.set(blob.blobId, Buffer.concat(parts).toString('utf8'));
  }
  return { texts, failed };
}

export function sourceBlobRefs(item: SourceItem, used: readonly BlobRecord[]): SourceBlobRef[] {
  if (item.upstream) return item.upstream.sourceBlobs;
  return used.map((b) => ({ blob_id: b.blobId, blob_property: b.property, blob_type: b.type }));
}
