// Bucket and object routes' policies. All work inside a namespace: admission resolves X-Namespace;
// without it the bucket service finds a bucket addressed by id in its own namespace (checking a
// scoped key there) and refuses a name (400).
import { data, metadata, type OperationPolicy } from '../../../policy.ts';

export const BUCKET_READ: OperationPolicy = { ...metadata('read'), namespace: { operation: 'read_data' } };
export const BUCKET_WRITE: OperationPolicy = { ...metadata('write'), namespace: { operation: 'write_data' } };
export const BUCKET_DELETE: OperationPolicy = { ...metadata('delete'), namespace: { operation: 'delete_data' } };
export const OBJECT_READ: OperationPolicy = { ...data('read'), namespace: { operation: 'read_data' } };
export const OBJECT_WRITE: OperationPolicy = { ...data('write'), namespace: { operation: 'write_data' } };
export const OBJECT_DELETE: OperationPolicy = { ...data('delete'), namespace: { operation: 'delete_data' } };
