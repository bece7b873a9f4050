// Every named component, registered once with Fastify so routes can $ref them and the OpenAPI
// document lists them under Mixpeek's names.
import { API_KEY_SCHEMAS } from './api-keys.ts';
import { BILLING_SCHEMAS } from './billing.ts';
import { ERROR_SCHEMAS } from './errors.ts';
import { HEALTH_SCHEMAS } from './health.ts';
import { ORGANIZATION_SCHEMAS } from './organizations.ts';
import { SECRET_SCHEMAS } from './secrets.ts';
import { USER_SCHEMAS } from './users.ts';
import { PAGINATION_SCHEMAS } from './pagination.ts';
import { NAMESPACE_SCHEMAS } from './namespaces.ts';
import { TASK_SCHEMAS } from './tasks.ts';
import { BUCKET_SCHEMAS } from './buckets.ts';
import { UPLOAD_SCHEMAS } from './uploads.ts';
import { OBJECT_SCHEMAS } from './objects.ts';
import { WEBHOOK_SCHEMAS } from './webhooks.ts';
import { EXTRACTOR_SCHEMAS } from './extractors.ts';
import { COLLECTION_SCHEMAS } from './collections.ts';
import { DOCUMENT_SCHEMAS } from './documents.ts';
import { BATCH_SCHEMAS } from './batches.ts';
import { RETRIEVER_SCHEMAS } from './retrievers.ts';

export const SHARED_SCHEMAS = [...ERROR_SCHEMAS, ...ORGANIZATION_SCHEMAS, ...USER_SCHEMAS, ...API_KEY_SCHEMAS, ...HEALTH_SCHEMAS, ...BILLING_SCHEMAS, ...SECRET_SCHEMAS, ...PAGINATION_SCHEMAS, ...NAMESPACE_SCHEMAS, ...TASK_SCHEMAS, ...BUCKET_SCHEMAS, ...OBJECT_SCHEMAS, ...UPLOAD_SCHEMAS, ...WEBHOOK_SCHEMAS, ...EXTRACTOR_SCHEMAS, ...COLLECTION_SCHEMAS, ...DOCUMENT_SCHEMAS, ...BATCH_SCHEMAS, ...RETRIEVER_SCHEMAS];

