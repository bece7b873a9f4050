// Namespace routes' policies. Scoped keys are checked by the namespace service against the
// namespace each request resolves to (an identifier may be a name, which admission cannot match
// against a key's id scopes).
import { metadata, type OperationPolicy } from '../../../policy.ts';

export const NAMESPACE_READ: OperationPolicy = { ...metadata('read'), openToScopedKeys: true };
export const NAMESPACE_ADMIN: OperationPolicy = { ...metadata('write'), openToScopedKeys: true };
export const NAMESPACE_DELETE: OperationPolicy = { ...metadata('delete'), openToScopedKeys: true };
