import type { Kysely, Selectable } from 'kysely';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { TaskListQuery, TaskRepository, TaskStatePatch } from '../../../engine/tasks/task-repositories.ts';
import { TERMINAL_TASK_STATUSES, type Task, type TaskItem, type TaskStatus, type TaskType } from '../../../engine/tasks/types.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { TasksTable } from './tables.ts';

const TERMINAL = [...TERMINAL_TASK_STATUSES];

export class KyselyTaskRepository implements TaskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(task: Task): Promise<void> {
    await this.db
      .insertInto('tasks')
      .values({
        task_id: task.taskId,
        organization_internal_id: task.organizationInternalId,
        namespace_id: task.namespaceId,
        task_type: task.taskType,
        status: task.status,
        inputs: nullableJson(task.inputs),
        outputs: nullableJson(task.outputs),
        additional_data: nullableJson(task.additionalData),
        error: task.error,
        progress: task.progress,
        progress_message: task.progressMessage,
        created_at: task.createdAt,
        updated_at: task.updatedAt,
        expires_at: task.expiresAt,
      })
      .execute();
  }

  async find(tenant: TenantScope, taskId: string): Promise<Task | undefined> {
    const row = await this.scoped(tenant).selectAll().where('task_id', '=', taskId).executeTakeFirst();
    return row && toTask(row);
  }

  async list(tenant: TenantScope, query: TaskListQuery): Promise<Task[]> {
    const rows = await this.filtered(tenant, query)
      .selectAll()
      .orderBy(query.sort?.field ?? 'created_at', query.sort?.direction ?? 'desc')
      .orderBy('task_id', query.sort?.direction ?? 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return rows.map(toTask);
  }

  async count(tenant: TenantScope, query: Omit<TaskListQuery, 'limit' | 'offset' | 'sort'>): Promise<number> {
    const row = await this.filtered(tenant, query)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async cancel(tenant: TenantScope, taskId: string, now: string): Promise<boolean> {
    let update = this.db
      .updateTable('tasks')
      .set({ status: 'CANCELED', updated_at: now })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('task_id', '=', taskId)
      .where('status', 'not in', TERMINAL);
    if (tenant.namespace) update = update.where('namespace_id', '=', tenant.namespace.namespaceId);
    const result = await update.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async applyJobState(taskId: string, patch: TaskStatePatch): Promise<boolean> {
    let additionalData: string | undefined;
    if (patch.additionalData) {
      // Merged in JavaScript, not SQL: the backends' JSON functions differ. The read and the write
      // are one job's (one writer per task at a time), so no other write can slip in between.
      const row = await this.db.selectFrom('tasks').select('additional_data').where('task_id', '=', taskId).executeTakeFirst();
      if (!row) return false;
      const current = row.additional_data == null ? {} : fromJson<Record<string, unknown>>(row.additional_data);
      additionalData = toJson({ ...current, ...patch.additionalData });
    }
    const result = await this.db
      .updateTable('tasks')
      .set({
        updated_at: patch.now,
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.progress !== undefined ? { progress: patch.progress } : {}),
        ...(patch.progressMessage !== undefined ? { progress_message: patch.progressMessage } : {}),
        ...(patch.outputs !== undefined ? { outputs: nullableJson(patch.outputs) } : {}),
        ...(patch.error !== undefined ? { error: patch.error } : {}),
        ...(additionalData !== undefined ? { additional_data: additionalData } : {}),
      })
      .where('task_id', '=', taskId)
      .where('status', 'not in', TERMINAL)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private scoped(tenant: TenantScope) {
    let query = this.db.selectFrom('tasks').where('organization_internal_id', '=', tenant.organization.internalId);
    if (tenant.namespace) query = query.where('namespace_id', '=', tenant.namespace.namespaceId);
    return query;
  }

  private filtered(tenant: TenantScope, query: Omit<TaskListQuery, 'limit' | 'offset' | 'sort'>) {
    let q = this.scoped(tenant);
    if (query.status) q = q.where('status', '=', query.status);
    if (query.taskType) q = q.where('task_type', '=', query.taskType);
    return q;
  }
}

function nullableJson(value: unknown): string | null {
  return value === null || value === undefined ? null : toJson(value);
}

function toTask(row: Selectable<TasksTable>): Task {
  return {
    taskId: row.task_id,
    organizationInternalId: row.organization_internal_id,
    namespaceId: row.namespace_id,
    taskType: row.task_type as TaskType,
    status: row.status as TaskStatus,
    inputs: row.inputs == null ? null : fromJson<TaskItem[]>(row.inputs),
    outputs: row.outputs == null ? null : fromJson<TaskItem[]>(row.outputs),
    additionalData: row.additional_data == null ? null : fromJson<Record<string, unknown>>(row.additional_data),
    error: row.error,
    progress: Number(row.progress),
    progressMessage: row.progress_message,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    expiresAt: toIsoOrNull(row.expires_at),
  };
}
