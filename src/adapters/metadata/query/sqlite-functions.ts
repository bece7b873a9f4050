// SQLite has no regular expressions of its own: this registers the one the query compiler calls,
// tessera_regexp(value, pattern, flags), backed by JavaScript's RegExp. Patterns reach it only
// through the filter parser (checkRegex: bounded length, no constructs that backtrack badly); the
// value is bounded too, so one row can never hold a statement for long.
import type SQLite from 'better-sqlite3';
import { cachedRegExp } from '../../../engine/query/evaluate.ts';

/** Longest value tested; a longer one does not match (PostgreSQL, which tests it whole, is the reference). */
export const MAX_REGEX_SUBJECT = 1_000_000;

export function registerQueryFunctions(database: SQLite.Database): void {
  database.function('tessera_regexp', { deterministic: true }, (value: unknown, pattern: unknown, flags: unknown) => {
    if (typeof value !== 'string' || typeof pattern !== 'string' || value.length > MAX_REGEX_SUBJECT) return null;
    return cachedRegExp(pattern, flags !== 'i').test(value) ? 1 : 0;
  });
}
