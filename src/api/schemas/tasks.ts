// Tasks (Mixpeek's component names): what clients poll for asynchronous operations (SPEC §11).
import { Type, type Static } from '@sinclair/typebox';
import { TASK_STATUSES, TASK_TYPES } from '../../engine/tasks/types.ts';
import { TASK_SORT_FIELDS } from '../../engine/tasks/task-repositories.ts';
import { BoundedFreeObject } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { PaginationResponse } from './pagination.ts';
import { QueryObject } from './query.ts';

export const TaskStatusEnum = Type.Unsafe<(typeof TASK_STATUSES)[number]>({
  $id: 'TaskStatusEnum',
  type: 'string',
  enum: [...TASK_STATUSES],
  title: 'TaskStatusEnum',
  description: 'Terminal: COMPLETED, COMPLETED_WITH_ERRORS, FAILED, CANCELED. Poll while PENDING, IN_PROGRESS or PROCESSING.',
});

export const TaskType = Type.Unsafe<(typeof TASK_TYPES)[number]>({ $id: 'TaskType', type: 'string', enum: [...TASK_TYPES], title: 'TaskType' });

const TaskItems = (title: string, description: string) =>
  Type.Optional(Nullable(Type.Array(Type.Union([Type.String(), FreeObject()])), { title, description }));

export const TaskResponse = Type.Object(
  {
    task_id: Type.String({ title: 'Task Id', examples: ['task_abc123def456'] }),
    task_type: Type.Ref(TaskType),
    status: Type.Ref(TaskStatusEnum),
    inputs: TaskItems('Inputs', 'What started the task (ids or objects).'),
    outputs: TaskItems('Outputs', 'What the task produced; set when it completes.'),
    additional_data: Type.Optional(Nullable(FreeObject(), { title: 'Additional Data', description: 'Context: ids, job_id, progress, last_error, error.' })),
    error: Type.Optional(Nullable(Type.String(), { title: 'Error', description: 'Why the task failed; null unless FAILED.' })),
  },
  { $id: 'TaskResponse', title: 'TaskResponse', description: 'An asynchronous operation: poll until its status is terminal.' },
);
export type TaskResponseBody = Static<typeof TaskResponse>;

const SortOption = Type.Object(
  {
    field: Type.Union(TASK_SORT_FIELDS.map((f) => Type.Literal(f)), { title: 'Field', description: 'Tasks sort by created_at or updated_at.' }),
    direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc', title: 'Direction' })),
  },
  { additionalProperties: false },
);

export const ListTasksRequest = Type.Object(
  {
    status: Type.Optional(Nullable(Type.Ref(TaskStatusEnum), { description: 'Only tasks in this status.' })),
    task_type: Type.Optional(Nullable(Type.Ref(TaskType), { description: 'Only tasks of this type.' })),
    filters: Type.Optional(
      Nullable(BoundedFreeObject(), {
        description: 'Shorthand equality on status and task_type (`{"status": "FAILED"}`); other filters answer 400 (not supported yet).',
      }),
    ),
    sort: Type.Optional(Nullable(SortOption, { description: 'Default: created_at, newest first.' })),
    search: Type.Optional(Nullable(Type.String({ maxLength: 1000 }), { title: 'Search', description: 'Not supported for tasks: only empty or null (400 otherwise).' })),
  },
  { $id: 'ListTasksRequest', title: 'ListTasksRequest', additionalProperties: false },
);
export type ListTasksRequestBody = Static<typeof ListTasksRequest>;

export const ListTasksResponse = Type.Object(
  { results: Type.Array(Type.Ref(TaskResponse)), pagination: Type.Ref(PaginationResponse) },
  { $id: 'ListTasksResponse', title: 'ListTasksResponse' },
);
export type ListTasksResponseBody = Static<typeof ListTasksResponse>;

export const ListTasksQuery = QueryObject({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 20, title: 'Limit' }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000, default: 0, title: 'Offset' }),
  cursor: Type.Optional(Type.String({ maxLength: 1000, title: 'Cursor', description: 'Tasks page by offset: only empty (400 otherwise).' })),
  include_total: Type.Boolean({ default: false, title: 'Include Total' }),
});

export const TaskIdParams = Type.Object({ task_id: Type.String({ minLength: 1, maxLength: 128, title: 'Task Id' }) });

export const GenericDeleteResponse = Type.Object(
  {
    message: Type.String({ default: 'Successfully deleted', title: 'Message' }),
    success: Type.Boolean({ default: true, title: 'Success' }),
  },
  { $id: 'GenericDeleteResponse', title: 'GenericDeleteResponse' },
);
export type GenericDeleteResponseBody = Static<typeof GenericDeleteResponse>;

export const TASK_SCHEMAS = [TaskStatusEnum, TaskType, TaskResponse, ListTasksRequest, ListTasksResponse, GenericDeleteResponse];
