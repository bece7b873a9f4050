// Mixpeek's pagination block of list responses (SPEC §0.3). Shared by the lists that use it.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.ts';

export const PaginationResponse = Type.Object(
  {
    total: Type.Optional(Nullable(Type.Integer(), { title: 'Total', description: 'Only with include_total=true.' })),
    page: Type.Optional(Nullable(Type.Integer(), { title: 'Page' })),
    page_size: Type.Optional(Nullable(Type.Integer(), { title: 'Page Size' })),
    total_pages: Type.Optional(Nullable(Type.Integer(), { title: 'Total Pages', description: 'Only with include_total=true.' })),
    next_page: Type.Optional(Nullable(Type.Integer(), { title: 'Next Page' })),
    previous_page: Type.Optional(Nullable(Type.Integer(), { title: 'Previous Page' })),
    next_cursor: Type.Optional(Nullable(Type.String(), { title: 'Next Cursor' })),
  },
  { $id: 'PaginationResponse', title: 'PaginationResponse' },
);
export type PaginationResponseBody = Static<typeof PaginationResponse>;

/** Offset paging: page numbers from offset/limit; totals only when counted. */
export function offsetPagination(offset: number, limit: number, returned: number, total: number | null): PaginationResponseBody {
  const page = Math.floor(offset / limit) + 1;
  const more = total === null ? returned === limit : offset + returned < total;
  return {
    total,
    page,
    page_size: limit,
    total_pages: total === null ? null : Math.ceil(total / limit),
    next_page: more ? page + 1 : null,
    previous_page: page > 1 ? page - 1 : null,
    next_cursor: null,
  };
}

export const PAGINATION_SCHEMAS = [PaginationResponse];
