// Retriever routes' policies: every one but the stage catalogue works inside the X-Namespace
// namespace (admission resolves it; without it the retriever services answer 400). CRUD, lists
// and executions history are `metadata`; executions are `search`, their credits charged by the service.
import { metadata, search, type OperationPolicy } from '../../../policy.ts';

export const RETRIEVER_READ: OperationPolicy = { ...metadata('read'), namespace: { operation: 'read_data' } };
export const RETRIEVER_WRITE: OperationPolicy = { ...metadata('write'), namespace: { operation: 'create_retriever' } };
export const RETRIEVER_DELETE: OperationPolicy = { ...metadata('delete'), namespace: { operation: 'delete_retriever' } };
export const RETRIEVER_EXECUTE: OperationPolicy = { ...search('read'), namespace: { operation: 'execute_retriever' } };
