// How a route carries its operation's policy: defineOperation puts it in the route's config, and the
// authentication plugin, the start-up guard and the OpenAPI transform read it from there. Kept apart
// from define-operation.ts so that the authentication plugin, which define-operation.ts uses, can
// read it without an import cycle.
import type { OperationPolicy, PublicAccess } from './policy.ts';

export interface RouteOperation {
  operationId: string;
  policy: OperationPolicy | PublicAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by defineOperation on every /v1 route (and nothing else). */
    operation?: RouteOperation;
    /** defineOperation's optionalBody: the OpenAPI document marks the body not required. */
    optionalBody?: boolean;
  }
}

/** The catalogue entry of an authenticated operation; undefined for public operations and other routes. */
export function policyOf(config: { operation?: RouteOperation } | undefined): OperationPolicy | undefined {
  const policy = config?.operation?.policy;
  return typeof policy === 'object' ? policy : undefined;
}
