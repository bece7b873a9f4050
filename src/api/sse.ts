// Server-sent events on a Fastify reply: `data: {json}\n\n` frames, then `data: [DONE]\n\n`
// (SPEC §15.2 streaming). The stream starts with its first frame: until then the reply is an
// ordinary one, so an error before any event is still answered with the error envelope. Starting
// hijacks the reply (admission — authentication, rate limits — ran before the handler) and carries
// the headers already set on it (request id, rate-limit headers) onto the raw response.
import { once } from 'node:events';
import type { FastifyReply } from 'fastify';

export class SseStream {
  private started = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string> = {},
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** True once the client is gone (or the stream ended): further frames are dropped. */
  get isClosed(): boolean {
    const raw = this.reply.raw;
    return raw.destroyed || raw.writableEnded;
  }

  /** One frame; resolves when the socket took it (backpressure), or at once when the client is gone. */
  async send(data: unknown): Promise<void> {
    this.start();
    if (this.isClosed) return;
    const raw = this.reply.raw;
    if (!raw.write(`data: ${JSON.stringify(data)}\n\n`)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  }

  /** `data: [DONE]` and the end of the response. */
  end(): void {
    this.start();
    if (this.isClosed) return;
    this.reply.raw.end('data: [DONE]\n\n');
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reply.hijack();
    const carried: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(this.reply.getHeaders())) {
      if (value !== undefined && name !== 'content-length' && name !== 'content-type') carried[name] = value;
    }
    this.reply.raw.writeHead(200, {
      ...carried,
      ...this.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Proxies (nginx) would otherwise buffer the frames.
      'x-accel-buffering': 'no',
    });
  }
}
