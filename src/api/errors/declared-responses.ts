// The error statuses each operation declares in the OpenAPI document, by a rule over what the route
// is, so a route added later declares what it can really return without anyone keeping a list:
//   every operation        400 (malformed URL or JSON), 404, 405 (other method on the path),
//                          500, 503 (a component down, or shutting down)
//   the seed's set         401, 403, 422 as well, on every operation but the liveness probe
//   authenticated          401, 403, 429 (rate limit)
//   parameters or a body   422 (validation)
//   path parameters        414 (a parameter over the router's length limit)
//   methods with a body    413 (TESSERA_BODY_LIMIT), 415 (not JSON)
//   priced                 402 (balance or hard spending cap)
// A route declares anything more specific (409 on creates) in its own schema.
import { Type, type TSchema } from '@sinclair/typebox';
import type { OperationPolicy } from '../policy.ts';
import { ErrorResponse, HTTPValidationError } from '../schemas/errors.ts';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Validation Error',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Probes that Mixpeek's seed leaves without its six error responses. */
const WITHOUT_SEED_SET = new Set(['liveness_v1_health_liveness_get']);

export interface RouteShape {
  method: string;
  operationId: string;
  /** The operation's catalogue entry; absent for public operations. */
  policy?: OperationPolicy | undefined;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
}

export function declaredErrorStatuses(route: RouteShape): number[] {
  const statuses = new Set([400, 404, 405, 500, 503]);
  if (!WITHOUT_SEED_SET.has(route.operationId)) for (const s of [401, 403, 422]) statuses.add(s);
  const policy = route.policy;
  if (policy) for (const s of [401, 403, 429]) statuses.add(s);
  if (route.params || route.querystring || route.body) statuses.add(422);
  if (route.params) statuses.add(414);
  if (BODY_METHODS.has(route.method.toUpperCase())) for (const s of [413, 415]) statuses.add(s);
  if (policy && policy.credits > 0) statuses.add(402);
  return [...statuses].sort((a, b) => a - b);
}

/** The response schemas of those statuses: the envelope, and for 422 the envelope with `detail`. */
export function declaredErrorResponses(route: RouteShape): Record<number, TSchema> {
  return Object.fromEntries(
    declaredErrorStatuses(route).map((status) => [status, Type.Ref(status === 422 ? HTTPValidationError : ErrorResponse, { description: DESCRIPTIONS[status] })]),
  );
}

/** For a route's own schema: an error the rule cannot know about (402: credits charged by the service, not the policy). */
export function errorResponse(status: 402 | 409): TSchema {
  return Type.Ref(ErrorResponse, { description: DESCRIPTIONS[status] });
}
