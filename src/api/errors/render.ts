// The one renderer of error bodies. Everything non-2xx leaves the server through here.
import type { FastifyReply } from 'fastify';
import type { ErrorDetails } from '../../engine/errors.ts';
import type { ValidationItem } from '../validation.ts';

export interface ErrorBody {
  success: false;
  status: number;
  error: { message: string; type: string; code?: string | null; details?: ErrorDetails | null };
  /** Present on 422 only: FastAPI's HTTPValidationError items, so generated SDKs parse it too. */
  detail?: ValidationItem[];
}

export function errorBody(status: number, type: string, message: string, details: ErrorDetails | null = null, code: string | null = null): ErrorBody {
  const error: ErrorBody['error'] = { message, type };
  if (code !== null) error.code = code;
  error.details = details;
  return { success: false, status, error };
}

/**
 * Sends a pre-serialized body so a route's response schema (which describes its 2xx shape)
 * can never strip or reshape an error.
 */
export function sendError(reply: FastifyReply, body: ErrorBody, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
