import type { PaginationResponseBody } from '../schemas/pagination.ts';

/**
 * Mixpeek's PaginationResponse for an offset window. Totals (and the page count) only when the
 * client asked for them; next/previous pages are the offsets a client sends next, as strings.
 */
export function toPagination(window: { limit: number; offset: number }, returned: number, total: number | null): PaginationResponseBody {
  const { limit, offset } = window;
  const hasNext = total === null ? returned === limit : offset + returned < total;
  return {
    total,
    page: Math.floor(offset / limit) + 1,
    page_size: limit,
    total_pages: total === null ? null : Math.ceil(total / limit),
    next_page: hasNext ? String(offset + limit) : null,
    previous_page: offset > 0 ? String(Math.max(0, offset - limit)) : null,
    next_cursor: null,
  };
}
