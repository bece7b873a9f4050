// One operation = one definition: its operationId, method, URL, catalogue policy, schemas and
// handler, in the route file. registerOperations turns definitions into Fastify routes; the
// operations catalogue (operations-catalogue.ts) is derived from the same definitions, so the
// catalogue and the route cannot disagree.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  ContextConfigDefault,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { CallerScope } from '../engine/scope/request-scope.ts';
import { requestScope } from './plugins/authentication.ts';
import { PUBLIC, type OperationPolicy, type PublicAccess } from './policy.ts';
import type { RouteOperation } from './route-policy.ts';
import { IGNORED_FIELDS_HEADER, ignoredFieldsOf } from './unknown-fields.ts';

/**
 * What an authenticated handler receives: the request scope admission built (organization,
 * namespace, the calling key, its permission). The one place that names it: handlers take it from
 * their second parameter, never from the request.
 */
export type Caller = CallerScope;
const callerOf: (request: FastifyRequest) => Caller = requestScope;

export type OperationMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The request and reply as the schema types them (TypeBox). */
export type OperationRequest<S extends FastifySchema> = FastifyRequest<RouteGenericInterface, RawServerDefault, RawRequestDefaultExpression, S, TypeBoxTypeProvider>;
export type OperationReply<S extends FastifySchema> = FastifyReply<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  ContextConfigDefault,
  S,
  TypeBoxTypeProvider
>;
/** What the handler may return: a body the response schema accepts (checked as Fastify checks it), or the reply. */
type OperationResult<S extends FastifySchema> = ReturnType<
  RouteHandlerMethod<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, RouteGenericInterface, ContextConfigDefault, S, TypeBoxTypeProvider>
>;

interface OperationFields<S extends FastifySchema> {
  /** Mixpeek's operationId, written out literally so that grep finds the route. */
  operationId: string;
  method: OperationMethod;
  /** Relative to the resource's prefix (set where app.ts registers the resource). */
  url: string;
  /** Everything but the operationId: tags, summary, description, params, querystring, body, response. */
  schema: S;
  /**
   * A larger body than the app's bodyLimit (TESSERA_BODY_LIMIT), for routes that carry blob bytes
   * inline; never a smaller one. The route's own checks bound each blob by the caller's tier.
   */
  bodyLimit?: number;
  /**
   * The body may be left out (Mixpeek's optional request bodies: lists, batch submit): a request
   * without one is validated and handled as `{}`, and the OpenAPI document says `required: false`.
   */
  optionalBody?: true;
}

export interface AuthenticatedOperation<S extends FastifySchema = FastifySchema> extends OperationFields<S> {
  policy: OperationPolicy;
  handler: (request: OperationRequest<S>, scope: Caller, reply: OperationReply<S>) => OperationResult<S>;
}

export interface PublicOperation<S extends FastifySchema = FastifySchema> extends OperationFields<S> {
  policy: PublicAccess;
  handler: (request: OperationRequest<S>, reply: OperationReply<S>) => OperationResult<S>;
}

/** A definition of either kind, as resource indexes list them. */
export interface OperationDefinition {
  readonly operationId: string;
  readonly method: OperationMethod;
  readonly url: string;
  readonly policy: OperationPolicy | PublicAccess;
  /** Registers the operation's route on a resource scope. */
  readonly register: (scope: FastifyInstance) => void;
}

/** Definitions made here; the start-up guard refuses a /v1 route that does not carry one. */
const defined = new WeakSet<RouteOperation>();

export function defineOperation<S extends FastifySchema>(operation: AuthenticatedOperation<S>): OperationDefinition;
export function defineOperation<S extends FastifySchema>(operation: PublicOperation<S>): OperationDefinition;
export function defineOperation(operation: AuthenticatedOperation | PublicOperation): OperationDefinition {
  const { operationId, method, url, policy, schema, bodyLimit, optionalBody } = operation;
  const routeOperation: RouteOperation = { operationId, policy };
  defined.add(routeOperation);
  const handler = routeHandler(operation);
  return {
    operationId,
    method,
    url,
    policy,
    register: (scope) => {
      const limit = bodyLimit === undefined ? {} : { bodyLimit: Math.max(bodyLimit, scope.initialConfig.bodyLimit ?? 0) };
      const absentBody = optionalBody ? { preValidation: emptyBodyWhenAbsent } : {};
      scope.route({ method, url, schema: { operationId, ...schema }, config: { operation: routeOperation, optionalBody: optionalBody === true }, handler, ...limit, ...absentBody });
    },
  };
}

export function registerOperations(scope: FastifyInstance, operations: readonly OperationDefinition[]): void {
  for (const operation of operations) operation.register(scope);
}

/** True when the route was registered from a definition, under the operationId it declares. */
export function isDefinedOperation(operation: RouteOperation | undefined, operationId: string | undefined): boolean {
  return operation !== undefined && defined.has(operation) && operation.operationId === operationId;
}

/**
 * An optional body that was left out (no body, or an empty one: see app.ts's JSON parser) reads as
 * `{}`. A JSON `null` was sent, not left out: the schema refuses it like any other non-object.
 */
async function emptyBodyWhenAbsent(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}

function routeHandler(operation: AuthenticatedOperation | PublicOperation): RouteHandlerMethod {
  // Only a route with a body can have ignored fields; the others keep the bare call.
  const hasBody = (operation.schema as FastifySchema).body !== undefined;
  if (operation.policy === PUBLIC) {
    const handler = (operation as PublicOperation).handler;
    if (!hasBody) return (request, reply) => handler(request as OperationRequest<FastifySchema>, reply as OperationReply<FastifySchema>);
    return (request, reply) => {
      nameIgnoredFields(request, reply);
      return handler(request as OperationRequest<FastifySchema>, reply as OperationReply<FastifySchema>);
    };
  }
  const handler = (operation as AuthenticatedOperation).handler;
  if (!hasBody) return (request, reply) => handler(request as OperationRequest<FastifySchema>, callerOf(request), reply as OperationReply<FastifySchema>);
  return (request, reply) => {
    nameIgnoredFields(request, reply);
    return handler(request as OperationRequest<FastifySchema>, callerOf(request), reply as OperationReply<FastifySchema>);
  };
}

/** The body fields validation dropped (unknown-fields.ts), named on the response whatever it is. */
export function nameIgnoredFields(request: FastifyRequest, reply: FastifyReply): void {
  const ignored = ignoredFieldsOf(request.body);
  if (ignored !== undefined) reply.header(IGNORED_FIELDS_HEADER, ignored);
}
