// Which driver failures mean "the database is not there or not answering in time" rather than
// "this statement is wrong". Those are retryable, so they leave the adapter as the engine's
// ServiceUnavailableError (503 + Retry-After); the engine and the API never see a driver code.
import { ServiceUnavailableError } from '../../engine/errors.ts';

export type DriverFault = 'unavailable' | 'timeout';

/** Socket-level failures (Node's codes) on the way to PostgreSQL. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** PostgreSQL SQLSTATEs outside class 08 (connection exception) that mean the server went away. */
const SERVER_GONE = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown, a failover
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
]);

/** Statement cancelled by statement_timeout (57014) or lock_timeout (55P03): up, but overloaded or locked. */
const SERVER_TIMEOUT = new Set(['57014', '55P03']);

/** Messages of pg, pg-pool and Kysely that carry no code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout expired$/, // a client's connect timeout
  /not queryable/, // a client whose socket already failed
  /^Postgres connection has been discarded$/, // Kysely, after a failed rollback
];
const TIMEOUT_MESSAGES = [/^timeout exceeded when trying to connect$/]; // every pooled connection busy

export function classifyDriverError(err: unknown): DriverFault | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || SERVER_GONE.has(code)) return 'unavailable';
    if (SERVER_TIMEOUT.has(code)) return 'timeout';
    // better-sqlite3: another process holds the lock past busy_timeout (BUSY), or the file is gone,
    // unreadable or on a failing disk. Extended codes share the primary code's prefix.
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'timeout';
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) return 'unavailable';
  }
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(err.message))) return 'unavailable';
  if (TIMEOUT_MESSAGES.some((re) => re.test(err.message))) return 'timeout';
  return null;
}

/** The driver's failure reduced to what may be logged: pg errors carry the client (and its password). */
export function describeDriverError(err: unknown): { message: string; code?: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
}

/** The error a request sees: a 503 whose cause (sanitised) is kept for the server log. */
export function toServiceUnavailable(fault: DriverFault, err: unknown): ServiceUnavailableError {
  const { message, code } = describeDriverError(err);
  const cause = Object.assign(new Error(message), code ? { code } : {});
  const error =
    fault === 'timeout'
      ? new ServiceUnavailableError('The metadata store did not answer in time (overloaded or locked); retry shortly', 1, null, 'database_timeout')
      : new ServiceUnavailableError('The metadata store is unavailable; retry shortly', 2, null, 'database_unavailable');
  return Object.assign(error, { cause });
}

/** A lock wait or statement that timed out, whether still the driver's error or already translated. */
export function isTimeoutFault(err: unknown): boolean {
  return (err instanceof ServiceUnavailableError && err.code === 'database_timeout') || classifyDriverError(err) === 'timeout';
}

/** Rethrows a driver failure as a 503 when it is a connection or timeout fault, unchanged otherwise. */
export function translateDriverError(err: unknown): unknown {
  const fault = classifyDriverError(err);
  return fault ? toServiceUnavailable(fault, err) : err;
}
