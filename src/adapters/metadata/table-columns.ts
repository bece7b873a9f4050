// Column types every table uses: what both backends can bind (ISO strings for timestamps, 0/1 for
// booleans, JSON as text on SQLite or jsonb on PostgreSQL), converted in row-mappers.ts.
import type { ColumnType } from 'kysely';

export type Json = ColumnType<unknown, string, string>;
export type BigIntColumn = ColumnType<number | string | bigint, number, number>;
export type Timestamp = ColumnType<string | Date, string, string>;
export type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;
