// Mixpeek's PaginationResponse from a page that was read with one row more than asked for (so
// "is there a next page" costs no count) and, when the client asked, the total.
import { encodeCursor } from './parse.ts';
import type { ListQuery, PaginationResponse } from './types.ts';

export interface Page<T> {
  results: T[];
  pagination: PaginationResponse;
}

/** `rows` may hold limit + 1 rows; the extra one only tells that a next page exists. */
export function toPage<T>(query: Pick<ListQuery, 'limit' | 'offset' | 'includeTotal'>, rows: readonly T[], total: number | null): Page<T> {
  const hasMore = rows.length > query.limit;
  const page = Math.floor(query.offset / query.limit) + 1;
  return {
    results: rows.slice(0, query.limit),
    pagination: {
      total: query.includeTotal ? total : null,
      page,
      page_size: query.limit,
      total_pages: query.includeTotal && total !== null ? Math.ceil(total / query.limit) : null,
      next_page: hasMore ? String(page + 1) : null,
      previous_page: query.offset > 0 ? String(Math.max(1, page - 1)) : null,
      next_cursor: hasMore ? encodeCursor(query.offset + query.limit) : null,
    },
  };
}
