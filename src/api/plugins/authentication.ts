// Authentication and authorization for a route scope. Resource index.ts files call
// requireApiKey(scope); handlers then read requestPrincipal(request) and never check keys by hand.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { satisfies } from '../../engine/accounts/permissions.ts';
import type { Principal } from '../../engine/accounts/types.ts';
import { ForbiddenError, UnauthorizedError } from '../../engine/errors.ts';
import { OPERATIONS } from '../operations-catalogue.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function requireApiKey(scope: FastifyInstance): void {
  // onRequest: unauthenticated callers learn nothing, not even the request schema's complaints.
  scope.addHook('onRequest', async (request) => {
    const principal = await scope.services.authenticator.authenticate(request.headers.authorization);
    request.principal = principal;
    const operationId = request.routeOptions.schema?.operationId;
    const policy = operationId ? OPERATIONS[operationId] : undefined;
    // Unreachable while the start-up check holds; refuse rather than allow if it ever does not.
    if (!policy) throw new ForbiddenError('Operation is not in the catalogue');
    if (!satisfies(principal.permission, policy.permission)) {
      throw new ForbiddenError(`This operation requires the '${policy.permission}' permission`, {
        required: policy.permission,
        granted: principal.permission,
      });
    }
  });
}

export function requestPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}
