// Tasks: the records clients poll for asynchronous operations. A service that starts one creates
// the task and its job in one transaction (createIn + JobQueue.enqueueIn); the job runner moves
// the task along (IN_PROGRESS, progress, COMPLETED / FAILED); clients read, list and cancel it.
import { NotFoundError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Repositories, UnitOfWork } from '../ports/unit-of-work.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { newId } from '../../lib/ids.ts';
import type { TaskRepositories, TaskSortField } from './task-repositories.ts';
import type { Task, TaskItem, TaskStatus, TaskType } from './types.ts';

export interface NewTask {
  taskType: TaskType;
  inputs?: TaskItem[] | null;
  additionalData?: Record<string, unknown> | null;
  /** Default PENDING. */
  status?: TaskStatus;
}

export interface TaskListOptions {
  status?: TaskStatus;
  taskType?: TaskType;
  sort?: { field: TaskSortField; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
  includeTotal: boolean;
}

export interface TaskPage {
  tasks: Task[];
  /** Only when asked for (include_total): counting costs a second query. */
  total: number | null;
}

export class TaskService {
  constructor(
    private readonly store: UnitOfWork & Pick<Repositories, 'tasks' | 'jobs'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a task in the caller's transaction, in the scope's organization (and namespace). Pass
   * its task_id to JobQueue.enqueueIn in the same transaction.
   */
  async createIn(repos: TaskRepositories, scope: RequestScope, task: NewTask): Promise<Task> {
    const now = this.clock.now().toISOString();
    const record: Task = {
      taskId: newId('task'),
      organizationInternalId: scope.organization.internalId,
      namespaceId: scope.namespace?.namespaceId ?? null,
      taskType: task.taskType,
      status: task.status ?? 'PENDING',
      inputs: task.inputs ?? null,
      outputs: null,
      additionalData: task.additionalData ?? null,
      error: null,
      progress: 0,
      progressMessage: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: null,
    };
    await repos.tasks.insert(record);
    return record;
  }

  /** Another organization's task is reported exactly like a missing one. */
  async get(scope: RequestScope, taskId: string): Promise<Task> {
    const task = await this.store.tasks.find(scope, taskId);
    if (!task) throw new NotFoundError('task', taskId);
    return task;
  }

  async list(scope: RequestScope, options: TaskListOptions): Promise<TaskPage> {
    const filter = { ...(options.status ? { status: options.status } : {}), ...(options.taskType ? { taskType: options.taskType } : {}) };
    const [tasks, total] = await Promise.all([
      this.store.tasks.list(scope, { ...filter, ...(options.sort ? { sort: options.sort } : {}), limit: options.limit, offset: options.offset }),
      options.includeTotal ? this.store.tasks.count(scope, filter) : Promise.resolve(null),
    ]);
    return { tasks, total };
  }

  /**
   * Cancels the task and its unfinished jobs (a running handler sees its signal abort at its next
   * heartbeat). Idempotent: an unknown, finished or other organization's task changes nothing and
   * is not an error (SPEC §11), and the answer is the same in every case.
   */
  async cancel(scope: RequestScope, taskId: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.store.transaction(async (repos) => {
      if (await repos.tasks.cancel(scope, taskId, now)) await repos.jobs.cancelForTask(taskId, now);
    });
  }
}
