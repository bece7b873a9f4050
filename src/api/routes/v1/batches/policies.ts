// Batch routes' policies. All work inside the bucket's namespace (X-Namespace, or the bucket's own
// when addressed by id). CRUD is configuration (metadata); submit and retry spend model time (compute).
import { compute, metadata, type OperationPolicy } from '../../../policy.ts';

export const BATCH_READ: OperationPolicy = { ...metadata('read'), namespace: { operation: 'read_data' } };
export const BATCH_WRITE: OperationPolicy = { ...metadata('write'), namespace: { operation: 'write_data' } };
export const BATCH_DELETE: OperationPolicy = { ...metadata('delete'), namespace: { operation: 'delete_data' } };
export const BATCH_COMPUTE: OperationPolicy = { ...compute('write'), namespace: { operation: 'write_data' } };
