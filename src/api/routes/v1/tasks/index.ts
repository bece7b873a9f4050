import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import { requireApiKey } from '../../../plugins/authentication.ts';
import getTask from './get-task.ts';
import killTask from './kill-task.ts';
import listTasks from './list-tasks.ts';

export const taskOperations = [getTask, killTask, listTasks];

/** /v1/tasks: the calling key's organization's asynchronous operations (no X-Namespace: SPEC §0.1). */
const tasks: FastifyPluginAsyncTypebox = async (scope) => {
  requireApiKey(scope);
  registerOperations(scope, taskOperations);
};

export default tasks;
