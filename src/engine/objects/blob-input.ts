// Parses one CreateBlobRequest (SPEC §8) against the bucket schema into a normalised source, before
// any byte is fetched or stored. Base64 is decoded strictly and its size checked from its length
// first. Which bytes are acceptable for the field's type is decided later, by sniffing (blob-intake).
import { BadRequestError, PayloadTooLargeError, UrlValidationError } from '../errors.ts';
import { withinDepth, withinSerializedBytes } from '../../lib/json-bounds.ts';
import { decodeBase64Strict } from '../../lib/strict-base64.ts';
import { isPlainObject } from '../buckets/field-values.ts';
import { isBlobFieldType, normaliseFieldType, type BlobFieldType, type BucketSchema } from '../buckets/field-types.ts';

export type BlobSource =
  /** Bytes that came in the request: inline text/JSON (text fields only) or base64. */
  | { kind: 'bytes'; origin: 'inline' | 'base64'; bytes: Buffer; mimeHint: string | null; filename: string | null }
  /** An http(s) URL to fetch, or an s3:// URL (only this deployment's own blobs can be read). */
  | { kind: 'url'; url: string }
  | { kind: 'upload'; uploadId: string };

export interface BlobRequest {
  property: string;
  type: BlobFieldType;
  keyPrefix: string | null;
  metadata: Record<string, unknown>;
  /** null: the object-level default applies. */
  canonicalizeSource: boolean | null;
  forceRemirror: boolean | null;
  source: BlobSource;
}

export const MAX_URL_LENGTH = 2083;
export const MAX_KEY_PREFIX_LENGTH = 1024;
export const MAX_BLOB_METADATA_DEPTH = 32;
const URL_SCHEME = /^(https?|s3):\/\//i;
const UPLOAD_ID = /^upl_[A-Za-z0-9_-]{1,100}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

function bad(path: string, message: string, code: string | null = null): never {
  throw new BadRequestError(`${path}: ${message}`, { field: path, reason: message }, code);
}

/** The last segment of a client's filename, without control characters; null when nothing is left. */
export function sanitiseFilename(raw: string): string | null {
  const base = raw.split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' || base === '.' || base === '..' ? null : base.slice(0, 255);
}

function checkUrl(url: string, path: string): BlobSource {
  if (url.length > MAX_URL_LENGTH) throw new UrlValidationError(`${path}: URLs may be at most ${MAX_URL_LENGTH} characters`, { field: path, reason: 'too_long' });
  if (!URL.canParse(url)) throw new UrlValidationError(`${path}: not a valid URL`, { field: path, reason: 'invalid_url' });
  return { kind: 'url', url };
}

function fromBase64(encoded: unknown, mimeHint: string | null, filename: string | null, path: string, maxBytes: number): BlobSource {
  if (typeof encoded !== 'string') bad(path, 'base64 must be a string');
  const decoded = decodeBase64Strict(encoded, maxBytes);
  if (!decoded.ok && decoded.reason === 'too_large') throw tooLarge(path, decoded.decodedBytes, maxBytes);
  if (!decoded.ok) bad(path, 'is not valid base64', 'invalid_base64');
  if (decoded.bytes.length === 0) bad(path, 'is empty');
  return { kind: 'bytes', origin: 'base64', bytes: decoded.bytes, mimeHint, filename };
}

export function tooLarge(path: string, sizeBytes: number, limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`${path}: ${sizeBytes} bytes is over this tier's limit of ${limitBytes} bytes for this kind of blob; larger files go through POST /v1/buckets/{bucket}/uploads`, {
    field: path,
    size_bytes: sizeBytes,
    limit_bytes: limitBytes,
  });
}

function fromDataUri(uri: string, path: string, maxBytes: number): BlobSource {
  const comma = uri.indexOf(',');
  if (comma < 0 || comma > 512) bad(path, 'is not a data URI (data:<mime>;base64,<data>)');
  const params = uri.slice(5, comma).split(';');
  const mime = params[0]?.trim().toLowerCase() || null;
  const payload = uri.slice(comma + 1);
  if (params.slice(1).some((p) => p.trim().toLowerCase() === 'base64')) return fromBase64(payload, mime, null, path, maxBytes);
  // RFC 2397 also allows percent-encoded data.
  if (payload.length > maxBytes * 3) throw tooLarge(path, payload.length, maxBytes);
  let text: string;
  try {
    text = decodeURIComponent(payload);
  } catch {
    bad(path, 'has invalid percent-encoding');
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > maxBytes) throw tooLarge(path, bytes.length, maxBytes);
  if (bytes.length === 0) bad(path, 'is empty');
  return { kind: 'bytes', origin: 'base64', bytes, mimeHint: mime, filename: null };
}

function inlineText(text: string, mimeHint: string, path: string, maxBytes: number): BlobSource {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > maxBytes) throw tooLarge(path, bytes.length, maxBytes);
  if (bytes.length === 0) bad(path, 'is empty');
  return { kind: 'bytes', origin: 'inline', bytes, mimeHint, filename: null };
}

/** The source a `data` value describes, for a field of type `type`. */
export function parseBlobData(data: unknown, type: BlobFieldType, path: string, maxBytes: number): BlobSource {
  const textField = type === 'text';
  if (typeof data === 'string') {
    if (/^data:/i.test(data)) return fromDataUri(data, path, maxBytes);
    if (URL_SCHEME.test(data)) return checkUrl(data, path);
    if (textField) return inlineText(data, 'text/plain', path, maxBytes);
    bad(path, `for a ${type} blob must be an http(s):// or s3:// URL, a data URI, {base64, mime_type, filename} or {url}`);
  }
  if (isPlainObject(data)) {
    const hasBase64 = Object.hasOwn(data, 'base64');
    const hasUrl = Object.hasOwn(data, 'url');
    if (hasBase64 && hasUrl) bad(path, 'may have "base64" or "url", not both');
    if (hasBase64) {
      const mime = typeof data.mime_type === 'string' ? data.mime_type.toLowerCase().slice(0, 255) : null;
      const filename = typeof data.filename === 'string' ? sanitiseFilename(data.filename) : null;
      return fromBase64(data.base64, mime, filename, `${path}.base64`, maxBytes);
    }
    if (hasUrl) {
      if (typeof data.url !== 'string' || !URL_SCHEME.test(data.url)) throw new UrlValidationError(`${path}.url: must be an http(s):// or s3:// URL`, { field: `${path}.url`, reason: 'scheme' });
      return checkUrl(data.url, `${path}.url`);
    }
  }
  if (textField && (isPlainObject(data) || Array.isArray(data) || typeof data === 'number' || typeof data === 'boolean')) {
    if (!withinDepth(data, MAX_BLOB_METADATA_DEPTH) || !withinSerializedBytes(data, maxBytes)) throw tooLarge(path, maxBytes + 1, maxBytes);
    return inlineText(JSON.stringify(data), 'application/json', path, maxBytes);
  }
  bad(path, `for a ${type} blob must be a URL, a data URI, {base64, mime_type, filename} or {url}`);
}

function optionalBoolean(raw: Record<string, unknown>, key: string, path: string): boolean | null {
  const value = raw[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') bad(`${path}.${key}`, 'must be a boolean');
  return value;
}

/**
 * One blob of an object request. `path` names it in errors ("blobs[2]"); `maxInlineBytes` is the
 * tier's cap on bytes sent in the request (TIERS[tier].blobs.inlineMaxBytes).
 */
export function parseBlobRequest(raw: unknown, schema: BucketSchema, maxInlineBytes: number, path = 'blob'): BlobRequest {
  if (!isPlainObject(raw)) bad(path, 'must be an object');
  const property = raw.property;
  if (typeof property !== 'string' || property.length === 0 || property.length > 100) bad(`${path}.property`, 'must be a field name of 1-100 characters');
  const field = Object.hasOwn(schema.properties, property) ? schema.properties[property] : undefined;
  if (field === undefined || !isBlobFieldType(field.type)) {
    const blobFields = Object.entries(schema.properties).filter(([, f]) => isBlobFieldType(f.type)).map(([n]) => n);
    bad(`${path}.property`, `"${property}" is not a blob field of this bucket's schema (blob fields: ${blobFields.join(', ') || 'none'})`, 'unknown_blob_property');
  }
  const type = normaliseFieldType(raw.type);
  if (type !== field.type) bad(`${path}.type`, `must be ${field.type}, the type of field "${property}" in the bucket schema`, 'blob_type_mismatch');

  const hasData = raw.data !== undefined && raw.data !== null;
  const hasUpload = raw.upload_id !== undefined && raw.upload_id !== null;
  if (hasData === hasUpload) bad(path, 'needs exactly one of "data" and "upload_id"');
  let source: BlobSource;
  if (hasUpload) {
    if (typeof raw.upload_id !== 'string' || !UPLOAD_ID.test(raw.upload_id)) bad(`${path}.upload_id`, 'must be an upload id (upl_…)');
    source = { kind: 'upload', uploadId: raw.upload_id };
  } else {
    source = parseBlobData(raw.data, field.type, `${path}.data`, maxInlineBytes);
  }

  let keyPrefix: string | null = null;
  if (raw.key_prefix !== undefined && raw.key_prefix !== null) {
    if (typeof raw.key_prefix !== 'string' || raw.key_prefix.length > MAX_KEY_PREFIX_LENGTH || CONTROL.test(raw.key_prefix)) bad(`${path}.key_prefix`, `must be a string of at most ${MAX_KEY_PREFIX_LENGTH} characters without control characters`);
    keyPrefix = raw.key_prefix;
  }
  let metadata: Record<string, unknown> = {};
  if (raw.metadata !== undefined && raw.metadata !== null) {
    if (!isPlainObject(raw.metadata) || !withinDepth(raw.metadata, MAX_BLOB_METADATA_DEPTH)) bad(`${path}.metadata`, `must be an object nested at most ${MAX_BLOB_METADATA_DEPTH} levels`);
    metadata = raw.metadata;
  }
  return {
    property,
    type: field.type,
    keyPrefix,
    metadata,
    canonicalizeSource: optionalBoolean(raw, 'canonicalize_source', path),
    forceRemirror: optionalBoolean(raw, 'force_remirror', path),
    source,
  };
}
