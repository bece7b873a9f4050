// Webhook signatures (Stripe-style): HMAC-SHA256 with the webhook's signing secret over
// "<timestamp>.<body>", sent as `X-Mixpeek-Signature: v1=<hex>` next to `X-Mixpeek-Timestamp`
// (Unix seconds). Receivers recompute it over the raw body and refuse old timestamps (replays).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_VERSION = 'v1';
/** How old a timestamp receivers should accept by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_VERSION}=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (docs/webhooks.md): true when the signature matches and the timestamp is recent. */
export function verifyWebhook(secret: string, header: { signature: string; timestamp: string }, body: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
  const timestamp = Number(header.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  // A header may carry several signatures (during a secret rotation): any one may match.
  return header.signature.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
