import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { metadata } from '../../../policy.ts';
import { GenericDeleteResponse, TaskIdParams } from '../../../schemas/tasks.ts';

export default defineOperation({
  operationId: 'kill_task_v1_tasks__task_id__delete',
  method: 'DELETE',
  url: '/:task_id',
  policy: metadata('write'),
  schema: {
    tags: ['Tasks'],
    summary: 'Kill Task',
    description:
      'Cancel a task and its background work (a running job stops at its next check). Idempotent: the same answer for a finished, already canceled or unknown task, and for another organization\'s, which is left untouched.',
    params: TaskIdParams,
    response: { 200: Type.Ref(GenericDeleteResponse, { description: 'Successful Response' }) },
  },
  handler: async (request, scope) => {
    await request.server.services.tasks.cancel(scope, request.params.task_id);
    return { message: 'Task killed', success: true };
  },
});
