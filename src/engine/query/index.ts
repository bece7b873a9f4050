export * from './types.ts';
export * from './bounds.ts';
export { parseFilter, parseSort, parseListQuery, parseAggregateQuery, parseFieldPath, checkRegex, encodeCursor, decodeCursor, type ListQueryInput, type ListQueryDefaults, type AggregateQueryInput } from './parse.ts';
export { matches, searchMatches, compareBySort, aggregate, readPath } from './evaluate.ts';
export { toPage, type Page } from './pagination.ts';
