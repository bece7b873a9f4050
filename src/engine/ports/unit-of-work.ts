// The unit of work: every module's repositories, combined. A module declares its own port in its
// own folder (accounts/account-repositories.ts, billing/billing-repositories.ts, …); adding a module
// adds its file and one member here, and the adapter registers a factory per module that must
// satisfy this type (adapters/metadata/repository-factories.ts).
import type { AccountRepositories } from '../accounts/account-repositories.ts';
import type { BillingRepositories } from '../billing/billing-repositories.ts';
import type { SecretRepositories } from '../secrets/secret-repositories.ts';
import type { UsageRepositories } from '../usage/usage-repositories.ts';
import type { NamespaceRepositories } from '../namespaces/namespace-repositories.ts';
import type { JobRepositories } from '../jobs/job-repositories.ts';
import type { TaskRepositories } from '../tasks/task-repositories.ts';
import type { BucketRepositories } from '../buckets/bucket-repositories.ts';
import type { ObjectRepositories } from '../objects/object-repositories.ts';
import type { UploadRepositories } from '../uploads/upload-repositories.ts';
import type { WebhookRepositories } from '../webhooks/webhook-repositories.ts';
import type { CollectionRepositories } from '../collections/collection-repositories.ts';
import type { DocumentRepositories } from '../documents/document-repositories.ts';
import type { BatchRepositories } from '../batches/batch-repositories.ts';
import type { RetrieverRepositories } from '../retrievers/retriever-repositories.ts';

export type Repositories = AccountRepositories & BillingRepositories & UsageRepositories & SecretRepositories & NamespaceRepositories & JobRepositories & TaskRepositories & BucketRepositories & ObjectRepositories & UploadRepositories & WebhookRepositories & CollectionRepositories & DocumentRepositories & BatchRepositories & RetrieverRepositories;

export interface UnitOfWork {
  /** Runs fn in one transaction; everything it does through the given repositories commits or rolls back together. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
}
