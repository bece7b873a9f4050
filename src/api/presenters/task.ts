import { toPagination } from './pagination.ts';
// Task bodies: Mixpeek's TaskResponse, without Tessera's internals (organization, progress columns).
import type { Task } from '../../engine/tasks/types.ts';
import type { ListTasksResponseBody, TaskResponseBody } from '../schemas/tasks.ts';

export function toTaskResponse(task: Task): TaskResponseBody {
  return {
    task_id: task.taskId,
    task_type: task.taskType,
    status: task.status,
    inputs: task.inputs,
    outputs: task.outputs,
    // Progress lives here: TaskResponse has no field of its own for it.
    additional_data: { ...(task.additionalData ?? {}), progress: task.progress, ...(task.progressMessage ? { progress_message: task.progressMessage } : {}) },
    error: task.error,
  };
}

export function toTaskList(tasks: Task[], offset: number, limit: number, total: number | null): ListTasksResponseBody {
  return { results: tasks.map(toTaskResponse), pagination: toPagination({ offset, limit }, tasks.length, total) };
}
