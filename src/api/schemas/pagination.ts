// Mixpeek's list conventions (SPEC §0.3): `POST …/list` with paging in the query string and
// PaginationResponse in the answer.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.ts';
import { QueryObject } from './query.ts';

export const MAX_LIST_OFFSET = 1_000_000;

export const PaginationResponse = Type.Object(
  {
    total: Type.Optional(Nullable(Type.Integer(), { title: 'Total', description: 'Matching items; only with include_total=true.' })),
    page: Type.Optional(Nullable(Type.Integer(), { title: 'Page' })),
    page_size: Type.Optional(Nullable(Type.Integer(), { title: 'Page Size' })),
    total_pages: Type.Optional(Nullable(Type.Integer(), { title: 'Total Pages' })),
    next_page: Type.Optional(Nullable(Type.String(), { title: 'Next Page' })),
    previous_page: Type.Optional(Nullable(Type.String(), { title: 'Previous Page' })),
    next_cursor: Type.Optional(Nullable(Type.String(), { title: 'Next Cursor' })),
  },
  { $id: 'PaginationResponse', title: 'PaginationResponse', description: 'Pagination information for the current result window.' },
);
export type PaginationResponseBody = Static<typeof PaginationResponse>;

/** limit/offset/cursor/include_total in the query string of `POST …/list`. */
export const ListPagingQuery = QueryObject({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 10, title: 'Limit' }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_LIST_OFFSET, default: 0, title: 'Offset' }),
  cursor: Type.Optional(Nullable(Type.String({ maxLength: 512 }), { title: 'Cursor', description: 'Accepted for compatibility; offset paging is used.' })),
  include_total: Type.Boolean({ default: false, title: 'Include Total' }),
});
export type ListPaging = Static<typeof ListPagingQuery>;

export const SortOption = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 255, title: 'Field' }),
    direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc', title: 'Direction' })),
  },
  { title: 'SortOption', additionalProperties: false },
);

export const PAGINATION_SCHEMAS = [PaginationResponse];
