// Everything a protected route scope does around its handlers, in order:
//   onRequest   authenticate (failed attempts throttled per address) → monthly grant →
//               permission (catalogue) → rate limit (headers, 429),
//               synchronous when the caller is cached and the counter is in-process
//   preHandler  priced routes only: charge the fixed credit cost (after validation)
//   onSend      priced routes only: refund that charge when the request failed
//   onResponse  count the request for usage reports (batched, off the hot path)
// Resource index.ts files call requireApiKey(scope); handlers never check any of it by hand.
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { Services } from '../../engine/services.ts';
import { satisfies } from '../../engine/accounts/permissions.ts';
import { assertScopesAllow, type AddressedResource } from '../../engine/accounts/scopes.ts';
import type { NamespaceOperation } from '../../engine/accounts/types.ts';
import type { CallerScope } from '../../engine/scope/request-scope.ts';
import type { Spend } from '../../engine/billing/credit-service.ts';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../engine/errors.ts';
import type { AuthFailureThrottle } from '../../engine/limits/auth-failure-throttle.ts';
import type { RateLimitDecision } from '../../engine/limits/rate-limit-policy.ts';
import type { OperationPolicy } from '../policy.ts';
import { policyOf } from '../route-policy.ts';
import { isPromise, thenMaybe, type MaybePromise } from '../../lib/maybe-promise.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who calls, in which organization (and namespace): set by admission, taken first by every service call. */
    scope: CallerScope | null;
    /** The catalogue entry of the matched route, resolved once per request. */
    operation: ResolvedOperation | null;
    /** The fixed-cost charge taken for this request, if any (refunded on failure). */
    charge: Spend | null;
  }
}

export function requireApiKey(scope: FastifyInstance): void {
  const services = scope.services;

  // onRequest: unauthenticated callers learn nothing, not even the request schema's complaints.
  // Callback style with a synchronous path: a cached caller with the in-process limiter is decided
  // without a single promise; anything that needs I/O continues asynchronously.
  scope.addHook('onRequest', (request, reply, done) => {
    let pending: MaybePromise<void>;
    try {
      pending = admit(services, request, reply);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (isPromise(pending)) pending.then(() => done(), done);
    else done();
  });

  // Charging hooks go only on priced routes: a free operation pays nothing for them.
  scope.addHook('onRoute', (route) => {
    const policy = policyOf(route.config);
    if (!policy || policy.credits <= 0 || !services.chargeCredits) return;
    route.preHandler = [...asArray(route.preHandler), chargeHook(services, policy.credits)];
    route.onSend = [...asArray(route.onSend), refundHook(services)];
  });

  // Callback style (no promise): counting a request is a map update.
  scope.addHook('onResponse', (request, reply, done) => {
    const scope = request.scope;
    const operation = request.operation;
    if (services.requestUsage && scope && operation) {
      services.requestUsage.record({
        organizationInternalId: scope.organization.internalId,
        keyId: scope.actor.apiKey.keyId,
        operationId: operation.operationId,
        method: request.method,
        route: operation.route,
        category: operation.policy.category,
        failed: reply.statusCode >= 400,
        at: services.clock.now(),
      });
    }
    done();
  });
}

/** Authenticate → monthly grant → permission → rate limit; synchronous whenever nothing needs I/O. */
function admit(services: Services, request: FastifyRequest, reply: FastifyReply): MaybePromise<void> {
  // Fastify builds request.routeOptions afresh on every access: read it once.
  const route = request.routeOptions;
  const operationId = route.schema?.operationId ?? 'unknown';
  const policy = policyOf(route.config);
  // Unreachable while the start-up check holds; refuse rather than allow if it ever does not.
  if (!policy) throw new ForbiddenError('Operation is not in the catalogue');
  request.operation = { operationId, policy, route: route.url ?? request.url };
  const throttle = services.authFailures;
  let cached: CallerScope | undefined;
  try {
    cached = services.authenticator.fromCache(request.headers.authorization);
  } catch (err) {
    // A failure decided from memory (malformed header, a cached key gone inactive) still has to
    // be counted, and refused outright when the address is locked out: the uncached path does both.
    if (!throttle) throw err;
  }
  // The fast path needs no throttle check: the read cache holds only callers that a successful
  // lookup of an active key put there, keyed by the hash of that key, so a cache hit proves the
  // presenter holds a real key. A guess can never be one; answering it tells a guesser nothing.
  if (cached && !services.credits.grantDue(cached.organization)) return authorize(services, request, reply, cached, policy);
  return (async () => {
    let scope = cached ?? (await authenticateThrottled(services, throttle, request));
    // The grant check is a string comparison; only a due grant costs a round trip.
    if (services.credits.grantDue(scope.organization)) scope = { ...scope, organization: await services.credits.ensureMonthlyGrant(scope.organization) };
    await authorize(services, request, reply, scope, policy);
  })();
}

/**
 * The uncached path. A locked-out address is refused before its key is looked up (a late refusal
 * would still let a guesser learn which guess was a real key); each failure counts against the
 * address, in the same counter store as the rate limits, so every process sees it.
 */
async function authenticateThrottled(services: Services, throttle: AuthFailureThrottle | null, request: FastifyRequest): Promise<CallerScope> {
  if (!throttle) return services.authenticator.authenticate(request.headers.authorization);
  await throttle.check(request.ip);
  try {
    return await services.authenticator.authenticate(request.headers.authorization);
  } catch (err) {
    if (err instanceof UnauthorizedError) await throttle.recordFailure(request.ip);
    throw err;
  }
}

function authorize(services: Services, request: FastifyRequest, reply: FastifyReply, scope: CallerScope, policy: OperationPolicy): MaybePromise<void> {
  request.scope = scope;
  if (!satisfies(scope.permission, policy.permission)) {
    throw new ForbiddenError(`This operation requires the '${policy.permission}' permission`, {
      required: policy.permission,
      granted: scope.permission,
    });
  }
  // Global keys (no scopes, the common case) skip this: one length check on the hot path.
  const keyScopes = scope.actor.apiKey.scopes;
  // Namespaced operations check a scoped key when they enter the namespace (below), or in the
  // route when the request names none (the route then lists or finds only what the key may see).
  if (keyScopes.length > 0 && !policy.openToScopedKeys && !policy.namespace) assertScopesAllow(keyScopes, addressedResource(policy, request, scope));
  const limited = services.rateLimits
    ? thenMaybe(services.rateLimits.check(scope, policy.category), (decision) => {
        setRateLimitHeaders(reply, decision);
        if (!decision.allowed) {
          throw new TooManyRequestsError(decision.category, decision.limit, Math.max(1, Math.ceil(decision.resetMs / 1000)));
        }
      })
    : undefined;
  // After the rate limit: a flood is refused before it costs a namespace lookup.
  const declared = policy.namespace;
  if (!declared) return limited;
  return thenMaybe(limited, () => enterNamespace(services, request, scope, declared.operation));
}

/** X-Namespace (Mixpeek's SDKs) or X-Namespace-Id (some of its connectors): a namespace id or name. */
function namespaceHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['x-namespace'] ?? request.headers['x-namespace-id'];
  if (value === undefined) return undefined;
  const identifier = (Array.isArray(value) ? value.join(',') : value).trim();
  if (identifier === '' || identifier.includes(',')) {
    throw new BadRequestError('X-Namespace must name one namespace, by id or name', { header: 'X-Namespace' }, 'invalid_namespace_header');
  }
  return identifier;
}

async function enterNamespace(services: Services, request: FastifyRequest, scope: CallerScope, operation: NamespaceOperation | undefined): Promise<void> {
  const identifier = namespaceHeader(request);
  if (identifier !== undefined) request.scope = await services.namespaceResolution.enter(scope, identifier, operation);
}

/** The resource the catalogue says this request addresses, with its id from the path. */
function addressedResource(policy: OperationPolicy, request: FastifyRequest, scope: CallerScope): AddressedResource {
  const declared = policy.resource ?? { type: 'organization' };
  if (declared.type === 'organization') return { type: 'organization', id: scope.organization.organizationId };
  const value = declared.param ? (request.params as Record<string, string | undefined>)[declared.param] : undefined;
  if (value === undefined) return { type: declared.type, id: '*' };
  // Emails are stored and matched lower-case.
  return { type: declared.type, id: declared.type === 'user' ? value.toLowerCase() : value };
}

/** Charges the operation's fixed cost after validation, before the handler: bad input spends nothing. */
function chargeHook(services: Services, credits: number): preHandlerAsyncHookHandler {
  return async (request) => {
    request.charge = await services.credits.spend(requestScope(request), {
      operation: operationIdOf(request),
      credits,
      referenceId: `request:${request.id}`,
    });
  };
}

/** Gives the charge back when the request failed, before the response leaves. */
function refundHook(services: Services): onSendHookHandler {
  return async (request, reply, payload) => {
    const charge = request.charge;
    if (charge && reply.statusCode >= 400 && request.scope) {
      request.charge = null;
      await services.credits.refund(request.scope, operationIdOf(request), charge, `request:${request.id}`);
    }
    return payload;
  };
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/** The request scope admission built; only reachable on routes behind requireApiKey. */
export function requestScope(request: FastifyRequest): CallerScope {
  if (!request.scope) throw new UnauthorizedError();
  return request.scope;
}

export interface ResolvedOperation {
  operationId: string;
  policy: OperationPolicy;
  /** The route pattern, e.g. /v1/organizations/users/:user_email. */
  route: string;
}

function operationIdOf(request: FastifyRequest): string {
  return request.operation?.operationId ?? 'unknown';
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
