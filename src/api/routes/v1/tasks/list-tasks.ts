import { Type } from '@sinclair/typebox';
import { BadRequestError } from '../../../../engine/errors.ts';
import { TASK_STATUSES, TASK_TYPES, type TaskStatus, type TaskType } from '../../../../engine/tasks/types.ts';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toTaskList } from '../../../presenters/task.ts';
import { ListTasksQuery, ListTasksRequest, ListTasksResponse } from '../../../schemas/tasks.ts';

export default defineOperation({
  operationId: 'list_tasks_v1_tasks_list_post',
  method: 'POST',
  url: '/list',
  optionalBody: true,
  policy: metadata('read'),
  schema: {
    tags: ['Tasks'],
    summary: 'List Tasks',
    description: "The organization's tasks, newest first, filtered by status and task_type (in the body or as `filters` shorthand).",
    querystring: ListTasksQuery,
    body: Type.Ref(ListTasksRequest),
    response: { 200: Type.Ref(ListTasksResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    const { limit, offset, include_total, cursor } = request.query;
    const body = request.body;
    if (cursor) throw new BadRequestError('Tasks page by offset: cursor is not supported', { field: 'cursor' }, 'cursor_not_supported');
    if (body.search) throw new BadRequestError('Task search is not supported; filter by status and task_type', { field: 'search' }, 'search_not_supported');
    const shorthand = shorthandFilters(body.filters ?? null);
    const status = body.status ?? shorthand.status;
    const taskType = body.task_type ?? shorthand.taskType;
    const sort = body.sort ? { field: body.sort.field, direction: body.sort.direction ?? 'asc' } : undefined;
    const page = await request.server.services.tasks.list(scope, {
      ...(status ? { status } : {}),
      ...(taskType ? { taskType } : {}),
      ...(sort ? { sort } : {}),
      limit,
      offset,
      includeTotal: include_total,
    });
    return toTaskList(page.tasks, offset, limit, page.total);
  },
});

/** `{"status": "FAILED", "task_type": "..."}` (SPEC §0.4 shorthand); anything else is refused until the shared filter language lands. */
function shorthandFilters(filters: Record<string, unknown> | null): { status?: TaskStatus; taskType?: TaskType } {
  if (!filters) return {};
  const out: { status?: TaskStatus; taskType?: TaskType } = {};
  for (const [field, value] of Object.entries(filters)) {
    if (field === 'case_sensitive') continue;
    if (field === 'status' && (TASK_STATUSES as readonly unknown[]).includes(value)) out.status = value as TaskStatus;
    else if (field === 'task_type' && (TASK_TYPES as readonly unknown[]).includes(value)) out.taskType = value as TaskType;
    else throw new BadRequestError(`Task filters support equality on status and task_type only (got '${field}')`, { field }, 'filter_not_supported');
  }
  return out;
}
