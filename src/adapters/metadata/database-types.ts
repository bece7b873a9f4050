// The whole schema as Kysely sees it: every module's tables, combined. A module declares its tables
// in its own folder (accounts/tables.ts, …) and adds one member here.
import type { AccountTables } from './accounts/tables.ts';
import type { BillingTables } from './billing/tables.ts';
import type { SecretTables } from './secrets/tables.ts';
import type { UsageTables } from './usage/tables.ts';
import type { NamespaceTables } from './namespaces/tables.ts';
import type { JobTables } from './jobs/tables.ts';
import type { TaskTables } from './tasks/tables.ts';
import type { BucketTables } from './buckets/tables.ts';
import type { UploadTables } from './uploads/tables.ts';
import type { WebhookTables } from './webhooks/tables.ts';
import type { CollectionTables } from './collections/tables.ts';
import type { DocumentTables } from './documents/tables.ts';
import type { BatchTables } from './batches/tables.ts';
import type { RetrieverTables } from './retrievers/tables.ts';

export interface Database extends AccountTables, BillingTables, UsageTables, SecretTables, NamespaceTables, JobTables, TaskTables, BucketTables, UploadTables, WebhookTables, CollectionTables, DocumentTables, BatchTables, RetrieverTables {}

