// An execute request's body (SPEC §15.2) → ExecutionRequest. Pagination comes as one of Mixpeek's
// four parameter objects (method picked by `method`, or by the keys present), or as the docs'
// top-level `limit` / `offset` (SPEC §23.4). Refusals name the offending field.
import { BadRequestError } from '../errors.ts';
import type { ExecutionRequest, PaginationRequest } from './execution.ts';

/** The page size when the request names none (ExecuteRetrieverRequest: "cursor-based pagination with limit=20"). */
export const DEFAULT_PAGE_SIZE = 20;

export interface ExecuteBody {
  inputs?: unknown;
  pagination?: unknown;
  limit?: unknown;
  offset?: unknown;
}

function bad(at: string, message: string): never {
  throw new BadRequestError(`${at}: ${message}`, { field: at }, 'invalid_pagination');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function integer(value: unknown, at: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) bad(at, `expected an integer from ${min} to ${max}`);
  return value;
}

function optionalString(value: unknown, at: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > 4096) bad(at, 'expected a string');
  return value;
}

export function parsePagination(body: ExecuteBody): PaginationRequest {
  const p = body.pagination;
  if (p === undefined || p === null) {
    const limit = integer(body.limit, 'limit', DEFAULT_PAGE_SIZE, 1, 500);
    if (body.offset === undefined || body.offset === null) return { method: 'cursor', limit, cursor: null };
    const offset = integer(body.offset, 'offset', 0, 0, 100_000);
    if (offset % limit !== 0) bad('offset', `the top-level offset must be a multiple of limit (${limit}); or send pagination {method: "offset", page_size, page_number}`);
    return { method: 'offset', pageSize: limit, pageNumber: offset / limit + 1 };
  }
  if (!isObject(p)) bad('pagination', 'expected {method, ...}: cursor, offset, keyset or scroll parameters');
  const method = p.method ?? ('page_size' in p || 'page_number' in p ? 'offset' : 'scroll_id' in p || 'scroll_ttl' in p ? 'scroll' : 'after' in p ? 'keyset' : 'cursor');
  switch (method) {
    case 'cursor':
      return { method: 'cursor', limit: integer(p.limit, 'pagination.limit', 10, 1, 500), cursor: optionalString(p.cursor, 'pagination.cursor') };
    case 'offset':
      return { method: 'offset', pageSize: integer(p.page_size, 'pagination.page_size', 10, 1, 500), pageNumber: integer(p.page_number, 'pagination.page_number', 1, 1, 100_000) };
    case 'keyset': {
      const after = p.after ?? null;
      if (after !== null && !isObject(after)) bad('pagination.after', 'expected an object of sort keys, or null');
      return { method: 'keyset', limit: integer(p.limit, 'pagination.limit', 10, 1, 500), after };
    }
    case 'scroll':
      integer(p.scroll_ttl, 'pagination.scroll_ttl', 300, 60, 3600);
      return { method: 'scroll', limit: integer(p.limit, 'pagination.limit', 100, 1, 1000), scrollId: optionalString(p.scroll_id, 'pagination.scroll_id') };
    default:
      return bad('pagination.method', "expected 'cursor', 'offset', 'keyset' or 'scroll'");
  }
}

export function parseExecutionRequest(body: ExecuteBody, returnVectors: boolean): ExecutionRequest {
  const inputs = body.inputs ?? {};
  if (!isObject(inputs)) throw new BadRequestError('inputs: expected an object of the retriever\'s inputs', { field: 'inputs' }, 'invalid_inputs');
  return { inputs, pagination: parsePagination(body), returnVectors };
}
