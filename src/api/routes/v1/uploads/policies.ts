// Upload routes' policies: the `upload` category, inside the namespace X-Namespace (or the addressed
// bucket id) names. Credits are charged per MB by confirm itself.
import { upload, type OperationPolicy } from '../../../policy.ts';

export const UPLOAD_READ: OperationPolicy = { ...upload('read'), namespace: { operation: 'read_data' } };
export const UPLOAD_WRITE: OperationPolicy = { ...upload('write'), namespace: { operation: 'write_data' } };
export const UPLOAD_DELETE: OperationPolicy = { ...upload('delete'), namespace: { operation: 'delete_data' } };
