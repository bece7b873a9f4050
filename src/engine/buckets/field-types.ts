// Bucket schema field types (SPEC §7). Mixpeek's enum has nine metadata types and six blob types;
// its docs and examples also write `json`, `binary` and `document`, and upper case ("IMAGE").
// Tessera reads every type case-insensitively and decides the three doc-only names like this:
//   json     → `text`: the docs use it for a blob whose data is a JSON object; JSON is UTF-8 text and
//              text extractors read it, so it is stored as a text blob (application/json) and the
//              schema shows `text`, a value of Mixpeek's enum.
//   document → kept as `document` (Tessera extension): an office-or-PDF blob (PDF, Word, PowerPoint,
//              Excel, OpenDocument, RTF). No enum value accepts that family, so mapping it to `pdf`
//              would refuse the .docx files clients send under it.
//   binary   → kept as `binary` (Tessera extension): any bytes, stored as sniffed or
//              application/octet-stream; no extractor reads it.

export const METADATA_FIELD_TYPES = ['string', 'number', 'integer', 'float', 'boolean', 'object', 'array', 'date', 'datetime'] as const;
export type MetadataFieldType = (typeof METADATA_FIELD_TYPES)[number];

export const BLOB_FIELD_TYPES = ['text', 'image', 'audio', 'video', 'pdf', 'excel', 'document', 'binary'] as const;
export type BlobFieldType = (typeof BLOB_FIELD_TYPES)[number];

export type FieldType = MetadataFieldType | BlobFieldType;

/** Doc-only spellings and what they mean here. */
export const FIELD_TYPE_ALIASES: Readonly<Record<string, FieldType>> = { json: 'text' };

/** Metadata types whose values are single JSON scalars (enum, unique_key and value checks use it). */
export const SCALAR_FIELD_TYPES: readonly MetadataFieldType[] = ['string', 'number', 'integer', 'float', 'boolean', 'date', 'datetime'];

const ALL_TYPES: ReadonlySet<string> = new Set<string>([...METADATA_FIELD_TYPES, ...BLOB_FIELD_TYPES]);

/** The canonical type for a client's spelling, or null when it names no type. */
export function normaliseFieldType(raw: unknown): FieldType | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const lower = raw.toLowerCase();
  if (ALL_TYPES.has(lower)) return lower as FieldType;
  return FIELD_TYPE_ALIASES[lower] ?? null;
}

export function isBlobFieldType(type: FieldType): type is BlobFieldType {
  return (BLOB_FIELD_TYPES as readonly string[]).includes(type);
}

export function isScalarFieldType(type: FieldType): boolean {
  return (SCALAR_FIELD_TYPES as readonly string[]).includes(type);
}

/** Every spelling accepted, for error messages. */
export const ACCEPTED_TYPE_NAMES: readonly string[] = [...METADATA_FIELD_TYPES, ...BLOB_FIELD_TYPES, ...Object.keys(FIELD_TYPE_ALIASES)];

/** A normalised BucketSchemaField: canonical type, `required` resolved, null options dropped. */
export interface SchemaField {
  type: FieldType;
  required: boolean;
  description?: string;
  /** Present only when the client gave one (a null default means "no default"). */
  default?: unknown;
  enum?: unknown[];
  examples?: unknown[];
  /** Element schema of an `array` field. */
  items?: SchemaField;
  /** Declared members of an `object` field (others are allowed on objects). */
  properties?: Record<string, SchemaField>;
  /** Keys the client added beyond Mixpeek's (BucketSchemaField allows them), kept as sent. */
  extra?: Record<string, unknown>;
}

export interface BucketSchema {
  properties: Record<string, SchemaField>;
}
