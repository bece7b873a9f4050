// The port for fetching a URL a client gave us (URL blobs). The implementation
// (src/lib/safe-fetch.ts) refuses private addresses, re-checks redirects and bounds size and time;
// a refused URL is a URLValidationError (400) and nothing is created.
export interface FetchedUrl {
  bytes: Buffer;
  /** The server's Content-Type, for information only: blob types are sniffed from the bytes. */
  contentType: string | null;
  /** The URL after redirects. */
  finalUrl: string;
  /** The last path segment of finalUrl, decoded, when it has one. */
  filename: string | null;
}

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface UrlFetcher {
  fetch(url: string, limits: FetchLimits): Promise<FetchedUrl>;
}
