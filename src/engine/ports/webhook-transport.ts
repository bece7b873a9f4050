// The port webhook deliveries go out through. The implementation (src/adapters/fetch/
// safe-webhook-transport.ts over src/lib/safe-fetch.ts) refuses private addresses unless the
// operator allows them (TESSERA_FETCH_ALLOW_CIDRS / _HOSTS), checks every redirect hop and bounds
// time: the engine never opens a connection itself.

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The receiver answered (any status). */
export interface WebhookAnswer {
  status: number;
  /** The start of the answer's body, for the delivery record. */
  bodyExcerpt: string;
}

/**
 * Nothing was sent (`refused`: the URL or an address it resolves to is not allowed; nothing will
 * change by retrying) or the exchange failed on the way (`unreachable`: DNS, connect, timeout).
 */
export class WebhookTransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'unreachable',
    /** safe-fetch's reason (private_address, timeout, …). */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'WebhookTransportError';
  }
}

export interface WebhookTransport {
  post(url: string, request: WebhookPost): Promise<WebhookAnswer>;
}
