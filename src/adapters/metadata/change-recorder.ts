// Works out what each executed statement changed, from the statement itself, for cache
// invalidation (see ChangeSet in src/engine/ports/data-changes.ts).
//
// Why a Kysely plugin over the executed query trees, and not a report from each repository method
// (or, as before, a hand-kept list of method names): every statement a repository runs passes
// through here, so a write method added later is attributed without anyone remembering to. What
// cannot be attributed exactly (an unknown table, a write without `<organization column> = value`
// in its WHERE, raw SQL) is reported as "everything", which empties the caches: a new kind of write
// can make the cache less effective, never stale. TABLES is typed over every table of the schema,
// so adding a table does not compile until someone decides whether caches read it.
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { ChangeSet } from '../../engine/ports/data-changes.ts';
import type { Database } from './database-types.ts';

interface CachedTable {
  /** The column holding the organization's internal id. */
  organizationColumn: string;
  /**
   * For rows that are one API key each: the key's id column. Writes naming keys change only those
   * keys' cached callers; the organization view holds no keys.
   */
  keyColumn?: string;
  /**
   * Columns that are cached but whose staleness is harmless, so writing only them invalidates
   * nothing. api_keys.last_used_at: the authenticator updates its own cached copy when it writes
   * it, and another process's stale copy only makes that process write it once more.
   */
  unwatchedColumns?: readonly string[];
}

const TABLES: Record<keyof Database, CachedTable | 'not cached'> = {
  organizations: { organizationColumn: 'internal_id' },
  users: { organizationColumn: 'organization_internal_id' },
  api_keys: { organizationColumn: 'organization_internal_id', keyColumn: 'key_id', unwatchedColumns: ['last_used_at'] },
  // The organization view's spending of the current period is summed from the ledger.
  credit_ledger: { organizationColumn: 'organization_internal_id' },
  request_usage: 'not cached',
  tessera_markers: 'not cached',
  // Read on every use, never through the account read cache.
  organization_secrets: 'not cached',
  // Tenant data below the account layer: read per request, never through the account read cache.
  namespaces: 'not cached',
  // Background work and what clients poll: no cache reads them.
  jobs: 'not cached',
  tasks: 'not cached',
  buckets: 'not cached',
  objects: 'not cached',
  object_blobs: 'not cached',
  uploads: 'not cached',
  webhooks: 'not cached',
  webhook_deliveries: 'not cached',
  collections: 'not cached',
  collection_sources: 'not cached',
  documents: 'not cached',
  document_vectors: 'not cached',
  document_changes: 'not cached',
  batches: 'not cached',
  batch_objects: 'not cached',
  batch_chunks: 'not cached',
  batch_failures: 'not cached',
  retrievers: 'not cached',
  retriever_collections: 'not cached',
  retriever_executions: 'not cached',
};

export type Attribution =
  | { kind: 'none' }
  | { kind: 'everything' }
  | { kind: 'organizations'; ids: string[] }
  | { kind: 'keys'; ids: string[] };

const NONE: Attribution = { kind: 'none' };
const EVERYTHING: Attribution = { kind: 'everything' };

/** What executing this statement may change in cached data. */
export function attribute(node: RootOperationNode): Attribution {
  if ('with' in node && node.with && node.with.expressions.some((cte) => cte.expression.kind !== 'SelectQueryNode')) return EVERYTHING;
  switch (node.kind) {
    case 'SelectQueryNode':
      return NONE;
    case 'InsertQueryNode': {
      const table = tableOf(node.into);
      if (table === undefined) return EVERYTHING;
      if (table === 'not cached') return NONE;
      // An upsert may change a row other than the one it names.
      if (node.onConflict?.updates || node.onDuplicateKey) return EVERYTHING;
      return attributeInsertedRows(table, node.columns?.map((c) => c.column.name) ?? [], node.values);
    }
    case 'UpdateQueryNode': {
      const table = tableOf(node.table);
      if (table === undefined) return EVERYTHING;
      if (table === 'not cached') return NONE;
      if (node.from || node.joins) return EVERYTHING;
      const written = (node.updates ?? []).filter((u) => !isUnwatched(table, u.column, u.value));
      if (written.length === 0) return NONE;
      return attributeWhere(table, node.where?.where);
    }
    case 'DeleteQueryNode': {
      if (node.from.froms.length !== 1 || node.using || node.joins) return EVERYTHING;
      const table = tableOf(node.from.froms[0]);
      if (table === undefined) return EVERYTHING;
      if (table === 'not cached') return NONE;
      return attributeWhere(table, node.where?.where);
    }
    case 'RawNode':
      return /^\s*select\b/i.test(node.sqlFragments[0] ?? '') ? NONE : EVERYTHING;
    default:
      return EVERYTHING;
  }
}

function tableOf(node: OperationNode | undefined): CachedTable | 'not cached' | undefined {
  let current = node;
  if (current?.kind === 'AliasNode') current = (current as unknown as { node: OperationNode }).node;
  if (current?.kind !== 'TableNode') return undefined;
  const name = (current as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return Object.hasOwn(TABLES, name) ? TABLES[name as keyof Database] : undefined;
}

function columnName(node: OperationNode): string | undefined {
  if (node.kind === 'ColumnNode') return (node as unknown as { column: { name: string } }).column.name;
  if (node.kind === 'ReferenceNode') {
    const column = (node as unknown as { column: OperationNode }).column;
    return column.kind === 'ColumnNode' ? columnName(column) : undefined;
  }
  return undefined;
}

/** A column outside what caches watch, or assigned to itself (a row lock written as a no-op update). */
function isUnwatched(table: CachedTable, column: OperationNode, value: OperationNode): boolean {
  const name = columnName(column);
  if (name === undefined) return false;
  if (table.unwatchedColumns?.includes(name)) return true;
  if (columnName(value) === name) return true;
  if (value.kind === 'RawNode') {
    const raw = value as unknown as { sqlFragments: readonly string[]; parameters: readonly unknown[] };
    return raw.parameters.length === 0 && raw.sqlFragments.join('').trim() === name;
  }
  return false;
}

function attributeInsertedRows(table: CachedTable, columns: string[], values: OperationNode | undefined): Attribution {
  if (values?.kind !== 'ValuesNode') return EVERYTHING;
  const rows = (values as unknown as { values: readonly OperationNode[] }).values.map(rowValues);
  const pick = (column: string | undefined): string[] | undefined => {
    const index = column === undefined ? -1 : columns.indexOf(column);
    if (index < 0) return undefined;
    const ids = rows.map((row) => row?.[index]);
    return ids.every((id): id is string => typeof id === 'string') ? ids : undefined;
  };
  const keys = pick(table.keyColumn);
  if (keys) return { kind: 'keys', ids: keys };
  const organizations = pick(table.organizationColumn);
  return organizations ? { kind: 'organizations', ids: organizations } : EVERYTHING;
}

function rowValues(row: OperationNode): readonly unknown[] | undefined {
  if (row.kind === 'PrimitiveValueListNode') return (row as unknown as { values: readonly unknown[] }).values;
  if (row.kind === 'ValueListNode') return (row as unknown as { values: readonly OperationNode[] }).values.map(literal);
  return undefined;
}

function literal(node: OperationNode): unknown {
  return node.kind === 'ValueNode' ? (node as unknown as { value: unknown }).value : undefined;
}

/**
 * The rows a WHERE clause can reach, from its top-level conjuncts `column = value` or
 * `column in (values)`: by key when it names keys, else by organization, else everything.
 */
function attributeWhere(table: CachedTable, where: OperationNode | undefined): Attribution {
  const conjuncts: OperationNode[] = [];
  const flatten = (node: OperationNode): void => {
    if (node.kind === 'AndNode') {
      const and = node as unknown as { left: OperationNode; right: OperationNode };
      flatten(and.left);
      flatten(and.right);
    } else if (node.kind === 'ParensNode') flatten((node as unknown as { node: OperationNode }).node);
    else conjuncts.push(node);
  };
  if (where) flatten(where);
  const valuesOf = (column: string | undefined): string[] | undefined => {
    if (column === undefined) return undefined;
    for (const c of conjuncts) {
      if (c.kind !== 'BinaryOperationNode') continue;
      const op = c as unknown as { leftOperand: OperationNode; operator: { operator: string }; rightOperand: OperationNode };
      if (columnName(op.leftOperand) !== column) continue;
      const operator = op.operator.operator;
      const ids = operator === '=' ? [literal(op.rightOperand)] : operator === 'in' ? rowValues(op.rightOperand) : undefined;
      if (ids && ids.every((id): id is string => typeof id === 'string')) return [...ids];
    }
    return undefined;
  };
  const keys = valuesOf(table.keyColumn);
  if (keys) return { kind: 'keys', ids: keys };
  const organizations = valuesOf(table.organizationColumn);
  return organizations ? { kind: 'organizations', ids: organizations } : EVERYTHING;
}

/** Accumulates attributions (of one transaction, or of one write outside a transaction). */
export class ChangeCollector {
  private everything = false;
  private readonly organizations = new Set<string>();
  private readonly keys = new Set<string>();

  add(attribution: Attribution): void {
    if (attribution.kind === 'everything') this.everything = true;
    else if (attribution.kind === 'organizations') for (const id of attribution.ids) this.organizations.add(id);
    else if (attribution.kind === 'keys') for (const id of attribution.ids) this.keys.add(id);
  }

  get isEmpty(): boolean {
    return !this.everything && this.organizations.size === 0 && this.keys.size === 0;
  }

  toChangeSet(): ChangeSet {
    if (this.everything) return { everything: true, organizations: [], keys: [] };
    return { everything: false, organizations: [...this.organizations], keys: [...this.keys] };
  }
}

/**
 * A Kysely plugin that attributes every statement before it runs and reports the attribution once
 * the statement has succeeded and changed at least one row.
 */
export class ChangeRecorder implements KyselyPlugin {
  private readonly pending = new WeakMap<QueryId, Attribution>();

  constructor(private readonly onWrite: (attribution: Attribution) => void) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    const attribution = attribute(node);
    if (attribution.kind !== 'none') this.pending.set(queryId, attribution);
    return node;
  }

  async transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const attribution = this.pending.get(queryId);
    // numAffectedRows is absent for some statements with RETURNING on SQLite: count those as changes.
    if (attribution && result.numAffectedRows !== 0n) this.onWrite(attribution);
    return result;
  }
}
