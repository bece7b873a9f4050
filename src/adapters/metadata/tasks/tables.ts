// The tasks module's table (migration 0005).
import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../table-columns.ts';

type NullableJson = ColumnType<unknown, string | null, string | null>;

export interface TasksTable {
  task_id: string;
  organization_internal_id: string;
  namespace_id: string | null;
  task_type: string;
  status: string;
  inputs: NullableJson;
  outputs: NullableJson;
  additional_data: NullableJson;
  error: string | null;
  progress: number;
  progress_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  expires_at: NullableTimestamp;
}

export interface TaskTables {
  tasks: TasksTable;
}
