import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { toTaskResponse } from '../../../presenters/task.ts';
import { TaskIdParams, TaskResponse } from '../../../schemas/tasks.ts';

export default defineOperation({
  operationId: 'get_task_v1_tasks__task_id__get',
  method: 'GET',
  url: '/:task_id',
  policy: metadata('read'),
  schema: {
    tags: ['Tasks'],
    summary: 'Get Task Information',
    description: "A task of the caller's organization; 404 for unknown ids and other organizations' tasks alike. additional_data carries progress (0-100).",
    params: TaskIdParams,
    response: { 200: Type.Ref(TaskResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => toTaskResponse(await request.server.services.tasks.get(scope, request.params.task_id)),
});
