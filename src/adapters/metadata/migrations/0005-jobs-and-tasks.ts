import type { Migration } from './column-types.ts';

/**
 * Background work. `jobs` is both the embedded queue and the outbox of the Redis queue: a job row
 * is written in the same transaction as the state change that needs it, so a crash between commit
 * and dispatch loses nothing. `tasks` is what clients poll (GET /v1/tasks/{task_id}).
 */
export const jobsAndTasks: Migration = {
  async up(db, t) {
    await db.schema
      .createTable('jobs')
      // Deterministic, chosen by the caller (`bucket.delete:bkt_x`): enqueueing it again is a no-op.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      // queued | running | completed | failed | canceled
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_after', t.timestamp, (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', t.timestamp)
      .addColumn('progress', 'integer', (c) => c.notNull())
      .addColumn('progress_message', 'text')
      .addColumn('last_error', 'text')
      .addColumn('task_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      // Redis mode: when the relay handed the row to BullMQ; null until then (the outbox).
      .addColumn('dispatched_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .execute();
    // What a claim and the relay scan: due queued jobs, and running jobs whose lease ran out.
    await db.schema.createIndex('jobs_status_run_after_idx').on('jobs').columns(['status', 'run_after']).execute();
    await db.schema.createIndex('jobs_task_idx').on('jobs').column('task_id').execute();

    await db.schema
      .createTable('tasks')
      .addColumn('task_id', 'text', (c) => c.primaryKey())
      .addColumn('organization_internal_id', 'text', (c) => c.notNull().references('organizations.internal_id').onDelete('cascade'))
      .addColumn('namespace_id', 'text')
      .addColumn('task_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('inputs', t.json)
      .addColumn('outputs', t.json)
      .addColumn('additional_data', t.json)
      .addColumn('error', 'text')
      .addColumn('progress', 'integer', (c) => c.notNull())
      .addColumn('progress_message', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp)
      .execute();
    await db.schema.createIndex('tasks_org_created_idx').on('tasks').columns(['organization_internal_id', 'created_at']).execute();
  },
};
