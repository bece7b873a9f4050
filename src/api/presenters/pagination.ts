import type { PaginationResponseBody } from '../schemas/pagination.ts';

/**
 * Mixpeek's PaginationResponse for an offset window. Totals (and the page count) only when the
 * client asked for them; next/previous pages are page numbers (1-based, as strings: Mixpeek types
 * them so); page n starts at offset (n - 1) * limit.
 */
export function toPagination(window: { limit: number; offset: number }, returned: number, total: number | null): PaginationResponseBody {
  const { limit, offset } = window;
  const hasNext = total === null ? returned === limit : offset + returned < total;
  const page = Math.floor(offset / limit) + 1;
  return {
    total,
    page,
    page_size: limit,
    total_pages: total === null ? null : Math.ceil(total / limit),
    next_page: hasNext ? String(page + 1) : null,
    previous_page: page > 1 ? String(page - 1) : null,
    next_cursor: null,
  };
}
