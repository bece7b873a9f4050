// Bounds of what a request may carry that only the API sees: list offsets and free-form objects.
// Domain maxima (credits, rate limits, cents) live in src/engine/bounds.ts; docs/api.md lists both.
import { Type, type SchemaOptions } from '@sinclair/typebox';
import { MAX_BYTES_KEYWORD, MAX_DEPTH_KEYWORD } from '../../lib/ajv.ts';

/** Largest `skip` of a list: deeper pages are refused (422) rather than scanned. */
export const MAX_SKIP = 1_000_000;

/** A metadata object may nest this many levels (the object itself is level 1)… */
export const MAX_JSON_DEPTH = 32;
/** …and take this many bytes as compact JSON. */
export const MAX_JSON_BYTES = 64 * 1024;

/** Longest secret value, in characters: room for certificates and service-account JSON, not for files. */
export const MAX_SECRET_VALUE_LENGTH = 65_536;

/** A free-form object in a request body, bounded in depth and size (422 beyond either). */
export const BoundedFreeObject = (options: SchemaOptions = {}) =>
  Type.Object({}, { additionalProperties: true, [MAX_DEPTH_KEYWORD]: MAX_JSON_DEPTH, [MAX_BYTES_KEYWORD]: MAX_JSON_BYTES, ...options });

/** `skip` of a list query: optional in the contract, 0 when absent. */
export const Skip = Type.Integer({ minimum: 0, maximum: MAX_SKIP, default: 0, description: `Items to skip (at most ${MAX_SKIP})` });

