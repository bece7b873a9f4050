// What a blob's bytes are, decided from the bytes (magic numbers via file-type, UTF-8 validity for
// text), never from the client's mime_type or the server's Content-Type; those only choose between
// formats the bytes cannot tell apart (a CSV from other text, a .doc from a .xls inside OLE2).
// Accepted per field type:
//   text     UTF-8 without NUL bytes → application/json when it parses as a JSON object or array, else text/plain
//   image    image/*                           video  video/*, and image/gif (frame by frame, SPEC §7)
//   audio    audio/*                           pdf    application/pdf
//   excel    xlsx/xlsm/xltx, ods, xls (OLE2), and CSV: UTF-8 text the client calls text/csv or *.csv
//   document PDF, OOXML (docx/xlsx/pptx), OpenDocument, RTF, OLE2 (doc/xls/ppt)
//   binary   anything; the sniffed type or application/octet-stream
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { BadRequestError } from '../errors.ts';
import type { BlobFieldType } from '../buckets/field-types.ts';

/** Bytes given to the sniffer; every format Tessera accepts is recognisable in its first MiB. */
export const SNIFF_BYTES = 1024 * 1024;
/** Text is parsed as JSON (to tell JSON from plain text) up to this size; larger text is text/plain. */
export const JSON_DETECT_MAX_BYTES = 16 * 1024 * 1024;

export interface ContentInspection {
  sizeBytes: number;
  sha256: string;
  head: Buffer;
  /** All the bytes, when they were held in memory. */
  whole: Buffer | null;
  /** Valid UTF-8 without NUL bytes (checked only when asked for). */
  isText: boolean;
}

function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function inspectBytes(bytes: Buffer): ContentInspection {
  return { sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, SNIFF_BYTES), whole: bytes, isText: isUtf8Text(bytes) };
}

/**
 * Reads a stream once: hash, size, the head, and (when `checkText`: decoding costs) UTF-8 validity.
 * Throws `onTooLarge(size)` past maxBytes.
 */
export async function inspectStream(stream: Readable, maxBytes: number, checkText: boolean, onTooLarge: (size: number) => Error): Promise<ContentInspection> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const chunks: Buffer[] = [];
  let size = 0;
  let isText = checkText;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      throw onTooLarge(size);
    }
    hash.update(chunk);
    if (size - chunk.length < SNIFF_BYTES) chunks.push(chunk);
    if (isText) {
      try {
        if (chunk.includes(0)) isText = false;
        else decoder.decode(chunk, { stream: true });
      } catch {
        isText = false;
      }
    }
  }
  try {
    if (isText) decoder.decode();
  } catch {
    isText = false;
  }
  const head = Buffer.concat(chunks);
  return { sizeBytes: size, sha256: hash.digest('hex'), head: head.subarray(0, SNIFF_BYTES), whole: size <= SNIFF_BYTES ? head : null, isText };
}

function looksLikeJson(whole: Buffer | null): boolean {
  if (whole === null || whole.length > JSON_DETECT_MAX_BYTES) return false;
  const text = whole.toString('utf8').trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const OOXML_SPREADSHEET = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel.sheet.macroenabled.12', 'application/vnd.openxmlformats-officedocument.spreadsheetml.template'];
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';
const OLE2 = 'application/x-cfb';
const OLE2_HINTS = ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'];

function isDocumentMime(mime: string): boolean {
  return mime === 'application/pdf' || mime === 'application/rtf' || mime === OLE2 || mime.startsWith('application/vnd.openxmlformats-officedocument.') || mime.startsWith('application/vnd.oasis.opendocument.') || mime.startsWith('application/vnd.ms-');
}

export interface Hints {
  /** The client's or server's claimed type: a tie-breaker only. */
  mimeHint: string | null;
  filename: string | null;
}

/** The MIME type to record for bytes of a `type` field, or null when the bytes are not that kind. */
export async function detectMimeType(type: BlobFieldType, content: ContentInspection, hints: Hints): Promise<{ mimeType: string | null; sniffed: string | null }> {
  const sniffed = (await fileTypeFromBuffer(content.head))?.mime ?? null;
  const hint = hints.mimeHint?.split(';')[0]?.trim().toLowerCase() ?? null;
  const accept = (ok: boolean, mime: string | null = sniffed) => ({ mimeType: ok ? mime : null, sniffed });
  switch (type) {
    case 'text':
      return accept(content.isText, looksLikeJson(content.whole) ? 'application/json' : 'text/plain');
    case 'image':
      return accept(sniffed?.startsWith('image/') === true);
    case 'video':
      return accept(sniffed?.startsWith('video/') === true || sniffed === 'image/gif');
    case 'audio':
      return accept(sniffed?.startsWith('audio/') === true);
    case 'pdf':
      return accept(sniffed === 'application/pdf');
    case 'excel': {
      if (sniffed === OLE2) return accept(true, 'application/vnd.ms-excel');
      if (sniffed === null && content.isText && (hint === 'text/csv' || hints.filename?.toLowerCase().endsWith('.csv') === true)) return accept(true, 'text/csv');
      return accept(sniffed !== null && (OOXML_SPREADSHEET.includes(sniffed) || sniffed === ODS));
    }
    case 'document':
      if (sniffed === OLE2 && hint !== null && OLE2_HINTS.includes(hint)) return accept(true, hint);
      return accept(sniffed !== null && isDocumentMime(sniffed));
    case 'binary':
      return accept(true, sniffed ?? 'application/octet-stream');
  }
}

/** The recorded MIME type, or a 400 saying what the bytes look like instead. */
export async function requireMimeType(type: BlobFieldType, content: ContentInspection, hints: Hints, path: string): Promise<string> {
  const { mimeType, sniffed } = await detectMimeType(type, content, hints);
  if (mimeType !== null) return mimeType;
  const seen = sniffed ?? (content.isText ? 'text' : 'unrecognised binary data');
  throw new BadRequestError(`${path}: the bytes are ${seen}, not ${type === 'excel' ? 'a spreadsheet' : `a ${type} file`}`, { field: path, expected_type: type, detected_mime_type: sniffed }, 'blob_content_mismatch');
}
