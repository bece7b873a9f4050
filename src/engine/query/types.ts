// The list-query language of the ingestion resources (SPEC §0.3 list endpoints, §0.4 filters,
// §13.4 aggregation), normalised: whatever form a client sent (nested AND/OR/NOT, NOT as one
// object, the `{"metadata.campaign": "x"}` shorthand), storage adapters and the in-memory evaluator
// see one tree with every default applied.

export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'lt', 'gte', 'lte', 'in', 'nin', 'contains', 'starts_with', 'ends_with', 'regex', 'exists', 'is_null', 'text'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A value a condition compares with. */
export type Scalar = string | number | boolean;

/** One condition, its value checked against its operator. */
export type FilterCondition =
  | { kind: 'condition'; field: string; operator: 'eq' | 'ne'; value: Scalar; caseSensitive: boolean }
  | { kind: 'condition'; field: string; operator: 'gt' | 'lt' | 'gte' | 'lte'; value: string | number; caseSensitive: boolean }
  | { kind: 'condition'; field: string; operator: 'in' | 'nin'; value: Scalar[]; caseSensitive: boolean }
  | { kind: 'condition'; field: string; operator: 'contains' | 'starts_with' | 'ends_with' | 'regex' | 'text'; value: string; caseSensitive: boolean }
  /** exists: the field is present (a JSON null counts); is_null: absent or null. `value: false` negates. */
  | { kind: 'condition'; field: string; operator: 'exists' | 'is_null'; value: boolean; caseSensitive: boolean };

export type FilterNode = FilterCondition | { kind: 'and'; children: FilterNode[] } | { kind: 'or'; children: FilterNode[] } | { kind: 'not'; child: FilterNode };

export type SortDirection = 'asc' | 'desc';
export interface SortOption {
  field: string;
  direction: SortDirection;
}

/** A list request after parsing: the filter tree, sorts, search, paging. */
export interface ListQuery {
  filter: FilterNode | null;
  sort: SortOption[];
  search: string | null;
  caseSensitive: boolean;
  limit: number;
  offset: number;
  includeTotal: boolean;
}

export const AGGREGATE_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export interface GroupField {
  field: string;
  /** Key of the value in each result's `group`. */
  alias: string;
}

export interface Metric {
  function: AggregateFunction;
  /** Absent for count (rows in the group). */
  field: string | null;
  /** Key of the value in each result's `metrics`. */
  alias: string;
}

export interface AggregateQuery {
  filter: FilterNode | null;
  groupBy: GroupField[];
  metrics: Metric[];
  limit: number;
}

/** One group: its key values (null where the field is missing or not a scalar) and its metrics. */
export interface AggregateRow {
  group: Record<string, Scalar | null>;
  metrics: Record<string, number | Scalar | null>;
}

/** Mixpeek's PaginationResponse; totals only when the query asked for them (they cost a count). */
export interface PaginationResponse {
  total: number | null;
  page: number | null;
  page_size: number | null;
  total_pages: number | null;
  next_page: string | null;
  previous_page: string | null;
  next_cursor: string | null;
}
