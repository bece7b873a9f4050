export { QueryCompiler } from './compile.ts';
export { fieldAccess, type FieldMap, type ColumnKind, type FieldAccess } from './field-map.ts';
export { runListQuery, type ListRows } from './list.ts';
export { runAggregateQuery } from './aggregate.ts';
export { registerQueryFunctions } from './sqlite-functions.ts';
