// How filter and sort stages read a document in flight: its fields (the document view the index
// filters too) plus `score` (no user field may be named so: RESERVED_FIELDS), so `score` can be
// filtered and sorted on like any field.
import type { ExecutionDocument } from './stage-definition.ts';

export function fieldsWithScore(document: ExecutionDocument): Record<string, unknown> {
  return { ...document.fields, score: document.score };
}
