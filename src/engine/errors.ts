// The error catalogue. Domain code throws these; only the API's error handler renders them
// (as the ErrorResponse envelope), so `type` names and statuses stay stable in one place.

export type ErrorDetails = Record<string, unknown>;

export class TesseraError extends Error {
  /** Seconds a client should wait before retrying; the error handler sends it as Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly details: ErrorDetails | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = type;
  }
}

export class BadRequestError extends TesseraError {
  constructor(message: string, details: ErrorDetails | null = null, code: string | null = null) {
    super(400, 'BadRequestError', message, details, code);
  }
}

/** One message for every authentication failure, so responses never reveal whether a key exists. */
export class UnauthorizedError extends TesseraError {
  constructor() {
    super(401, 'UnauthorizedError', 'Invalid or missing API key. Send "Authorization: Bearer sk_...".');
  }
}

export class ForbiddenError extends TesseraError {
  constructor(message: string, details: ErrorDetails | null = null) {
    super(403, 'ForbiddenError', message, details);
  }
}

/** A resource in another organization is reported exactly like a missing one. */
export class NotFoundError extends TesseraError {
  constructor(resource: string, id: string) {
    super(404, 'NotFoundError', `${capitalise(resource)} not found`, { resource, id });
  }
}

export class AlreadyExistsError extends TesseraError {
  constructor(resource: string, field: string, value: string, code: string | null = null) {
    super(409, 'AlreadyExistsError', `${capitalise(resource)} with ${field} '${value}' already exists`, { resource, [field]: value }, code);
  }
}

/** The resource is in a state that does not allow the operation (a batch already submitted, still running). */
export class ConflictError extends TesseraError {
  constructor(message: string, details: ErrorDetails | null = null, code: string | null = null) {
    super(409, 'ConflictError', message, details, code);
  }
}

function capitalise(s: string): string {
  const spaced = s.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export class QuotaExceededError extends TesseraError {
  constructor(resource: string, current: number, limit: number, tier: string) {
    super(403, 'QuotaExceededError', `The ${tier} tier allows ${limit} ${resource.replace(/_/g, ' ')}; this organization has ${current}`, { resource, current, limit, tier });
  }
}

/** Credits are spent before work starts; a request that cannot pay spends nothing. */
export class InsufficientCreditsError extends TesseraError {
  constructor(required: number, balance: number) {
    super(402, 'InsufficientCreditsError', `This operation needs ${required} credits; the balance is ${balance}`, { required, balance });
  }
}

export class SpendingCapReachedError extends TesseraError {
  constructor(capCents: number, currentCents: number) {
    super(402, 'SpendingCapReachedError', 'The hard spending cap for this billing period is reached', { hard_spending_cap: capCents, current_spending_cents: currentCents });
  }
}

export class TooManyRequestsError extends TesseraError {
  constructor(
    readonly category: string,
    readonly limit: number,
    override readonly retryAfterSeconds: number,
  ) {
    super(429, 'TooManyRequestsError', `Rate limit of ${limit} ${category} requests per minute exceeded`, { category, limit, window: '1m', retry_after: retryAfterSeconds });
  }
}

/**
 * A component the request needs (metadata store, shared limiter) is unreachable or shutting down.
 * Retry-After tells clients when to try again; the cause goes to the log, never to the client.
 */
export class ServiceUnavailableError extends TesseraError {
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
    details: ErrorDetails | null = null,
    code: string | null = null,
  ) {
    super(503, 'ServiceUnavailableError', message, { ...details, retry_after: retryAfterSeconds }, code);
  }
}

/**
 * A stored secret does not open with the configured key (TESSERA_SECRETS_KEY changed, or another
 * process's key file): an operator's problem, not the client's, so a 500 with a code to search for.
 * The log says which setting to check; the value and the key never appear anywhere.
 */
export class SecretsKeyMismatchError extends TesseraError {
  constructor(secretName: string) {
    super(500, 'InternalServerError', 'A stored secret could not be decrypted with the configured secrets key', { secret_name: secretName }, 'secrets_key_mismatch');
  }
}

/** A URL blob that may not or could not be fetched (SPEC §8): `details.reason` says which check refused it. */
export class UrlValidationError extends TesseraError {
  constructor(message: string, details: ErrorDetails) {
    super(400, 'URLValidationError', message, details);
  }
}

/** A blob or upload larger than the tier or the declared size allows. */
export class PayloadTooLargeError extends TesseraError {
  constructor(message: string, details: ErrorDetails) {
    super(413, 'PayloadTooLargeError', message, details);
  }
}

/** A blob store write that received more than its maxBytes: nothing was stored. */
export class BlobTooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super(`The blob is larger than ${maxBytes} bytes`, { max_bytes: maxBytes });
  }
}

/** One item of a 422: where (`['body', 'inputs', 'query']`), what kind of failure, and a message. */
export interface ValidationErrorItem {
  type: string;
  location: (string | number)[];
  message: string;
}

/**
 * Input the engine checks against a schema known only at run time (a retriever's input_schema):
 * a 422 like the API's own body validation. The error handler also renders the items as the
 * FastAPI-style `detail` array (SPEC §0.6), so both kinds of client parse it.
 */
export class ValidationError extends TesseraError {
  constructor(
    message: string,
    readonly items: readonly ValidationErrorItem[],
  ) {
    super(422, 'ValidationError', message, { validation_errors: items.map((i) => ({ type: i.type, location: i.location, message: i.message })) });
  }
}

/** The model a query must be embedded with is not available in this process (SPEC §0.6: model serving down). */
export class InferenceServiceUnavailableError extends TesseraError {
  constructor(message: string, details: ErrorDetails | null = null) {
    super(503, 'InferenceServiceUnavailableError', message, details);
  }
}

/** A retriever execution ran past its budget's max_time_ms (SPEC §15.2: the execution halts). */
export class ExecutionTimeoutError extends TesseraError {
  constructor(maxTimeMs: number, elapsedMs: number, stageName: string | null) {
    super(408, 'TimeoutError', `The execution exceeded its time budget of ${maxTimeMs} ms${stageName ? ` during stage '${stageName}'` : ''}`, { max_time_ms: maxTimeMs, time_used_ms: elapsedMs, stage_name: stageName }, 'budget_time_exceeded');
  }
}
