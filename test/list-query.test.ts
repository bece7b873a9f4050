// The list-query module on real storage: the same filter, sort, search, paging and aggregation
// cases on SQLite and PostgreSQL (a scratch table of its own), each checked against expected ids
// and against the in-memory evaluator; then a property test over random datasets and filters.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { QueryCompiler, registerQueryFunctions, runAggregateQuery, runListQuery, type FieldMap } from '../src/adapters/metadata/query/index.ts';
import { BadRequestError } from '../src/engine/errors.ts';
import {
  aggregate,
  compareBySort,
  matches,
  parseAggregateQuery,
  parseFilter,
  parseListQuery,
  searchMatches,
  toPage,
  type AggregateRow,
  type ListQuery,
} from '../src/engine/query/index.ts';
import { BACKEND, uniqueName } from './helpers/test-app.ts';

const DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Item {
  id: string;
  name: string | null;
  status: string;
  size: number | null;
  active: boolean;
  created_at: string;
  fields: Record<string, unknown>;
}

const MAP: FieldMap = {
  columns: {
    id: { column: 'id', kind: 'string' },
    name: { column: 'name', kind: 'string' },
    status: { column: 'status', kind: 'string' },
    size: { column: 'size', kind: 'number' },
    active: { column: 'active', kind: 'boolean' },
    created_at: { column: 'created_at', kind: 'datetime' },
  },
  json: 'fields',
  tiebreaker: 'id',
  searchFields: ['name', 'title'],
};

/** What the evaluator sees: the JSON fields flat, the non-NULL columns over them. */
function doc(item: Item): Record<string, unknown> {
  const columns = Object.fromEntries(Object.entries({ id: item.id, name: item.name, status: item.status, size: item.size, active: item.active, created_at: item.created_at }).filter(([, v]) => v !== null));
  return { ...item.fields, ...columns };
}

const ITEMS: Item[] = [
  { id: 'i01', name: 'Alpha report', status: 'PENDING', size: 10, active: true, created_at: '2024-01-01T00:00:00.000Z', fields: { category: 'News', price: 5, title: 'Summer sale', metadata: { campaign: 'summer_2024', rank: 1 } } },
  { id: 'i02', name: 'beta notes', status: 'COMPLETED', size: 20, active: false, created_at: '2024-02-01T00:00:00.000Z', fields: { category: 'news', price: '5', metadata: { campaign: 'winter', rank: 2 } } },
  { id: 'i03', name: 'Gamma', status: 'FAILED', size: null, active: true, created_at: '2024-03-01T00:00:00.000Z', fields: { category: 'sports', price: 12.5, metadata: { campaign: null } } },
  { id: 'i04', name: null, status: 'PENDING', size: 5, active: false, created_at: '2024-04-01T00:00:00.000Z', fields: { category: 'SPORTS', price: true, tags: ['x'], metadata: {} } },
  { id: 'i05', name: 'delta', status: 'processing', size: 30, active: true, created_at: '2024-05-01T00:00:00.000Z', fields: { price: 100, title: 'Winter summary', metadata: { campaign: 'summer_2025', rank: 3 } } },
  { id: 'i06', name: 'Épsilon ünïcode', status: 'COMPLETED', size: 0, active: false, created_at: '2024-06-01T00:00:00.000Z', fields: { category: 'news', price: -1, metadata: 'not an object' } },
];

interface Store {
  db: Kysely<any>;
  compiler: QueryCompiler;
  table: string;
  insert: (items: readonly Item[]) => Promise<void>;
  clear: () => Promise<void>;
  close: () => Promise<void>;
}

async function openStore(): Promise<Store> {
  const table = uniqueName('list_query');
  let db: Kysely<any>;
  let cleanup: () => Promise<void>;
  if (BACKEND === 'postgres') {
    const schema = uniqueName('tessera_query');
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` }) }) });
    cleanup = async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-query-'));
    const database = new SQLite(path.join(dir, 'q.db'));
    registerQueryFunctions(database);
    db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    cleanup = async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const pgTypes = BACKEND === 'postgres';
  await db.schema
    .createTable(table)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('size', pgTypes ? 'double precision' : 'real')
    .addColumn('active', pgTypes ? 'boolean' : 'integer', (c) => c.notNull())
    .addColumn('created_at', pgTypes ? 'timestamptz' : 'text', (c) => c.notNull())
    .addColumn('fields', pgTypes ? 'jsonb' : 'text', (c) => c.notNull())
    .execute();
  return {
    db,
    table,
    compiler: new QueryCompiler(BACKEND, MAP),
    insert: async (items) => {
      if (items.length === 0) return;
      await db
        .insertInto(table)
        .values(items.map((i) => ({ ...i, active: pgTypes ? i.active : i.active ? 1 : 0, fields: JSON.stringify(i.fields) })))
        .execute();
    },
    clear: async () => {
      await db.deleteFrom(table).execute();
    },
    close: cleanup,
  };
}

describe(`list query module [${BACKEND}]`, () => {
  let store: Store;
  before(async () => {
    store = await openStore();
    await store.insert(ITEMS);
  });
  after(() => store.close());

  const base = () => store.db.selectFrom(store.table).select('id');
  async function ids(filters: unknown, extra: Partial<ListQuery> = {}): Promise<string[]> {
    const query: ListQuery = { ...parseListQuery({ filters, limit: 100 }, { limit: 100, maxLimit: 1000 }), ...extra };
    const { rows } = await runListQuery(base(), store.compiler, query);
    const sqlIds = rows.map((r) => r.id as string);
    // The evaluator agrees, row for row and in order.
    const memory = ITEMS.map(doc)
      .filter((d) => matches(query.filter, d) && searchMatches(query.search, MAP.searchFields, d, query.caseSensitive))
      .sort((a, b) => compareBySort(query.sort, a, b) || (a.id as string).localeCompare(b.id as string))
      .slice(query.offset, query.offset + query.limit)
      .map((d) => d.id as string);
    assert.deepEqual(sqlIds, memory, `SQL and the in-memory evaluator disagree on ${JSON.stringify(filters)} ${JSON.stringify(extra)}`);
    return sqlIds;
  }
  const cond = (field: string, operator: string, value?: unknown) => ({ field, operator, ...(value === undefined ? {} : { value }) });

  test('shorthand, eq (case-insensitive by default), case_sensitive true, numbers vs strings in JSON', async () => {
    assert.deepEqual(await ids({ status: 'pending' }), ['i01', 'i04']);
    assert.deepEqual(await ids({ status: 'pending', case_sensitive: true }), []);
    assert.deepEqual(await ids({ 'metadata.campaign': 'summer_2024', status: 'PENDING' }), ['i01']);
    assert.deepEqual(await ids({ category: 'news' }), ['i01', 'i02', 'i06']);
    assert.deepEqual(await ids({ AND: [cond('category', 'eq', 'news')], case_sensitive: true }), ['i02', 'i06']);
    assert.deepEqual(await ids({ price: 5 }), ['i01'], 'the number 5, not the string "5"');
    assert.deepEqual(await ids({ price: '5' }), ['i02']);
    assert.deepEqual(await ids({ price: true }), ['i04']);
    assert.deepEqual(await ids({ active: true }), ['i01', 'i03', 'i05']);
    assert.deepEqual(await ids({ size: 0 }), ['i06']);
    assert.deepEqual(await ids({ 'metadata.rank': 2 }), ['i02']);
    assert.deepEqual(await ids({ status: ['FAILED', 'processing'] }), ['i03', 'i05'], 'a list in shorthand means in');
  });

  test('every operator', async () => {
    assert.deepEqual(await ids(cond('status', 'ne', 'pending')), ['i02', 'i03', 'i05', 'i06']);
    assert.deepEqual(await ids(cond('category', 'ne', 'news')), ['i03', 'i04', 'i05'], 'ne matches missing fields');
    assert.deepEqual(await ids(cond('price', 'gt', 5)), ['i03', 'i05']);
    assert.deepEqual(await ids(cond('price', 'gte', 5)), ['i01', 'i03', 'i05']);
    assert.deepEqual(await ids(cond('price', 'lt', 5)), ['i06']);
    assert.deepEqual(await ids(cond('price', 'lte', 5)), ['i01', 'i06']);
    assert.deepEqual(await ids(cond('size', 'gt', 5)), ['i01', 'i02', 'i05']);
    assert.deepEqual(await ids(cond('name', 'gt', 'Gamma')), ['i02', 'i05', 'i06'], 'strings by code point, case-sensitive');
    assert.deepEqual(await ids(cond('created_at', 'gte', '2024-05-01T00:00:00.000Z')), ['i05', 'i06']);
    assert.deepEqual(await ids(cond('created_at', 'eq', '2024-02-01T00:00:00.000Z')), ['i02']);
    // SQL normalises date-time values for date-time columns (the evaluator compares the strings it is given).
    const sqlOnly = async (filters: unknown) => (await runListQuery(base(), store.compiler, parseListQuery({ filters, limit: 100 }, { limit: 100, maxLimit: 1000 }))).rows.map((r) => r.id);
    assert.deepEqual(await sqlOnly(cond('created_at', 'gte', '2024-05-01T02:00:00+02:00')), ['i05', 'i06']);
    assert.deepEqual(await sqlOnly(cond('created_at', 'in', ['2024-02-01T00:00:00Z', '2024-03-01'])), ['i02', 'i03']);
    assert.deepEqual(await ids(cond('category', 'in', ['sports', 'x', 5])), ['i03', 'i04']);
    assert.deepEqual(await ids(cond('price', 'in', [5, 100, '5'])), ['i01', 'i02', 'i05']);
    assert.deepEqual(await ids(cond('category', 'nin', ['news', 'sports'])), ['i05']);
    assert.deepEqual(await ids(cond('price', 'in', [])), []);
    assert.deepEqual(await ids(cond('name', 'contains', 'ALPHA')), ['i01']);
    assert.deepEqual(await ids({ AND: [cond('name', 'contains', 'ALPHA')], case_sensitive: true }), []);
    assert.deepEqual(await ids(cond('metadata.campaign', 'starts_with', 'summer')), ['i01', 'i05']);
    assert.deepEqual(await ids(cond('metadata.campaign', 'ends_with', '2025')), ['i05']);
    assert.deepEqual(await ids(cond('name', 'starts_with', '')), ['i01', 'i02', 'i03', 'i05', 'i06'], 'empty prefix: every string');
    assert.deepEqual(await ids(cond('title', 'text', 'SUMMER')), ['i01']);
    assert.deepEqual(await ids(cond('title', 'text', 'SUMM')), ['i01', 'i05']);
    assert.deepEqual(await ids(cond('name', 'regex', '^[ab].*(report|notes)$')), ['i01', 'i02']);
    assert.deepEqual(await ids({ AND: [cond('name', 'regex', '^[ab]')], case_sensitive: true }), ['i02']);
    assert.deepEqual(await ids(cond('metadata.campaign', 'exists', true)), ['i01', 'i02', 'i03', 'i05'], 'a JSON null exists');
    assert.deepEqual(await ids(cond('metadata.campaign', 'exists', false)), ['i04', 'i06']);
    assert.deepEqual(await ids(cond('metadata.campaign', 'is_null')), ['i03', 'i04', 'i06']);
    assert.deepEqual(await ids(cond('metadata.campaign', 'is_null', false)), ['i01', 'i02', 'i05']);
    assert.deepEqual(await ids(cond('name', 'is_null')), ['i04']);
    assert.deepEqual(await ids(cond('size', 'exists', false)), ['i03']);
    assert.deepEqual(await ids({ size: null }), ['i03'], 'eq null means is_null');
    assert.deepEqual(await ids({ 'metadata.campaign.deeper': 'x' }), [], 'a path through a non-object is absent');
    assert.deepEqual(await ids({ size: { $gte: 10, $lt: 30 } }), ['i01', 'i02'], 'Mongo-style operators in shorthand');
  });

  test('nested AND/OR/NOT, NOT as a single object, case_sensitive inherited and overridden', async () => {
    const nested = {
      OR: [
        { AND: [cond('status', 'eq', 'completed'), { NOT: [cond('category', 'eq', 'NEWS')] }] },
        { AND: [cond('active', 'eq', true), { NOT: cond('size', 'exists') }] },
        { AND: [cond('category', 'eq', 'News')], case_sensitive: true },
      ],
    };
    assert.deepEqual(await ids(nested), ['i01', 'i03']);
    assert.deepEqual(await ids({ NOT: [cond('status', 'eq', 'pending'), cond('active', 'eq', true)] }), ['i02', 'i06']);
    assert.deepEqual(await ids({ case_sensitive: true, OR: [{ status: 'pending' }, { case_sensitive: false, AND: [{ status: 'PROCESSING' }] }] }), ['i05']);
    assert.deepEqual(await ids({ AND: [], OR: [] }), ['i01', 'i02', 'i03', 'i04', 'i05', 'i06'], 'empty lists: no condition');
  });

  test('sort asc/desc on a column and on a JSON path (numbers, strings, booleans, then missing); search; paging and totals', async () => {
    assert.deepEqual(await ids(null, { sort: [{ field: 'size', direction: 'asc' }] }), ['i06', 'i04', 'i01', 'i02', 'i05', 'i03']);
    assert.deepEqual(await ids(null, { sort: [{ field: 'size', direction: 'desc' }] }), ['i03', 'i05', 'i02', 'i01', 'i04', 'i06']);
    assert.deepEqual(await ids(null, { sort: [{ field: 'price', direction: 'asc' }] }), ['i06', 'i01', 'i03', 'i05', 'i02', 'i04']);
    assert.deepEqual(await ids(null, { sort: [{ field: 'price', direction: 'desc' }] }), ['i04', 'i02', 'i05', 'i03', 'i01', 'i06']);
    assert.deepEqual(await ids(null, { sort: [{ field: 'category', direction: 'asc' }, { field: 'size', direction: 'desc' }] }), ['i01', 'i04', 'i02', 'i06', 'i03', 'i05'], 'code point order: News < SPORTS < news < sports');
    assert.deepEqual(await ids(null, { sort: [{ field: 'name', direction: 'asc' }] }), ['i01', 'i03', 'i02', 'i05', 'i06', 'i04']);
    assert.deepEqual(await ids(null, { search: 'SUMM' }), ['i01', 'i05'], 'search looks in name and the JSON title');
    assert.deepEqual(await ids(null, { search: 'alpha', caseSensitive: true }), []);

    const query = parseListQuery({ sort: { field: 'size', direction: 'asc' }, limit: 4, include_total: true }, { limit: 10, maxLimit: 100 });
    const first = await runListQuery(base(), store.compiler, query);
    const page1 = toPage(query, first.rows, first.total);
    assert.deepEqual(page1.results.map((r) => r.id), ['i06', 'i04', 'i01', 'i02']);
    assert.deepEqual({ ...page1.pagination, next_cursor: typeof page1.pagination.next_cursor }, { total: 6, page: 1, page_size: 4, total_pages: 2, next_page: '2', previous_page: null, next_cursor: 'string' });
    const nextQuery = parseListQuery({ sort: { field: 'size' }, limit: 4, cursor: page1.pagination.next_cursor }, { limit: 10, maxLimit: 100 });
    const second = await runListQuery(base(), store.compiler, nextQuery);
    const page2 = toPage(nextQuery, second.rows, second.total);
    assert.deepEqual(page2.results.map((r) => r.id), ['i05', 'i03']);
    assert.deepEqual(page2.pagination, { total: null, page: 2, page_size: 4, total_pages: null, next_page: null, previous_page: '1', next_cursor: null }, 'totals only when asked for');
  });

  test('aggregates: group by a column and a JSON path, count/sum/avg/min/max', async () => {
    const query = parseAggregateQuery({
      group_by: ['status', { field: 'metadata.rank', alias: 'rank' }],
      aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'size', alias: 'total_size' }, { function: 'avg', field: 'price', alias: 'avg_price' }, { function: 'min', field: 'size', alias: 'min_size' }, { function: 'max', field: 'price', alias: 'max_price' }, { function: 'count', field: 'name', alias: 'named' }],
    });
    const rows = await runAggregateQuery(store.db.selectFrom(store.table), store.compiler, query);
    assertSameGroups(rows, aggregate(query, ITEMS.map(doc)));
    const pending = rows.find((r) => r.group.status === 'PENDING' && r.group.rank === null)!;
    assert.deepEqual(pending.metrics, { n: 1, total_size: 5, avg_price: null, min_size: 5, max_price: null, named: 0 });
    const byCategory = parseAggregateQuery({ group_by: ['category'], aggregations: [{ function: 'count', alias: 'n' }, { function: 'avg', field: 'price', alias: 'avg_price' }], filters: { active: false } });
    const grouped = await runAggregateQuery(store.db.selectFrom(store.table), store.compiler, byCategory);
    assertSameGroups(grouped, aggregate(byCategory, ITEMS.map(doc)));
    assert.deepEqual(grouped.find((r) => r.group.category === 'news')?.metrics, { n: 2, avg_price: -1 });
  });

  test('refusals: unknown operator, too deep, too many, huge lists, non-finite numbers, regex abuse, bad paths, datetime misuse', async () => {
    const refuses = (filters: unknown, pattern: RegExp) =>
      assert.throws(
        () => parseFilter(filters),
        (err: unknown) => err instanceof BadRequestError && err.status === 400 && pattern.test(err.message),
        `${JSON.stringify(filters).slice(0, 100)} should be refused matching ${pattern}`,
      );
    refuses(cond('status', 'like', 'x'), /filters\.operator: unknown operator "like"/);
    refuses({ AND: [{ OR: [cond('a', 'near', 1)] }] }, /filters\.AND\[0\]\.OR\[0\]\.operator/);
    let deep: unknown = cond('a', 'eq', 1);
    for (let i = 0; i < 9; i++) deep = { AND: [deep] };
    refuses(deep, /nest at most 8 levels/);
    refuses({ OR: Array.from({ length: 201 }, () => cond('a', 'eq', 1)) }, /at most 200/);
    refuses(cond('a', 'in', Array.from({ length: 1001 }, (_, i) => i)), /at most 1000 values/);
    refuses(cond('a', 'gt', Infinity), /finite/);
    refuses(cond('a', 'eq', 2 ** 60), /finite and within/);
    refuses(cond('a', 'eq', { nested: 1 }), /expected a string, number or boolean/);
    refuses(cond('a', 'in', 'x'), /expects a list/);
    refuses(cond('a', 'gt', true), /not booleans/);
    refuses(cond('a', 'regex', '(a+)+$'), /catastrophic/);
    refuses(cond('a', 'regex', '(a|aa)*b'), /catastrophic/);
    refuses(cond('a', 'regex', '(\\w)\\1'), /backreferences/);
    refuses(cond('a', 'regex', '(?<=x)y'), /only \(\?:…\)/);
    refuses(cond('a', 'regex', 'x'.repeat(257)), /at most 256/);
    refuses(cond('a', 'regex', '('), /not a valid regular expression/);
    refuses(cond('a.0', 'eq', 1), /not a field path/);
    refuses(cond("a'); drop table x; --", 'eq', 1), /not a field path/);
    refuses(cond('a', 'eq', { type: 'dynamic', field: 'inputs.x' }), /dynamic values/);
    refuses({ 'a.b': { $where: 'x' } }, /unknown operator/);
    refuses([cond('a', 'eq', 1)], /expected an object/);
    assert.throws(() => parseListQuery({ limit: 0 }, { limit: 10, maxLimit: 100 }), /limit: expected an integer from 1 to 100/);
    assert.throws(() => parseListQuery({ cursor: 'garbage' }, { limit: 10, maxLimit: 100 }), /cursor/);
    // The compiler refuses what only the field map can tell.
    await assert.rejects(ids(cond('created_at', 'contains', '2024')), /does not apply to the date-time field/);
    await assert.rejects(ids(cond('created_at', 'gt', 'yesterday')), /not one/);
    const noJson = new QueryCompiler(BACKEND, { ...MAP, json: undefined });
    assert.throws(() => noJson.filter(parseFilter({ category: 'x' })), /Unknown field 'category'/);
  });

  test('property: SQL and the in-memory evaluator agree on random datasets and filters', async () => {
    const scalar = fc.oneof(fc.constantFrom('a', 'A', 'ab', 'b', 'B', '', 'x y', '5', 'true'), fc.integer({ min: -3, max: 3 }), fc.constantFrom(1.5, -0.5), fc.boolean());
    const json = fc.record(
      { category: fc.oneof(scalar, fc.constant(null)), n: fc.oneof(scalar, fc.constant(null)), metadata: fc.oneof(fc.record({ tag: fc.oneof(scalar, fc.constant(null)), deep: fc.record({ x: scalar }, { requiredKeys: [] }) }, { requiredKeys: [] }), scalar) },
      { requiredKeys: [] },
    );
    const item = fc.record({
      name: fc.oneof(fc.constantFrom('a', 'A', 'ab', 'Abc', 'b', 'x y', ''), fc.constant(null)),
      status: fc.constantFrom('PENDING', 'pending', 'DONE'),
      size: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)),
      active: fc.boolean(),
      fields: json,
    });
    const dataset = fc.array(item, { maxLength: 8 }).map((items) => items.map((i, k): Item => ({ ...i, id: `r${String(k).padStart(2, '0')}`, created_at: `2024-01-0${(k % 9) + 1}T00:00:00.000Z` })));
    const field = fc.constantFrom('name', 'status', 'size', 'active', 'category', 'n', 'metadata.tag', 'metadata.deep.x', 'metadata', 'missing');
    const leaf = fc.oneof(
      fc.record({ field, operator: fc.constantFrom('eq', 'ne'), value: scalar }),
      fc.record({ field, operator: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: fc.oneof(fc.constantFrom('a', 'B', 'ab', ''), fc.integer({ min: -3, max: 3 }), fc.constant(0.5)) }),
      fc.record({ field, operator: fc.constantFrom('in', 'nin'), value: fc.array(scalar, { maxLength: 3 }) }),
      fc.record({ field, operator: fc.constantFrom('contains', 'starts_with', 'ends_with', 'text'), value: fc.constantFrom('a', 'B', '', 'x ', 'b') }),
      fc.record({ field, operator: fc.constant('regex'), value: fc.constantFrom('^a', 'b$', '[ab]+', 'A.c', '^$') }),
      fc.record({ field, operator: fc.constantFrom('exists', 'is_null'), value: fc.boolean() }),
    );
    const filter = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ AND: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ OR: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ NOT: fc.oneof(tie('node'), fc.array(tie('node'), { maxLength: 2 })) }),
        fc.record({ AND: fc.array(tie('node'), { maxLength: 2 }), case_sensitive: fc.boolean() }),
      ),
    })).node;
    const sortField = fc.constantFrom('name', 'size', 'category', 'n', 'metadata.tag', 'active');
    await fc.assert(
      fc.asyncProperty(dataset, filter, fc.array(fc.record({ field: sortField, direction: fc.constantFrom('asc', 'desc') }), { maxLength: 2 }), fc.option(fc.constantFrom('a', 'B', 'x'), { nil: undefined }), async (items, filters, sort, search) => {
        await store.clear();
        await store.insert(items);
        const query = parseListQuery({ filters, sort, search, limit: 100 }, { limit: 100, maxLimit: 1000 });
        const { rows } = await runListQuery(base(), store.compiler, query);
        const expected = items
          .map(doc)
          .filter((d) => matches(query.filter, d) && searchMatches(query.search, ['name'], d, false))
          .sort((a, b) => compareBySort(query.sort, a, b) || (a.id as string).localeCompare(b.id as string))
          .map((d) => d.id);
        assert.deepEqual(
          rows.map((r) => r.id),
          expected,
          `filter ${JSON.stringify(filters)} sort ${JSON.stringify(sort)} search ${search} on ${JSON.stringify(items)}`,
        );
        const agg = parseAggregateQuery({ group_by: ['category'], aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'n', alias: 's' }, { function: 'max', field: 'size', alias: 'mx' }], filters });
        assertSameGroups(await runAggregateQuery(store.db.selectFrom(store.table), store.compiler, agg), aggregate(agg, items.map(doc)));
      }),
      { numRuns: Number(process.env.TESSERA_QUERY_RUNS ?? 150), seed: 0x51e7 },
    );
    await store.clear();
    await store.insert(ITEMS);
  });
});


function assertSameGroups(actual: AggregateRow[], expected: AggregateRow[]): void {
  const key = (r: AggregateRow) => JSON.stringify(r.group);
  const round = (r: AggregateRow) => ({ group: r.group, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v])) });
  assert.deepEqual(actual.map(round).sort((a, b) => key(a).localeCompare(key(b))), expected.map(round).sort((a, b) => key(a).localeCompare(key(b))));
}
