// Objects as Mixpeek's ObjectResponse: user fields flat beside the object's own keys.
import type { BlobRecord } from '../../engine/objects/blob-record.ts';
import { valuesAt } from '../../engine/objects/object-query.ts';
import type { BucketObject } from '../../engine/objects/types.ts';
import type { TesseraError } from '../../engine/errors.ts';
import type { ObjectResponseBody } from '../schemas/objects.ts';

export function toBlobModel(b: BlobRecord, presignedUrl?: string) {
  return {
    blob_id: b.blobId,
    property: b.property,
    key_prefix: b.keyPrefix,
    type: b.type,
    properties: {
      ...b.metadata,
      url: b.location,
      ...(b.sourceUrl !== null ? { source_url: b.sourceUrl } : {}),
      ...(b.uploadId !== null ? { upload_id: b.uploadId } : {}),
      ...(presignedUrl !== undefined ? { presigned_url: presignedUrl } : {}),
    },
    details: { filename: b.filename, size_bytes: b.sizeBytes, mime_type: b.mimeType, hash: b.hash },
  };
}

export function toObjectResponse(o: BucketObject & { presignedUrls?: Map<string, string> }): ObjectResponseBody {
  return {
    ...o.fields,
    object_id: o.objectId,
    bucket_id: o.bucketId,
    namespace_id: o.namespaceId,
    key_prefix: o.keyPrefix,
    blobs: o.blobs.map((b) => toBlobModel(b, o.presignedUrls?.get(b.blobId))),
    source_details: o.sourceDetails,
    status: o.status,
    error: o.error,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

/** Only the selected keys (top-level keys or dotted user-field paths); object_id and bucket_id always. */
export function selectKeys(body: ObjectResponseBody, select: readonly string[] | null | undefined): ObjectResponseBody {
  if (!select || select.length === 0) return body;
  const out: Record<string, unknown> = { object_id: body.object_id, bucket_id: body.bucket_id };
  for (const path of select) {
    const top = path.startsWith('metadata.') ? path.slice('metadata.'.length) : path;
    if (!top.includes('.')) {
      if (Object.hasOwn(body, top)) out[top] = body[top];
      continue;
    }
    const value = valuesAt(body, top)[0];
    if (value === undefined) continue;
    const segments = top.split('.');
    let target = out;
    for (const seg of segments.slice(0, -1)) target = (target[seg] ??= {}) as Record<string, unknown>;
    target[segments.at(-1)!] = value;
  }
  return out as ObjectResponseBody;
}

export function toFailedObject(index: number, error: Error) {
  const type = (error as Partial<TesseraError>).type;
  return { object_index: index, error: type ? error.message : 'Internal error', error_type: type ?? 'InternalServerError' };
}
