import type { FastifyError, FastifyInstance } from 'fastify';
import { ServiceUnavailableError, TesseraError, ValidationError } from '../../engine/errors.ts';
import { toValidationItems } from '../validation.ts';
import { IGNORED_FIELDS_HEADER, ignoredFieldsOf } from '../unknown-fields.ts';
import { errorBody, sendError } from './render.ts';
import type { AllowedMethods } from './route-index.ts';

// Fastify's own client errors, renamed into our catalogue.
const CLIENT_ERRORS: Record<string, { type: string; message: string; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { type: 'BadRequestError', message: 'Request body is not valid JSON', code: 'invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { type: 'BadRequestError', message: "Body cannot be empty when content-type is 'application/json'", code: 'empty_body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { type: 'PayloadTooLargeError', message: 'Request body is too large', code: 'body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { type: 'UnsupportedMediaTypeError', message: 'Unsupported media type; send application/json', code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { type: 'BadRequestError', message: 'Content-Length does not match the body', code: 'invalid_content_length' },
};

export function installErrorHandlers(app: FastifyInstance, methodsAllowedFor: AllowedMethods): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // Refusals after validation (admission, the handler) still name the body fields that were ignored.
    const ignored = ignoredFieldsOf(request.body);
    if (ignored !== undefined) reply.header(IGNORED_FIELDS_HEADER, ignored);
    if (err.validation) {
      const detail = toValidationItems(err.validation as never, err.validationContext, request.body === undefined || request.body === null);
      const body = errorBody(422, 'ValidationError', 'Request validation failed', { validation_errors: detail });
      return sendError(reply, { ...body, detail });
    }
    // One place sets Retry-After for every refusal that carries one (429s, 503s).
    if (err instanceof TesseraError && err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    if (err instanceof ServiceUnavailableError) {
      // A component's failure (already stripped of secrets by its adapter) is for the log only.
      if (err.cause) request.log.warn({ err }, 'request refused: a component is unavailable');
    }
    if (err instanceof ValidationError) {
      const detail = err.items.map((i) => ({ loc: [...i.location], msg: i.message, type: i.type }));
      return sendError(reply, { ...errorBody(422, err.type, err.message, err.details, err.code), detail });
    }
    if (err instanceof TesseraError) {
      return sendError(reply, errorBody(err.status, err.type, err.message, err.details, err.code));
    }
    const known = err.code ? CLIENT_ERRORS[err.code] : undefined;
    const status = err.statusCode ?? 500;
    if (known) return sendError(reply, errorBody(status, known.type, known.message, null, known.code));
    if (status >= 400 && status < 500) {
      // Anything else Fastify rejected as the client's fault: keep its status, not its internals.
      return sendError(reply, errorBody(status, 'BadRequestError', 'The request could not be processed'));
    }
    // Internal failures: the log gets the error, the client gets only the request id to quote.
    request.log.error({ err }, 'request failed');
    return sendError(reply, errorBody(500, 'InternalServerError', 'Internal server error', { request_id: request.id }));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = methodsAllowedFor(path);
    if (allowed.length > 0) {
      return sendError(
        reply,
        errorBody(405, 'MethodNotAllowedError', `Method ${request.method} is not allowed on ${path}`, { allowed_methods: allowed }),
        { allow: allowed.join(', ') },
      );
    }
    return sendError(reply, errorBody(404, 'NotFoundError', `Route ${request.method} ${path} not found`, { resource: 'route', id: `${request.method} ${path}` }));
  });
}
