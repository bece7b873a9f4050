// A worker has no API key: it rebuilds the scope of the request that queued a job from the job's
// payload, so the job's reads and writes are filtered by the same tenant as the request's were.
import { NotFoundError } from '../errors.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import type { NamespaceResolution } from './namespace-resolution.ts';
import { systemScope, type RequestScope, type SystemActor } from './request-scope.ts';

/** What every job payload carries about its tenant (public ids: payloads may be shown in task views). */
export interface JobTenant {
  organization_id: string;
  namespace_id?: string | null;
}

/** The scope a job runs in; a job whose organization or namespace is gone fails with 404 (nothing to do). */
export async function scopeForJob(
  repos: Pick<Repositories, 'organizations'>,
  namespaces: NamespaceResolution,
  tenant: JobTenant,
  jobId: string,
): Promise<RequestScope<SystemActor>> {
  const organization = await repos.organizations.findByPublicId(tenant.organization_id);
  if (!organization) throw new NotFoundError('organization', tenant.organization_id);
  const scope = systemScope(organization, `worker:${jobId}`);
  return tenant.namespace_id ? namespaces.enter(scope, tenant.namespace_id) : scope;
}

/** The payload fields that name a scope's tenant, for whoever queues a job. */
export function jobTenantOf(scope: RequestScope): JobTenant {
  return { organization_id: scope.organization.organizationId, namespace_id: scope.namespace?.namespaceId ?? null };
}
