// Requests Node's HTTP parser refuses before Fastify sees them (malformed request line or headers,
// oversized headers, broken chunked framing) and requests that do not arrive in time. Node would
// answer with a bare status or Fastify with its own body; the client gets our envelope instead,
// written straight to the socket because there is no request or reply object to go through.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { newRequestId } from '../../lib/ids.ts';
import { errorBody } from './render.ts';

interface ClientErrorAnswer {
  status: number;
  type: string;
  message: string;
  code: string;
}

const TIMEOUT: ClientErrorAnswer = { status: 408, type: 'RequestTimeoutError', message: 'The request was not received in time', code: 'request_timeout' };
const MALFORMED: ClientErrorAnswer = { status: 400, type: 'BadRequestError', message: 'The request is not valid HTTP', code: 'malformed_request' };

/** Node's and llhttp's error codes (https://github.com/nodejs/llhttp), by what the client did. */
function answerFor(code: string | undefined): ClientErrorAnswer {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return TIMEOUT;
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: 'RequestHeaderFieldsTooLargeError', message: 'The request headers are too large', code: 'headers_too_large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, type: 'PayloadTooLargeError', message: 'The chunk extensions are too large', code: 'chunk_extensions_too_large' };
    case 'HPE_INVALID_METHOD':
      return { ...MALFORMED, message: 'The request method is not valid', code: 'invalid_method' };
    case 'HPE_INVALID_URL':
      return { ...MALFORMED, message: 'The URL is not valid', code: 'invalid_url' };
    case 'HPE_INVALID_VERSION':
      return { ...MALFORMED, message: 'The HTTP version is not valid', code: 'invalid_version' };
  }
  if (code?.startsWith('HPE_') && code.includes('HEADER')) return { ...MALFORMED, message: 'A request header is not valid', code: 'invalid_header' };
  if (code && /CHUNK|CONTENT_LENGTH|TRANSFER_ENCODING|BODY/.test(code)) return { ...MALFORMED, message: 'The request body framing is not valid', code: 'invalid_body_framing' };
  return MALFORMED;
}

/**
 * Fastify's `clientErrorHandler` (called with the Fastify instance as `this`): answers in the
 * envelope when the socket still allows it, then closes the connection.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = answerFor(err.code);
  const requestId = newRequestId();
  this.log.info({ reqId: requestId, code: err.code, status: answer.status }, 'malformed or incomplete request refused');
  // As Node itself does: never write into a response that has already started.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(answer.status, answer.type, answer.message, null, answer.code));
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    'connection: close',
  ].join('\r\n');
  // The connection cannot be reused after a parse error: flush the answer, then close.
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}
