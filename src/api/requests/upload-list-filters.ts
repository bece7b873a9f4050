// ListUploadsRequest.filters: Mixpeek's shorthand ({"status": "PENDING", "metadata.k": "v"}) or a
// LogicalOperator whose AND holds eq/in conditions, over the fields an upload list can filter.
import { BadRequestError } from '../../engine/errors.ts';
import type { UploadListQuery } from '../../engine/uploads/upload-service.ts';
import { UPLOAD_STATUSES, type UploadStatus } from '../../engine/uploads/types.ts';

type Filters = Pick<UploadListQuery, 'status' | 'filename' | 'contentType' | 'blobProperty' | 'fileHash' | 'uploadIds' | 'metadata'>;

const SCALAR_FIELDS = { filename: 'filename', content_type: 'contentType', blob_property: 'blobProperty', file_hash: 'fileHash' } as const;

export function parseUploadFilters(raw: Record<string, unknown> | null | undefined): Filters {
  const out: Filters = {};
  if (!raw) return out;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'case_sensitive') continue;
    if (key === 'AND') {
      if (!Array.isArray(value)) throw bad('AND must be a list of conditions');
      for (const c of value) {
        if (typeof c !== 'object' || c === null || typeof (c as { field?: unknown }).field !== 'string') throw bad('each AND item must be {field, operator, value}');
        const { field, operator = 'eq', value: v } = c as { field: string; operator?: string; value: unknown };
        if (operator !== 'eq' && operator !== 'in') throw bad(`operator '${operator}' is not supported on uploads (eq, in)`);
        apply(out, field, operator === 'in' ? { $in: v } : v);
      }
      continue;
    }
    if (key === 'OR' || key === 'NOT') throw bad(`${key} is not supported on uploads; use AND or shorthand equalities`);
    apply(out, key, value);
  }
  return out;
}

function apply(out: Filters, field: string, value: unknown): void {
  const values = valuesOf(field, value);
  if (field === 'status') {
    const statuses = values.map((v) => String(v).toUpperCase());
    const unknown = statuses.find((s) => !(UPLOAD_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined) throw bad(`status '${unknown}' is not an upload status`);
    out.status = statuses as UploadStatus[];
  } else if (field === 'upload_id') {
    out.uploadIds = values.map(String);
  } else if (field in SCALAR_FIELDS) {
    if (values.length !== 1) throw bad(`${field} takes one value`);
    out[SCALAR_FIELDS[field as keyof typeof SCALAR_FIELDS]] = String(values[0]);
  } else if (field.startsWith('metadata.') && field.length > 'metadata.'.length) {
    if (values.length !== 1 || !['string', 'number', 'boolean'].includes(typeof values[0])) throw bad(`${field} takes one scalar value`);
    out.metadata = { ...out.metadata, [field.slice('metadata.'.length)]: values[0] as string | number | boolean };
  } else {
    throw bad(`uploads cannot be filtered by '${field}'`);
  }
}

function valuesOf(field: string, value: unknown): unknown[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('$eq' in v) return [v['$eq']];
    if ('$in' in v && Array.isArray(v['$in'])) return v['$in'];
    throw bad(`unsupported condition on '${field}'`);
  }
  if (Array.isArray(value)) return value;
  return [value];
}

const bad = (message: string) => new BadRequestError(message, { field: 'filters' });
