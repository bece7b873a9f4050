// The request scope: which tenant a piece of work runs in and who is doing it. Admission builds one
// per request from the API key (and, for namespaced operations, the X-Namespace header); a worker
// builds one from a job's payload; the CLI builds one for the organization a command names. Every
// service method takes it first, and every repository of tenant data takes its tenant part, so a
// query without the organization (and namespace) filter cannot be written by accident.
import type { ApiKey, Organization, Permission, ResourceScope, User } from '../accounts/types.ts';

/** A caller presenting an API key. */
export interface KeyActor {
  readonly kind: 'api_key';
  readonly user: User;
  readonly apiKey: ApiKey;
}

/** Tessera itself acting for a tenant: a worker running a job, an operator's CLI command. */
export interface SystemActor {
  readonly kind: 'system';
  /** For logs and audit fields: 'cli', 'worker:<job id>'. */
  readonly name: string;
}

export type Actor = KeyActor | SystemActor;

/** The namespace an operation works in, resolved from its public id or its name. */
export interface NamespaceRef {
  readonly namespaceId: string;
  readonly namespaceName: string;
}

/** What tenant repositories take: the organization and, for namespaced data, the namespace. */
export interface TenantScope {
  readonly organization: Organization;
  readonly namespace: NamespaceRef | null;
}

export interface RequestScope<A extends Actor = Actor> extends TenantScope {
  readonly actor: A;
  /** The highest permission the actor may exercise: a key's, capped by its user's role; admin for the system. */
  readonly permission: Permission;
}

/** The scope of an HTTP request: always an API key. */
export type CallerScope = RequestScope<KeyActor>;

export function callerScope(organization: Organization, user: User, apiKey: ApiKey, permission: Permission, namespace: NamespaceRef | null = null): CallerScope {
  return { organization, namespace, actor: { kind: 'api_key', user, apiKey }, permission };
}

/** Work Tessera does on its own account for a tenant (jobs, operator commands): full permission within that tenant only. */
export function systemScope(organization: Organization, name: string, namespace: NamespaceRef | null = null): RequestScope<SystemActor> {
  return { organization, namespace, actor: { kind: 'system', name }, permission: 'admin' };
}

/** The same actor in another namespace of the same organization. */
export function withNamespace<A extends Actor>(scope: RequestScope<A>, namespace: NamespaceRef | null): RequestScope<A> {
  return { ...scope, namespace };
}

/** The acting user, for audit fields (created_by, revoked_by); null for the system. */
export function actingUserId(scope: RequestScope): string | null {
  return scope.actor.kind === 'api_key' ? scope.actor.user.userId : null;
}

/** The acting key, for the ledger and usage; null for the system. */
export function actingKeyId(scope: RequestScope): string | null {
  return scope.actor.kind === 'api_key' ? scope.actor.apiKey.keyId : null;
}

/** What the actor may reach: a key's resource scopes ([] = everything); the system is global within its tenant. */
export function actorResourceScopes(scope: RequestScope): readonly ResourceScope[] {
  return scope.actor.kind === 'api_key' ? scope.actor.apiKey.scopes : [];
}

/** A scope that names only the tenant: for engine code that runs before an actor is known (authentication). */
export function tenantOf(organization: Organization, namespace: NamespaceRef | null = null): TenantScope {
  return { organization, namespace };
}
