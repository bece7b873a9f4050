// The UrlFetcher port over src/lib/safe-fetch.ts: maps its refusals to URLValidationError (400),
// whose details name the reason, never a stack or an internal error.
import { UrlValidationError } from '../../engine/errors.ts';
import type { FetchedUrl, FetchLimits, UrlFetcher } from '../../engine/ports/url-fetcher.ts';
import { AddressPolicy } from '../../lib/address-policy.ts';
import { SafeFetcher, SafeFetchError, type Resolver } from '../../lib/safe-fetch.ts';

export interface SafeUrlFetcherOptions {
  /** Hostnames (exact) whose addresses are not checked. */
  allowHosts?: readonly string[];
  /** Address ranges allowed although private, loopback or reserved (e.g. 10.0.0.0/8). */
  allowCidrs?: readonly string[];
  maxRedirects?: number;
  /** The longest any fetch may take, whatever its caller asks for. */
  timeoutMs?: number;
  /** Default: the system resolver; tests inject names resolving wherever they need. */
  lookup?: Resolver;
}

/** The one SafeFetcher setup from TESSERA_FETCH_* options: URL blobs and webhook deliveries share it. */
export function safeFetcherFrom(options: SafeUrlFetcherOptions): SafeFetcher {
  return new SafeFetcher({
    policy: new AddressPolicy(options.allowCidrs),
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
}

export class SafeUrlFetcher implements UrlFetcher {
  readonly #fetcher: SafeFetcher;
  readonly #timeoutMs: number;

  constructor(options: SafeUrlFetcherOptions = {}) {
    this.#fetcher = safeFetcherFrom(options);
    this.#timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  }

  async fetch(url: string, limits: FetchLimits): Promise<FetchedUrl> {
    try {
      const { bytes, contentType, finalUrl, filename } = await this.#fetcher.fetch(url, {
        maxBytes: limits.maxBytes,
        timeoutMs: Math.min(limits.timeoutMs, this.#timeoutMs),
      });
      return { bytes, contentType, finalUrl, filename };
    } catch (err) {
      if (err instanceof SafeFetchError) {
        throw new UrlValidationError(err.message, {
          url: err.url,
          reason: err.reason,
          ...(err.address !== undefined ? { address: err.address } : {}),
          ...(err.status !== undefined ? { status: err.status } : {}),
        });
      }
      // Anything else is a bug here, not the URL's fault: a 500, whose internals the API never shows.
      throw err;
    }
  }
}
