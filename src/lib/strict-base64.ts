// Strict base64 decoding. Buffer.from(s, 'base64') skips any character it does not know, so
// "not base64 at all" would decode to a few stray bytes; here the whole string must be base64
// (standard or URL-safe alphabet, padded or not; line breaks and spaces ignored), and its decoded
// size is known and checked before anything is decoded.

export type Base64Decoded =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'malformed' }
  | { ok: false; reason: 'too_large'; decodedBytes: number };

const WHITESPACE = /[\t\n\r ]/;
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Bytes that `encoded` (without whitespace, well-formed) decodes to. */
export function base64DecodedLength(encoded: string): number {
  const padding = encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0;
  return Math.floor(((encoded.length - padding) * 3) / 4);
}

export function decodeBase64Strict(input: string, maxBytes: number): Base64Decoded {
  const encoded = WHITESPACE.test(input) ? input.replace(/[\t\n\r ]/g, '') : input;
  const padded = encoded.endsWith('=');
  if (encoded.length === 0 || encoded.length % 4 === 1 || (padded && encoded.length % 4 !== 0)) return { ok: false, reason: 'malformed' };
  const decodedBytes = base64DecodedLength(encoded);
  if (decodedBytes > maxBytes) return { ok: false, reason: 'too_large', decodedBytes };
  const urlSafe = !STANDARD.test(encoded);
  if (urlSafe && !URL_SAFE.test(encoded)) return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(encoded, urlSafe ? 'base64url' : 'base64');
  return bytes.length === decodedBytes ? { ok: true, bytes } : { ok: false, reason: 'malformed' };
}
