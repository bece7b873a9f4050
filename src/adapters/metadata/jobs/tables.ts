// The jobs module's table (migration 0005).
import type { Json, NullableTimestamp, Timestamp } from '../table-columns.ts';

export interface JobsTable {
  id: string;
  name: string;
  payload: Json;
  status: string;
  attempts: number;
  max_attempts: number;
  run_after: Timestamp;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  progress: number;
  progress_message: string | null;
  last_error: string | null;
  task_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  dispatched_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface JobTables {
  jobs: JobsTable;
}
