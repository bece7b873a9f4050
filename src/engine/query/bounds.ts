// Bounds of a list query: everything a client sends is finite, so a filter can neither exhaust
// the parser nor build a statement the database chokes on.

/** Levels of AND/OR/NOT nesting (the top object is level 1). */
export const MAX_FILTER_DEPTH = 8;
/** Conditions and operators in one filter, all levels together. */
export const MAX_FILTER_NODES = 200;
/** Values of one `in`/`nin` list. */
export const MAX_IN_VALUES = 1000;
/** Characters of one string value (and of `search`). */
export const MAX_STRING_VALUE = 4096;
/** Characters of a regex pattern; longer ones are refused, as are constructs that backtrack badly. */
export const MAX_REGEX_LENGTH = 256;
/** Numbers compare exactly as doubles on both backends only within this range. */
export const MAX_ABS_NUMBER = Number.MAX_SAFE_INTEGER;
/** Segments of a dotted field path, and characters of each. */
export const MAX_PATH_SEGMENTS = 10;
export const MAX_SEGMENT_LENGTH = 64;
/** Sort keys of one query. */
export const MAX_SORTS = 5;
/** Page size and offset. */
export const MAX_LIMIT = 1000;
export const MAX_OFFSET = 1_000_000;
/** Group-by fields, metrics and groups returned by one aggregation. */
export const MAX_GROUP_FIELDS = 5;
export const MAX_METRICS = 10;
export const MAX_GROUPS = 1000;
