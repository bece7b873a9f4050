// Fetching a URL a client gave us without letting it reach what the server can reach: the one path
// every URL blob takes. Each hop (the URL, then every redirect) is checked before anything connects:
// http(s) only, no credentials, no metadata hostnames, and every address the name resolves to must be
// public (or allowed by the operator). The name is resolved once, here, and the connection is pinned
// to the checked addresses (the agent's lookup answers from them), so a second, different DNS answer
// (rebinding) never gets used. Size and time are bounded: one deadline covers DNS, connect, headers
// and body, and reading stops at the first byte past the limit.
import dns from 'node:dns/promises';
import net from 'node:net';
import { Agent, request as undiciRequest } from 'undici';
import type { AddressPolicy } from './address-policy.ts';

export type SafeFetchReason =
  | 'unsupported_scheme'
  | 'invalid_url'
  | 'private_address'
  | 'dns_failure'
  | 'too_many_redirects'
  | 'too_large'
  | 'timeout'
  | 'http_status'
  | 'connection_failed'
  | 'credentials_in_url'
  | 'url_too_long'
  | 'cross_origin_redirect';

export class SafeFetchError extends Error {
  constructor(
    message: string,
    readonly reason: SafeFetchReason,
    /** The URL refused (the redirect hop's when a hop was refused), without credentials. */
    readonly url: string,
    readonly address?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  policy: AddressPolicy;
  /** Hostnames (exact, case-insensitive) whose addresses are not checked. */
  allowHosts?: readonly string[];
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /** Default: the system resolver (getaddrinfo, /etc/hosts included), every address. */
  lookup?: Resolver;
}

export interface SafeFetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** A POST (webhook deliveries): the body and headers sent, the answer's status whatever it is. */
export interface SafePostRequest {
  headers: Record<string, string>;
  body: string;
  /** Most bytes of the answer kept (for the delivery record); the rest is read and dropped. */
  maxResponseBytes: number;
  timeoutMs: number;
}

export interface SafePostResult {
  status: number;
  /** The first maxResponseBytes of the answer's body, as UTF-8. */
  bodyText: string;
  finalUrl: string;
  redirects: number;
}

export interface SafeFetchResult {
  bytes: Buffer;
  contentType: string | null;
  finalUrl: string;
  filename: string | null;
  /** Redirects followed. */
  redirects: number;
}

/** Internet Explorer's limit, which Mixpeek keeps for URL blobs (SPEC §8). */
export const MAX_URL_LENGTH = 2083;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Names of cloud metadata services; their addresses are link-local or private too, but a resolver may say otherwise. */
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
]);

const systemLookup: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The URL for messages and error details: credentials removed, very long ones cut. */
export function displayUrl(url: string | URL): string {
  let text: string;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    text = u.href;
  } catch {
    text = String(url).replace(/\/\/[^/@]*@/, '//');
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Lower case, no brackets around IPv6, no trailing dot: the form checks and pins compare. */
function normalizeHost(hostname: string): string {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function filenameOf(url: URL): string | null {
  const segment = url.pathname.split('/').pop() ?? '';
  if (!segment) return null;
  try {
    return decodeURIComponent(segment) || null;
  } catch {
    return segment;
  }
}

function errorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export class SafeFetcher {
  readonly #policy: AddressPolicy;
  readonly #allowHosts: ReadonlySet<string>;
  readonly #maxRedirects: number;
  readonly #lookup: Resolver;

  constructor(options: SafeFetchOptions) {
    this.#policy = options.policy;
    this.#allowHosts = new Set((options.allowHosts ?? []).map(normalizeHost));
    this.#maxRedirects = options.maxRedirects ?? 5;
    this.#lookup = options.lookup ?? systemLookup;
  }

  /**
   * POSTs `body` to `url` with the same checks as fetch (scheme, credentials, every address of every
   * hop). Only 307 and 308 redirects to the same origin are followed (they keep the method, body and
   * headers; each new hop is checked before anything connects); any other status, 3xx included, is returned, not thrown.
   * Refusals and transport failures throw SafeFetchError.
   */
  async post(url: string, request: SafePostRequest): Promise<SafePostResult> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
    const pins = new Map<string, ResolvedAddress[]>();
    const agent = new Agent({
      connect: { lookup: pinnedLookup(pins), timeout: request.timeoutMs },
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    let current = url;
    try {
      for (let redirects = 0; ; redirects++) {
        const target = await this.#checkHop(current, pins, deadline.signal, request.timeoutMs);
        const shown = displayUrl(target);
        let response: Awaited<ReturnType<typeof undiciRequest>>;
        try {
          response = await undiciRequest(target, {
            method: 'POST',
            dispatcher: agent,
            signal: deadline.signal,
            headers: { 'user-agent': 'Tessera-Webhooks/1', ...request.headers },
            body: request.body,
          });
        } catch (err) {
          throw transportError(err, deadline.signal, request.timeoutMs, target, shown);
        }
        const { statusCode, headers, body } = response;
        const location = headers.location;
        const next = Array.isArray(location) ? location[0] : location;
        if ((statusCode === 307 || statusCode === 308) && next) {
          discard(body);
          if (redirects >= this.#maxRedirects) {
            throw new SafeFetchError(`URL refused: more than ${this.#maxRedirects} redirects`, 'too_many_redirects', shown);
          }
          let following: URL;
          try {
            following = new URL(next, target);
          } catch {
            throw new SafeFetchError('URL refused: the redirect location is not a valid URL', 'invalid_url', shown, undefined, statusCode);
          }
          // The request carries the caller's headers and signature: they go to the origin the caller
          // named, never to another one a redirect points at.
          if (following.origin !== target.origin) {
            throw new SafeFetchError(`URL refused: a redirect to another origin (${displayUrl(following)}) is not followed`, 'cross_origin_redirect', shown, undefined, statusCode);
          }
          current = following.href;
          continue;
        }
        const chunks: Buffer[] = [];
        let kept = 0;
        try {
          for await (const chunk of body) {
            const buf = chunk as Buffer;
            if (kept < request.maxResponseBytes) {
              const part = buf.subarray(0, request.maxResponseBytes - kept);
              chunks.push(part);
              kept += part.length;
            }
          }
        } catch (err) {
          throw transportError(err, deadline.signal, request.timeoutMs, target, shown);
        }
        return { status: statusCode, bodyText: Buffer.concat(chunks, kept).toString('utf8'), finalUrl: target.href, redirects };
      }
    } finally {
      clearTimeout(timer);
      await agent.destroy().catch(() => {});
    }
  }

  async fetch(url: string, limits: SafeFetchLimits): Promise<SafeFetchResult> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
    // Addresses each checked hostname may connect to; the agent's lookup answers only from here.
    const pins = new Map<string, ResolvedAddress[]>();
    const agent = new Agent({
      connect: { lookup: pinnedLookup(pins), timeout: limits.timeoutMs },
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    let current = url;
    try {
      for (let redirects = 0; ; redirects++) {
        const target = await this.#checkHop(current, pins, deadline.signal, limits.timeoutMs);
        const hop = await this.#get(target, agent, deadline.signal, limits);
        if (hop.kind === 'done') return { ...hop.result, redirects };
        if (redirects >= this.#maxRedirects) {
          throw new SafeFetchError(`URL refused: more than ${this.#maxRedirects} redirects`, 'too_many_redirects', displayUrl(target));
        }
        current = hop.location;
      }
    } finally {
      clearTimeout(timer);
      await agent.destroy().catch(() => {});
    }
  }

  /** Everything decided before connecting: the URL's form, its host, and every address it resolves to. */
  async #checkHop(text: string, pins: Map<string, ResolvedAddress[]>, signal: AbortSignal, timeoutMs: number): Promise<URL> {
    if (text.length > MAX_URL_LENGTH) {
      throw new SafeFetchError(`URL refused: longer than ${MAX_URL_LENGTH} characters`, 'url_too_long', displayUrl(text));
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new SafeFetchError('URL refused: not a valid absolute URL', 'invalid_url', displayUrl(text));
    }
    const shown = displayUrl(url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SafeFetchError(`URL refused: scheme ${url.protocol.slice(0, -1)} is not supported (http and https only)`, 'unsupported_scheme', shown);
    }
    if (url.username || url.password) {
      throw new SafeFetchError('URL refused: credentials in URLs are not accepted', 'credentials_in_url', shown);
    }
    const host = normalizeHost(url.hostname);
    if (!host) throw new SafeFetchError('URL refused: no host', 'invalid_url', shown);
    const hostAllowed = this.#allowHosts.has(host);
    if (!hostAllowed && METADATA_HOSTNAMES.has(host)) {
      throw new SafeFetchError(`URL refused: ${host} is a cloud metadata service`, 'private_address', shown);
    }
    let addresses: ResolvedAddress[];
    const family = net.isIP(host);
    if (family) {
      addresses = [{ address: host, family }];
    } else {
      addresses = await this.#resolve(host, shown, signal, timeoutMs);
      pins.set(host, addresses);
    }
    if (!hostAllowed) {
      for (const { address } of addresses) {
        if (!this.#policy.check(address).allowed) {
          // The address stays on the error (for the operator's log), out of the message: a tenant
          // must not learn what the server's resolver answers for internal names.
          const what = family ? `${host} is` : `${host} resolves to`;
          throw new SafeFetchError(`URL refused: ${what} a private or reserved address`, 'private_address', shown, address);
        }
      }
    }
    return url;
  }

  async #resolve(host: string, shown: string, signal: AbortSignal, timeoutMs: number): Promise<ResolvedAddress[]> {
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new SafeFetchError(`URL refused: no answer within ${timeoutMs} ms`, 'timeout', shown));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      const addresses = await Promise.race([this.#lookup(host), aborted]);
      if (addresses.length === 0) throw new Error('no addresses');
      return addresses;
    } catch (err) {
      if (err instanceof SafeFetchError) throw err;
      const code = errorCode(err);
      throw new SafeFetchError(`URL refused: ${host} could not be resolved${code ? ` (${code})` : ''}`, 'dns_failure', shown);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  async #get(
    url: URL,
    agent: Agent,
    signal: AbortSignal,
    limits: SafeFetchLimits,
  ): Promise<{ kind: 'redirect'; location: string } | { kind: 'done'; result: Omit<SafeFetchResult, 'redirects'> }> {
    const shown = displayUrl(url);
    const fail = (err: unknown): never => {
      if (err instanceof SafeFetchError) throw err;
      const code = errorCode(err);
      if (signal.aborted || (code && TIMEOUT_CODES.has(code))) {
        throw new SafeFetchError(`URL refused: no complete answer within ${limits.timeoutMs} ms`, 'timeout', shown);
      }
      throw new SafeFetchError(`URL refused: could not fetch ${url.host}${code ? ` (${code})` : ''}`, 'connection_failed', shown);
    };
    let response: Awaited<ReturnType<typeof undiciRequest>>;
    try {
      response = await undiciRequest(url, {
        method: 'GET',
        dispatcher: agent,
        signal,
        headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'Tessera-URL-Fetcher/1' },
      });
    } catch (err) {
      return fail(err);
    }
    const { statusCode, headers, body } = response;
    const header = (name: string): string | null => {
      const v = headers[name];
      return (Array.isArray(v) ? v[0] : v) ?? null;
    };
    if (REDIRECT_STATUSES.has(statusCode) && header('location')) {
      discard(body);
      let location: string;
      try {
        location = new URL(header('location')!, url).href;
      } catch {
        throw new SafeFetchError('URL refused: the redirect location is not a valid URL', 'invalid_url', shown, undefined, statusCode);
      }
      return { kind: 'redirect', location };
    }
    if (statusCode < 200 || statusCode > 299) {
      discard(body);
      throw new SafeFetchError(`URL refused: the server answered ${statusCode}`, 'http_status', shown, undefined, statusCode);
    }
    const tooLarge = () => new SafeFetchError(`URL refused: larger than ${limits.maxBytes} bytes`, 'too_large', shown);
    const declared = header('content-length');
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limits.maxBytes) {
      discard(body);
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of body) {
        const buf = chunk as Buffer;
        total += buf.length;
        if (total > limits.maxBytes) {
          discard(body);
          throw tooLarge();
        }
        chunks.push(buf);
      }
    } catch (err) {
      return fail(err);
    }
    return {
      kind: 'done',
      result: { bytes: Buffer.concat(chunks, total), contentType: header('content-type'), finalUrl: url.href, filename: filenameOf(url) },
    };
  }
}

function transportError(err: unknown, signal: AbortSignal, timeoutMs: number, url: URL, shown: string): SafeFetchError {
  if (err instanceof SafeFetchError) return err;
  const code = errorCode(err);
  if (signal.aborted || (code && TIMEOUT_CODES.has(code))) {
    return new SafeFetchError(`no complete answer within ${timeoutMs} ms`, 'timeout', shown);
  }
  return new SafeFetchError(`could not reach ${url.host}${code ? ` (${code})` : ''}`, 'connection_failed', shown);
}

/** Drops a body unread; undici reports the drop as an error event, which nobody needs. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => {});
  body.destroy();
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void;

/** net.connect's `lookup`, answering only with the addresses checked for that hostname. */
function pinnedLookup(pins: Map<string, ResolvedAddress[]>) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const addresses = pins.get(normalizeHost(hostname));
    if (!addresses || addresses.length === 0) {
      const err: NodeJS.ErrnoException = new Error(`${hostname} was not checked before connecting`);
      err.code = 'ENOTFOUND';
      callback(err, []);
      return;
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}
