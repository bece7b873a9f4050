// Paging the final stage's output (SPEC §15.2). Every method is an offset into the documents the
// execution produced: a cursor is that offset, opaque (the same encoding as list cursors), and
// re-executing with it re-runs the pipeline and returns the next slice. keyset and scroll are
// served the same way (keyset's `after` carries the cursor as `{cursor}`, or `{offset}`), since an
// execution's output has no stable sort keys to resume from.
import { BadRequestError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../query/index.ts';
import type { PaginationRequest } from './execution.ts';
import type { ExecutionDocument } from './stages/stage-definition.ts';

const MAX_OFFSET = 100_000;

function offsetOfAfter(after: Record<string, unknown> | null): number {
  if (after === null) return 0;
  if (typeof after.cursor === 'string') return decodeCursor(after.cursor);
  if (typeof after.offset === 'number' && Number.isInteger(after.offset) && after.offset >= 0 && after.offset <= MAX_OFFSET) return after.offset;
  throw new BadRequestError('pagination.after: expected {cursor} as returned in next_cursor', { field: 'pagination.after' }, 'invalid_query');
}

export function pageOf(documents: readonly ExecutionDocument[], request: PaginationRequest): { documents: ExecutionDocument[]; pagination: Record<string, unknown> } {
  const total = documents.length;
  switch (request.method) {
    case 'offset': {
      const offset = (request.pageNumber - 1) * request.pageSize;
      if (offset > MAX_OFFSET) throw new BadRequestError(`pagination.page_number: pages reach at most offset ${MAX_OFFSET}`, { field: 'pagination.page_number' }, 'invalid_query');
      const page = documents.slice(offset, offset + request.pageSize);
      return {
        documents: page,
        pagination: { total, limit: request.pageSize, offset, page_number: request.pageNumber, page_size: request.pageSize, has_next: offset + request.pageSize < total, has_previous: offset > 0 },
      };
    }
    case 'cursor': {
      const offset = request.cursor === null ? 0 : decodeCursor(request.cursor);
      const end = offset + request.limit;
      return { documents: documents.slice(offset, end), pagination: { cursor: end < total ? encodeCursor(end) : null, has_next: end < total, page_size: request.limit, total } };
    }
    case 'keyset': {
      const offset = offsetOfAfter(request.after);
      const end = offset + request.limit;
      return { documents: documents.slice(offset, end), pagination: { next_cursor: end < total ? encodeCursor(end) : null, has_next: end < total, total } };
    }
    case 'scroll': {
      const offset = request.scrollId === null ? 0 : decodeCursor(request.scrollId);
      const end = offset + request.limit;
      return { documents: documents.slice(offset, end), pagination: { scroll_id: end < total ? encodeCursor(end) : null, has_next: end < total, page_size: request.limit, total } };
    }
  }
}
