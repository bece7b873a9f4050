// The WebhookTransport port over src/lib/safe-fetch.ts: the same address policy as URL blobs
// (TESSERA_FETCH_ALLOW_CIDRS / TESSERA_FETCH_ALLOW_HOSTS), POST instead of GET.
import { WebhookTransportError, type WebhookAnswer, type WebhookPost, type WebhookTransport } from '../../engine/ports/webhook-transport.ts';
import { SafeFetcher, SafeFetchError, type SafeFetchReason } from '../../lib/safe-fetch.ts';
import { safeFetcherFrom, type SafeUrlFetcherOptions } from './safe-url-fetcher.ts';

/** Failures on the way (retried); every other reason is a refusal (the URL will not become acceptable by waiting). */
const UNREACHABLE: ReadonlySet<SafeFetchReason> = new Set(['dns_failure', 'timeout', 'connection_failed']);
/** How much of a receiver's answer the delivery record keeps. */
const ANSWER_EXCERPT_BYTES = 1024;

export class SafeWebhookTransport implements WebhookTransport {
  readonly #fetcher: SafeFetcher;
  readonly #timeoutMs: number;

  constructor(options: SafeUrlFetcherOptions = {}) {
    this.#fetcher = safeFetcherFrom(options);
    this.#timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  }

  async post(url: string, request: WebhookPost): Promise<WebhookAnswer> {
    try {
      const answer = await this.#fetcher.post(url, {
        headers: request.headers,
        body: request.body,
        maxResponseBytes: ANSWER_EXCERPT_BYTES,
        timeoutMs: Math.min(request.timeoutMs, this.#timeoutMs),
      });
      return { status: answer.status, bodyExcerpt: answer.bodyText };
    } catch (err) {
      if (err instanceof SafeFetchError) {
        throw new WebhookTransportError(err.message, UNREACHABLE.has(err.reason) ? 'unreachable' : 'refused', err.reason);
      }
      throw err;
    }
  }
}
