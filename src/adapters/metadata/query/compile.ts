// The filter language compiled to SQL, with the semantics of src/engine/query/evaluate.ts on both
// backends. Every condition is wrapped in COALESCE(…, FALSE) so NOT and ne never meet SQL's
// unknown: a missing field makes `eq` false and `ne` true, as in memory.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { BadRequestError } from '../../../engine/errors.ts';
import type { FilterCondition, FilterNode, Scalar, SortOption } from '../../../engine/query/types.ts';
import type { Backend } from '../migrations/column-types.ts';
import { fieldAccess, type FieldAccess, type FieldMap } from './field-map.ts';

type Sql = RawBuilder<unknown>;
const TRUE = sql<SqlBool>`(1 = 1)`;
const FALSE = sql<SqlBool>`(1 = 0)`;

export class QueryCompiler {
  constructor(
    readonly backend: Backend,
    readonly map: FieldMap,
  ) {}

  access(field: string): FieldAccess {
    return fieldAccess(this.map, this.backend, field);
  }

  /** The filter as a WHERE expression (TRUE for none). */
  filter(node: FilterNode | null): RawBuilder<SqlBool> {
    if (node === null) return TRUE;
    switch (node.kind) {
      case 'and':
        return sql<SqlBool>`(${sql.join(node.children.map((c) => this.filter(c)), sql` AND `)})`;
      case 'or':
        return sql<SqlBool>`(${sql.join(node.children.map((c) => this.filter(c)), sql` OR `)})`;
      case 'not':
        return sql<SqlBool>`(NOT ${this.filter(node.child)})`;
      default:
        return sql<SqlBool>`COALESCE(${this.condition(node)}, ${FALSE})`;
    }
  }

  /** `search`: any of the map's search fields contains the text. */
  search(text: string | null, caseSensitive: boolean): RawBuilder<SqlBool> {
    if (text === null || this.map.searchFields.length === 0) return TRUE;
    const parts = this.map.searchFields.map((field) => sql<SqlBool>`COALESCE(${this.contains(this.access(field), text, caseSensitive, 'contains')}, ${FALSE})`);
    return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
  }

  /** ORDER BY terms: the client's sorts (evaluate.ts compareBySort's order), then the tiebreaker. */
  orderBy(sort: readonly SortOption[]): Sql {
    const terms: Sql[] = [];
    for (const { field, direction } of sort) {
      const a = this.access(field);
      const dir = direction === 'asc' ? sql`ASC` : sql`DESC`;
      const rank = sql`CASE ${a.type} WHEN 'number' THEN 0 WHEN 'string' THEN 1 WHEN 'boolean' THEN 2 ELSE 3 END`;
      terms.push(sql`${rank} ${dir}`);
      if (a.kind === 'json' || a.kind === 'number') terms.push(sql`${a.number} ${dir}`);
      if (a.kind === 'json' || a.kind === 'string' || a.kind === 'datetime') terms.push(sql`${this.binary(a.text, a.kind)} ${dir}`);
      if (a.kind === 'json' || a.kind === 'boolean') terms.push(sql`${a.boolean} ${dir}`);
    }
    terms.push(sql`${sql.ref(this.map.tiebreaker)} ASC`);
    return sql.join(terms, sql`, `);
  }

  /** Strings order by code point on both backends (PostgreSQL's collation would not). */
  private binary(text: Sql, kind: FieldAccess['kind']): Sql {
    return this.backend === 'postgres' && kind !== 'datetime' ? sql`(${text} COLLATE "C")` : text;
  }

  /** A bound string; typed on PostgreSQL, where lower() of an untyped parameter is ambiguous. */
  private textValue(value: string): Sql {
    return this.backend === 'postgres' ? sql`${value}::text` : sql`${value}`;
  }

  private fold(text: Sql, caseSensitive: boolean): Sql {
    return caseSensitive ? text : sql`lower(${text})`;
  }

  private condition(c: FilterCondition): Sql {
    const a = this.access(c.field);
    switch (c.operator) {
      case 'eq':
        return this.equals(a, [c.value], c.caseSensitive);
      case 'ne':
        return sql`(NOT COALESCE(${this.equals(a, [c.value], c.caseSensitive)}, ${FALSE}))`;
      case 'in':
        return this.equals(a, c.value, c.caseSensitive);
      case 'nin':
        return sql`(NOT COALESCE(${this.equals(a, c.value, c.caseSensitive)}, ${FALSE}))`;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = sql.raw({ gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.operator]);
        if (typeof c.value === 'number') return a.kind === 'json' || a.kind === 'number' ? sql`(${a.number} ${op} ${c.value})` : FALSE;
        if (a.kind === 'datetime') return sql`(${a.text} ${op} ${this.datetime(c.value, c.field)})`;
        if (a.kind !== 'json' && a.kind !== 'string') return FALSE;
        return sql`(${this.binary(a.text, a.kind)} ${op} ${this.textValue(c.value)})`;
      }
      case 'contains':
      case 'starts_with':
      case 'ends_with':
        return this.contains(a, c.value, c.caseSensitive, c.operator, c.field);
      case 'text':
        return this.contains(a, c.value, false, 'contains', c.field);
      case 'regex':
        this.textOnly(a, c.field, 'regex');
        return this.backend === 'postgres'
          ? sql`(${a.text} ${sql.raw(c.caseSensitive ? '~' : '~*')} ${this.textValue(c.value)})`
          : sql`(tessera_regexp(${a.text}, ${c.value}, ${c.caseSensitive ? '' : 'i'}) = 1)`;
      case 'exists':
        return c.value ? a.present : sql`(NOT ${a.present})`;
      case 'is_null':
        return c.value ? sql`(NOT ${a.present} OR COALESCE(${a.isNull}, ${FALSE}))` : sql`(${a.present} AND NOT COALESCE(${a.isNull}, ${FALSE}))`;
    }
  }

  /** One of the values equals the field (same type; strings folded unless caseSensitive). */
  private equals(a: FieldAccess, values: readonly Scalar[], caseSensitive: boolean): Sql {
    const strings = values.filter((v): v is string => typeof v === 'string');
    const numbers = values.filter((v): v is number => typeof v === 'number');
    const booleans = values.filter((v): v is boolean => typeof v === 'boolean');
    const parts: Sql[] = [];
    if (strings.length > 0) {
      if (a.kind === 'datetime') parts.push(sql`(${a.text} IN (${sql.join(strings.map((s) => this.datetime(s, 'value')))}))`);
      else if (a.kind === 'json' || a.kind === 'string') {
        const folded = strings.map((s) => this.fold(this.textValue(s), caseSensitive));
        parts.push(sql`(${this.fold(a.text, caseSensitive)} IN (${sql.join(folded)}))`);
      }
    }
    if (numbers.length > 0 && (a.kind === 'json' || a.kind === 'number')) parts.push(sql`(${a.number} IN (${sql.join(numbers)}))`);
    if (booleans.length > 0 && (a.kind === 'json' || a.kind === 'boolean')) {
      const bound = booleans.map((b) => (this.backend === 'postgres' ? sql`${b}` : sql`${b ? 1 : 0}`));
      parts.push(sql`(${a.boolean} IN (${sql.join(bound)}))`);
    }
    if (parts.length === 0) return FALSE;
    return sql`(${sql.join(parts, sql` OR `)})`;
  }

  private contains(a: FieldAccess, value: string, caseSensitive: boolean, operator: 'contains' | 'starts_with' | 'ends_with', field = ''): Sql {
    this.textOnly(a, field, operator);
    if (a.kind !== 'json' && a.kind !== 'string') return FALSE;
    if (value === '') return sql`(${a.text} IS NOT NULL)`;
    const text = this.fold(a.text, caseSensitive);
    const needle = this.fold(this.textValue(value), caseSensitive);
    // Lengths in characters (code points) on both backends, as JavaScript counts with [...value].
    const length = [...value].length;
    if (operator === 'contains') return this.backend === 'postgres' ? sql`(strpos(${text}, ${needle}) > 0)` : sql`(instr(${text}, ${needle}) > 0)`;
    if (operator === 'starts_with') return this.backend === 'postgres' ? sql`(left(${text}, ${length}) = ${needle})` : sql`(substr(${text}, 1, ${length}) = ${needle})`;
    return this.backend === 'postgres' ? sql`(right(${text}, ${length}) = ${needle})` : sql`(substr(${text}, ${-length}) = ${needle})`;
  }

  private textOnly(a: FieldAccess, field: string, operator: string): void {
    if (a.kind === 'datetime') throw new BadRequestError(`${operator} does not apply to the date-time field '${field}'`, { field, operator }, 'invalid_filter');
  }

  /** A date-time value, normalised to the ISO form the store writes (and bound as a timestamp on PostgreSQL). */
  private datetime(value: string, field: string): Sql {
    const at = Date.parse(value);
    if (!Number.isFinite(at)) throw new BadRequestError(`'${field}' compares with date-times; '${value.slice(0, 40)}' is not one`, { field }, 'invalid_filter');
    const iso = new Date(at).toISOString();
    return this.backend === 'postgres' ? sql`${iso}::timestamptz` : sql`${iso}`;
  }
}
