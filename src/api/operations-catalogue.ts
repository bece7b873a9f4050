// The operations catalogue: every /v1 operation's rate-limit category, required permission and
// credit cost, keyed by Mixpeek's operationId (as the OpenAPI document and Mixpeek's SDKs name
// them). It is derived from the operation definitions (src/api/define-operation.ts): each policy is
// written once, in its route file, and each resource's index.ts lists its definitions. The app never
// reads this table (a route carries its own policy); docs/limits-and-credits.md and the tests do.
import { UPLOAD_CREDITS_PER_STARTED_MB } from '../engine/uploads/upload-rules.ts';
import type { OperationDefinition } from './define-operation.ts';
import type { OperationPolicy } from './policy.ts';
import { apiKeyOperations } from './routes/v1/api-keys/index.ts';
import { blobTransferOperations } from './routes/v1/blob-transfer/index.ts';
import { billingOperations } from './routes/v1/billing/index.ts';
import { healthOperations } from './routes/v1/health/index.ts';
import { organizationOperations } from './routes/v1/organizations/index.ts';
import { secretOperations } from './routes/v1/secrets/index.ts';
import { webhookOperations } from './routes/v1/webhooks/index.ts';
import { taskOperations } from './routes/v1/tasks/index.ts';
import { usageOperations } from './routes/v1/usage/index.ts';
import { userOperations } from './routes/v1/users/index.ts';
import { namespaceOperations } from './routes/v1/namespaces/index.ts';
import { bucketOperations } from './routes/v1/buckets/index.ts';
import { collectionOperations } from './routes/v1/collections/index.ts';
import { uploadOperations } from './routes/v1/uploads/index.ts';
import { objectOperations } from './routes/v1/objects/index.ts';
import { documentLineageOperations, documentOperations } from './routes/v1/documents/index.ts';
import { objectLineageOperations } from './routes/v1/object-lineage/index.ts';
import { batchOperations } from './routes/v1/batches/index.ts';
import { retrieverCatalogueOperations, retrieverOperations } from './routes/v1/retrievers/index.ts';

export type { OperationPolicy, ResourceDeclaration } from './policy.ts';

/** Every /v1 operation, in the order of the published tables. */
export const ALL_OPERATIONS: readonly OperationDefinition[] = [
  ...healthOperations,
  ...organizationOperations,
  ...userOperations,
  ...apiKeyOperations,
  ...usageOperations,
  ...billingOperations,
  ...secretOperations,
  ...webhookOperations,
  ...namespaceOperations,
  ...taskOperations,
  ...bucketOperations,
  ...collectionOperations,
  ...objectOperations,
  ...blobTransferOperations,
  ...uploadOperations,
  ...documentOperations,
  ...documentLineageOperations,
  ...objectLineageOperations,
  ...batchOperations,
  ...retrieverCatalogueOperations,
  ...retrieverOperations,
];

/** The authenticated operations' policies. */
export const OPERATIONS: Record<string, OperationPolicy> = Object.fromEntries(
  ALL_OPERATIONS.flatMap((op) => (typeof op.policy === 'object' ? [[op.operationId, op.policy]] : [])),
);

/** Operations that need no API key (SPEC §0.1). */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set(ALL_OPERATIONS.filter((op) => typeof op.policy !== 'object').map((op) => op.operationId));

/**
 * Credit costs of the operations Mixpeek meters, for the handlers that charge them (SPEC §20).
 * The resources that incur them (uploads, extraction, retrieval) use these numbers.
 */
export const METERED_COSTS = {
  upload_per_started_mb: UPLOAD_CREDITS_PER_STARTED_MB,
  video_processing_per_minute: 10,
  document_creation: 1,
  knn_search_per_query: 0.1,
  hybrid_search_per_query: 0.2,
} as const;
