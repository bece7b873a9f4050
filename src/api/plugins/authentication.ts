// Everything a protected route scope does around its handlers, in order:
//   onRequest   authenticate → monthly grant → permission (catalogue) → rate limit (headers, 429)
//   preHandler  charge the operation's fixed credit cost (after validation: bad input spends nothing)
//   onSend      refund that charge when the request failed
//   onResponse  count the request for usage reports (batched, off the hot path)
// Resource index.ts files call requireApiKey(scope); handlers never check any of it by hand.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { satisfies } from '../../engine/accounts/permissions.ts';
import type { Principal } from '../../engine/accounts/types.ts';
import type { Spend } from '../../engine/billing/credit-service.ts';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../engine/errors.ts';
import type { RateLimitDecision } from '../../engine/limits/rate-limit-policy.ts';
import { OPERATIONS, type OperationPolicy } from '../operations-catalogue.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The fixed-cost charge taken for this request, if any (refunded on failure). */
    charge: Spend | null;
  }
}

export function requireApiKey(scope: FastifyInstance): void {
  const services = scope.services;

  // onRequest: unauthenticated callers learn nothing, not even the request schema's complaints.
  scope.addHook('onRequest', async (request, reply) => {
    const principal = await services.authenticator.authenticate(request.headers.authorization);
    principal.organization = await services.credits.ensureMonthlyGrant(principal.organization);
    request.principal = principal;
    const policy = policyOf(request);
    if (!satisfies(principal.permission, policy.permission)) {
      throw new ForbiddenError(`This operation requires the '${policy.permission}' permission`, {
        required: policy.permission,
        granted: principal.permission,
      });
    }
    if (services.rateLimits) {
      const decision = await services.rateLimits.check(principal, policy.category);
      setRateLimitHeaders(reply, decision);
      if (!decision.allowed) {
        const retryAfter = Math.max(1, Math.ceil(decision.resetMs / 1000));
        reply.header('retry-after', String(retryAfter));
        throw new TooManyRequestsError(decision.category, decision.limit, retryAfter);
      }
    }
  });

  scope.addHook('preHandler', async (request) => {
    const policy = policyOf(request);
    if (!services.chargeCredits || policy.credits <= 0) return;
    const principal = requestPrincipal(request);
    request.charge = await services.credits.spend({
      organizationInternalId: principal.organization.internalId,
      keyId: principal.apiKey.keyId,
      operation: operationIdOf(request),
      credits: policy.credits,
      referenceId: `request:${request.id}`,
    });
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    const charge = request.charge;
    if (charge && reply.statusCode >= 400 && request.principal) {
      request.charge = null;
      await services.credits.refund(request.principal.organization.internalId, request.principal.apiKey.keyId, operationIdOf(request), charge, `request:${request.id}`);
    }
    return payload;
  });

  scope.addHook('onResponse', async (request, reply) => {
    const principal = request.principal;
    if (!services.requestUsage || !principal) return;
    services.requestUsage.record({
      organizationInternalId: principal.organization.internalId,
      keyId: principal.apiKey.keyId,
      operationId: operationIdOf(request),
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      category: policyOf(request).category,
      failed: reply.statusCode >= 400,
      at: services.clock.now(),
    });
  });
}

export function requestPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

function operationIdOf(request: FastifyRequest): string {
  return request.routeOptions.schema?.operationId ?? 'unknown';
}

function policyOf(request: FastifyRequest): OperationPolicy {
  const policy = OPERATIONS[operationIdOf(request)];
  // Unreachable while the start-up check holds; refuse rather than allow if it ever does not.
  if (!policy) throw new ForbiddenError('Operation is not in the catalogue');
  return policy;
}

/** Mixpeek's X-RateLimit-* headers plus the IETF RateLimit-Policy / RateLimit fields. */
function setRateLimitHeaders(reply: FastifyReply, d: RateLimitDecision): void {
  const resetSeconds = Math.max(0, Math.ceil(d.resetMs / 1000));
  reply.headers({
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(Math.ceil((Date.now() + d.resetMs) / 1000)),
    'x-ratelimit-window': String(d.windowSeconds),
    'ratelimit-policy': `"${d.category}";q=${d.limit};w=${d.windowSeconds}`,
    ratelimit: `"${d.category}";r=${d.remaining};t=${resetSeconds}`,
  });
}
