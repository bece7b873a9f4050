// Collection routes' policies: every one works inside the X-Namespace namespace (admission resolves
// it; without it the collection service answers 400). The catalogue is the same for everyone.
import { metadata, type OperationPolicy } from '../../../policy.ts';

export const COLLECTION_READ: OperationPolicy = { ...metadata('read'), namespace: { operation: 'read_data' } };
export const COLLECTION_WRITE: OperationPolicy = { ...metadata('write'), namespace: { operation: 'write_data' } };
export const COLLECTION_DELETE: OperationPolicy = { ...metadata('delete'), namespace: { operation: 'delete_data' } };
export const CATALOGUE_READ: OperationPolicy = { ...metadata('read') };
