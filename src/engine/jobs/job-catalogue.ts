// The typed job catalogue: every background job Tessera runs, by name, with its payload type.
// Enqueueing a name outside it, or a payload of the wrong shape, does not compile; starting a
// process whose queue lacks a handler for a declared name fails (JobRegistry.assertComplete).
import type { JobTenant } from '../scope/job-scope.ts';

/** Every payload names its tenant (jobTenantOf(scope)): the worker rebuilds the scope from it (scopeForJob). */
export type JobPayloads = { [name: string]: JobTenant };

/** Tessera's jobs. Handlers are registered in job-handlers.ts. */
// A type, not an interface: only type literals satisfy JobPayloads' index signature.
export type JobCatalogue = {
  /** Cascade-deletes a namespace and everything in it (DELETE /v1/namespaces/{id} → task api_namespaces_delete). */
  'namespace.delete': JobTenant & { namespace_id: string };
  /** Deletes a bucket's objects, blobs, uploads and batches (DELETE /v1/buckets/{id} → task api_buckets_delete). */
  'bucket.delete': JobTenant & { namespace_id: string; bucket_id: string };
  /** Confirms uploads asynchronously (confirm?async=true, confirm/batch → api_buckets_uploads_[batch_]confirm). */
  'upload.confirm': JobTenant & { namespace_id: string; bucket_id: string; upload_ids: string[] };
  /** A namespace's ttl_seconds ran out: deletes it (as DELETE would), due at its expires_at. */
  'namespace.expire': JobTenant & { namespace_id: string };
  /** One attempt of a webhook delivery (engine/webhooks/webhook-deliverer.ts); a failed attempt enqueues the next. */
  'webhook.deliver': JobTenant & { delivery_id: string; attempt: number };
  /** A batch's coordinator: starts the first tier, moves to the next once a tier has no open chunk, finishes the batch. */
  'batch.advance': JobTenant & { namespace_id: string; batch_id: string; generation: number; step: string };
  /** One chunk of a batch: a range of its objects through one collection of one tier, documents written in one transaction. */
  'batch.process-chunk': JobTenant & { namespace_id: string; batch_id: string; tier_num: number; collection_id: string; chunk_index: number; generation: number };
};

export type JobName = keyof JobCatalogue & string;

/** The declared names at run time; the `satisfies` line fails the build when the catalogue gains a name not listed here. */
export const JOB_NAMES = ['namespace.delete', 'bucket.delete', 'upload.confirm', 'namespace.expire', 'webhook.deliver', 'batch.advance', 'batch.process-chunk'] as const satisfies readonly JobName[];
type Unlisted = Exclude<JobName, (typeof JOB_NAMES)[number]>;
const everyNameListed: Unlisted extends never ? true : Unlisted = true;
void everyNameListed;
