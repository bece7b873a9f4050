// A Mixpeek user's HTTP client: bearer key, X-Namespace, JSON bodies. A fresh store's organization
// is on the free tier (10 requests a minute per category), so a 429 is waited out as its
// Retry-After header says and the request repeated, as the README tells users to do.
import { sleep } from './server.ts';

const MAX_RATE_LIMIT_RETRIES = 5;
/** Longest single wait on a 429; the limiter's window is one minute. */
const MAX_RETRY_AFTER_S = 65;

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: any;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  namespace?: string;
}

export class Client {
  /** How long the suite waited on 429s, reported at the end. */
  rateLimitedSeconds = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async request(method: string, route: string, options: RequestOptions = {}): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.baseUrl + route, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.namespace ? { 'x-namespace': options.namespace } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await res.text();
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const retryAfter = Math.min(MAX_RETRY_AFTER_S, Math.max(1, Number(res.headers.get('retry-after')) || 1));
        process.stderr.write(`# 429 on ${method} ${route}: waiting ${retryAfter} s (Retry-After)\n`);
        this.rateLimitedSeconds += retryAfter;
        await sleep(retryAfter * 1000);
        continue;
      }
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (an event stream, an empty body): the text is the body.
      }
      return { status: res.status, headers: res.headers, body, text };
    }
  }

  /** A request that must answer 200; the message names the call and shows the body otherwise. */
  async ok(method: string, route: string, options: RequestOptions = {}): Promise<any> {
    const reply = await this.request(method, route, options);
    if (reply.status !== 200) throw new Error(`${method} ${route} → ${reply.status} ${reply.text.slice(0, 800)}`);
    return reply.body;
  }
}
