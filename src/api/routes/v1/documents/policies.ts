// Document routes' policies: the `data` category, inside the namespace X-Namespace names (the
// document service refuses a request without one, 400). The lineage routes may go without it when
// they address a document or object by id (its own namespace is entered, checking a scoped key there).
import { data, type OperationPolicy } from '../../../policy.ts';

export const DOCUMENT_READ: OperationPolicy = { ...data('read'), namespace: { operation: 'read_data' } };
export const DOCUMENT_WRITE: OperationPolicy = { ...data('write'), namespace: { operation: 'write_data' } };
/** Creating a document costs 1 credit (SPEC §20 "document creation 1"), refunded when the request fails. */
export const DOCUMENT_CREATE: OperationPolicy = { ...DOCUMENT_WRITE, credits: 1 };
export const DOCUMENT_DELETE: OperationPolicy = { ...data('delete'), namespace: { operation: 'delete_data' } };
