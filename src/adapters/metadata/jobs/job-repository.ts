import { PostgresAdapter, type Kysely, type Selectable } from 'kysely';
import type { ClaimRequest, JobRecord, JobRepository, JobSettlement, JobStatus, LeaseState, NewJob } from '../../../engine/jobs/job-repositories.ts';
import type { Database } from '../database-types.ts';
import { fromJson, toIso, toIsoOrNull, toJson } from '../row-mappers.ts';
import type { JobsTable } from './tables.ts';

const UNFINISHED = ['queued', 'running'] as const;

export class KyselyJobRepository implements JobRepository {
  private readonly postgres: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async insertIfAbsent(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    // ON CONFLICT DO NOTHING on both backends: a resubmission (same deterministic id) neither fails
    // the caller's transaction nor changes the stored job.
    const inserted = await this.db
      .insertInto('jobs')
      .values({
        id: job.id,
        name: job.name,
        payload: toJson(job.payload),
        status: 'queued',
        attempts: 0,
        max_attempts: job.maxAttempts,
        run_after: job.runAfter,
        lease_owner: null,
        lease_expires_at: null,
        progress: 0,
        progress_message: null,
        last_error: null,
        task_id: job.taskId,
        created_at: job.now,
        updated_at: job.now,
        dispatched_at: null,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { job: toJob(inserted), created: true };
    const existing = await this.find(job.id);
    if (!existing) throw new Error(`job ${job.id} neither inserted nor found`);
    return { job: existing, created: false };
  }

  async find(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  async hasClaimable(names: readonly string[], now: string): Promise<boolean> {
    if (names.length === 0) return false;
    const row = await this.claimable(names, now).select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async claim({ names, owner, now, leaseExpiresAt }: ClaimRequest): Promise<JobRecord | undefined> {
    if (names.length === 0) return undefined;
    let pick = this.claimable(names, now).select('id').orderBy('run_after').limit(1);
    // PostgreSQL: concurrent claimers skip each other's row instead of queueing on its lock.
    // SQLite: one writer at a time; the single UPDATE is atomic on its own.
    if (this.postgres) pick = pick.forUpdate().skipLocked();
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), lease_owner: owner, lease_expires_at: leaseExpiresAt, updated_at: now }))
      .where('id', '=', pick)
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  async renewLease(id: string, owner: string, leaseExpiresAt: string, now: string): Promise<LeaseState> {
    const result = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: leaseExpiresAt, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'held';
    const row = await this.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status === 'canceled' ? 'canceled' : 'lost';
  }

  async markRunning(id: string, owner: string, attempts: number, leaseExpiresAt: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'running', attempts, lease_owner: owner, lease_expires_at: leaseExpiresAt, updated_at: now })
      .where('id', '=', id)
      .where('status', 'in', UNFINISHED)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setProgress(id: string, owner: string, progress: number, message: string | null, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ progress, progress_message: message, updated_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async settle(id: string, owner: string, settlement: JobSettlement): Promise<boolean> {
    const { now } = settlement;
    const base = { lease_owner: null, lease_expires_at: null, updated_at: now };
    const set =
      settlement.status === 'completed'
        ? { ...base, status: 'completed', progress: 100, finished_at: now }
        : settlement.status === 'failed'
          ? { ...base, status: 'failed', last_error: settlement.error, finished_at: now }
          : { ...base, status: 'queued', last_error: settlement.error, run_after: settlement.runAfter };
    const result = await this.db
      .updateTable('jobs')
      .set(set)
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async cancel(id: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'canceled', lease_owner: null, lease_expires_at: null, updated_at: now, finished_at: now })
      .where('id', '=', id)
      .where('status', 'in', UNFINISHED)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async cancelForTask(taskId: string, now: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('jobs')
      .set({ status: 'canceled', lease_owner: null, lease_expires_at: null, updated_at: now, finished_at: now })
      .where('task_id', '=', taskId)
      .where('status', 'in', UNFINISHED)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async listUndispatched(limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'queued')
      .where('dispatched_at', 'is', null)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  async markDispatched(ids: readonly string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('jobs').set({ dispatched_at: now }).where('id', 'in', ids).where('dispatched_at', 'is', null).execute();
  }

  async listStaleDispatched(before: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', UNFINISHED)
      .where('dispatched_at', '<', before)
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /** Due queued jobs and running jobs whose lease ran out (their process died), of these names. */
  private claimable(names: readonly string[], now: string) {
    return this.db
      .selectFrom('jobs')
      .where('name', 'in', names)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)]),
        ]),
      );
  }
}

function toJob(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    name: row.name,
    payload: fromJson<unknown>(row.payload),
    status: row.status as JobStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAfter: toIso(row.run_after),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: toIsoOrNull(row.lease_expires_at),
    progress: Number(row.progress),
    progressMessage: row.progress_message,
    lastError: row.last_error,
    taskId: row.task_id,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    dispatchedAt: toIsoOrNull(row.dispatched_at),
    finishedAt: toIsoOrNull(row.finished_at),
  };
}
