// The tasks table's port. Every read and write a request makes is filtered by the scope's
// organization (and namespace, when the scope has one): another tenant's task reads as absent.
// The job runner's writes (applyJobState) are keyed by task id alone: that id comes from a job row
// tenant code wrote, never from a request.
import type { TenantScope } from '../scope/request-scope.ts';
import type { Task, TaskItem, TaskStatus, TaskType } from './types.ts';

export const TASK_SORT_FIELDS = ['created_at', 'updated_at'] as const;
export type TaskSortField = (typeof TASK_SORT_FIELDS)[number];

export interface TaskListQuery {
  status?: TaskStatus;
  taskType?: TaskType;
  /** Default: created_at, newest first. */
  sort?: { field: TaskSortField; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

/** What a job's progress or end changes on its task; absent fields stay as they are. */
export interface TaskStatePatch {
  status?: TaskStatus;
  progress?: number;
  progressMessage?: string | null;
  outputs?: TaskItem[] | null;
  /** Merged into additional_data. */
  additionalData?: Record<string, unknown>;
  error?: string | null;
  now: string;
}

export interface TaskRepository {
  insert(task: Task): Promise<void>;
  find(tenant: TenantScope, taskId: string): Promise<Task | undefined>;
  list(tenant: TenantScope, query: TaskListQuery): Promise<Task[]>;
  count(tenant: TenantScope, query: Omit<TaskListQuery, 'limit' | 'offset' | 'sort'>): Promise<number>;
  /** Sets CANCELED unless the task already ended; true when it changed. */
  cancel(tenant: TenantScope, taskId: string, now: string): Promise<boolean>;
  /**
   * The job runner's write: never moves a task out of a terminal status (a late write from a run
   * that lost its lease cannot reopen a canceled task). False when nothing changed.
   */
  applyJobState(taskId: string, patch: TaskStatePatch): Promise<boolean>;
}

export interface TaskRepositories {
  tasks: TaskRepository;
}
