// Webhooks are organization resources (no X-Namespace): reading them needs `read`; creating,
// replacing, deleting and rotating need `admin` (a webhook sends the organization's events to a URL
// of the caller's choosing). Namespace-scoped keys need an organization scope, as for secrets.
import { metadata, type OperationPolicy } from '../../../policy.ts';

export const WEBHOOK_READ: OperationPolicy = metadata('read');
export const WEBHOOK_ADMIN: OperationPolicy = metadata('admin');
