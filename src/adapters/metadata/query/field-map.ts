// How a resource's API fields sit in its table: known columns by name and type, and one JSON
// column for everything else (an object's user fields, flat: `category`, `metadata.campaign`).
import { sql, type RawBuilder } from 'kysely';
import { BadRequestError } from '../../../engine/errors.ts';
import type { Backend } from '../migrations/column-types.ts';

export type ColumnKind = 'string' | 'number' | 'boolean' | 'datetime';

export interface FieldMap {
  /** API field name → column (may be qualified, `objects.status`) and what it holds. */
  columns: Readonly<Record<string, { column: string; kind: ColumnKind }>>;
  /** The JSON column dotted paths read from; absent: a field that is not a column is refused. */
  json?: string;
  /** A unique column that ends every ORDER BY, so pages never overlap or skip rows. */
  tiebreaker: string;
  /** Fields `search` looks in (columns or JSON paths). */
  searchFields: readonly string[];
}

/**
 * One field as SQL expressions, each NULL unless the value has that type, so conditions never
 * compare across types ("5" is not 5) and the same holds on both backends.
 */
export interface FieldAccess {
  kind: ColumnKind | 'json';
  /** TRUE when the field is present (a JSON null counts; a NULL column does not). */
  present: RawBuilder<unknown>;
  /** TRUE when the field is a JSON null. */
  isNull: RawBuilder<unknown>;
  text: RawBuilder<unknown>;
  number: RawBuilder<unknown>;
  boolean: RawBuilder<unknown>;
  /** Sort/group helpers: the JSON type as one of number/string/boolean, else NULL. */
  type: RawBuilder<unknown>;
}

export function fieldAccess(map: FieldMap, backend: Backend, field: string): FieldAccess {
  // Own keys only: 'constructor', 'toString' … are user fields, not Object.prototype's members.
  const known = Object.hasOwn(map.columns, field) ? map.columns[field] : undefined;
  if (known) {
    const c = sql.ref(known.column);
    const none = sql`NULL`;
    const present = sql`(${c} IS NOT NULL)`;
    const typeName = { string: 'string', datetime: 'string', number: 'number', boolean: 'boolean' }[known.kind];
    return {
      kind: known.kind,
      present,
      isNull: sql`(1 = 0)`,
      text: known.kind === 'string' || known.kind === 'datetime' ? c : none,
      number: known.kind === 'number' ? c : none,
      boolean: known.kind === 'boolean' ? c : none,
      type: sql`CASE WHEN ${c} IS NOT NULL THEN ${sql.lit(typeName)} END`,
    };
  }
  if (!map.json) throw new BadRequestError(`Unknown field '${field}'`, { field, allowed: Object.keys(map.columns) }, 'invalid_filter');
  const j = sql.ref(map.json);
  const segments = field.split('.');
  if (backend === 'sqlite') {
    // Labels are quoted, so every segment is an object key (the parser allows no quotes in them).
    const path = `$.${segments.map((s) => `"${s}"`).join('.')}`;
    const t = sql`json_type(${j}, ${path})`;
    const v = sql`json_extract(${j}, ${path})`;
    return {
      kind: 'json',
      present: sql`(${t} IS NOT NULL)`,
      isNull: sql`(${t} = 'null')`,
      text: sql`CASE WHEN ${t} = 'text' THEN ${v} END`,
      number: sql`CASE WHEN ${t} IN ('integer', 'real') THEN ${v} END`,
      boolean: sql`CASE WHEN ${t} IN ('true', 'false') THEN ${v} END`,
      type: sql`CASE WHEN ${t} IN ('integer', 'real') THEN 'number' WHEN ${t} = 'text' THEN 'string' WHEN ${t} IN ('true', 'false') THEN 'boolean' END`,
    };
  }
  const path = sql`${sql.val(segments)}::text[]`;
  const t = sql`jsonb_typeof(${j} #> ${path})`;
  const text = sql`(${j} #>> ${path})`;
  return {
    kind: 'json',
    present: sql`(${j} #> ${path} IS NOT NULL)`,
    isNull: sql`(${t} = 'null')`,
    text: sql`CASE WHEN ${t} = 'string' THEN ${text} END`,
    // CASE keeps the cast from ever seeing a non-number.
    number: sql`CASE WHEN ${t} = 'number' THEN ${text}::numeric END`,
    boolean: sql`CASE WHEN ${t} = 'boolean' THEN ${text}::boolean END`,
    type: sql`CASE WHEN ${t} IN ('number', 'string', 'boolean') THEN ${t} END`,
  };
}
