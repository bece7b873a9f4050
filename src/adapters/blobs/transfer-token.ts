// Transfer tokens: what a presigned URL of the filesystem store carries. A token grants one method
// on one key until it expires; it is `base64url(payload).base64url(HMAC-SHA256)` under the signing
// key. The payload is readable by its holder (it names the key and content type they were given)
// but cannot be changed without the key.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BlobTransferAuthority, BlobTransferGrant } from '../../engine/ports/blob-store.ts';

/** Domain separation: a MAC made for anything else with the same key never verifies here. */
const CONTEXT = 'tessera-blob-transfer-v1.';

interface TokenPayload {
  m: 'PUT' | 'GET';
  k: string;
  ct?: string;
  mb?: number;
  fn?: string;
  /** Expiry, Unix milliseconds. */
  exp: number;
}

export class TransferTokenSigner implements BlobTransferAuthority {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('The transfer signing key must be at least 32 bytes');
  }

  sign(grant: BlobTransferGrant, expiresAtMs: number): string {
    const payload: TokenPayload = { m: grant.method, k: grant.key, exp: Math.floor(expiresAtMs) };
    if (grant.contentType !== null) payload.ct = grant.contentType;
    if (grant.maxBytes !== null) payload.mb = grant.maxBytes;
    if (grant.filename !== null) payload.fn = grant.filename;
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  verify(token: string, method: 'PUT' | 'GET', nowMs: number): BlobTransferGrant | undefined {
    if (typeof token !== 'string') return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
    const body = token.slice(0, dot);
    const signature = token.slice(dot + 1);
    if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return undefined;
    const expected = this.mac(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: TokenPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null || payload.m !== method || typeof payload.k !== 'string') return undefined;
    if (typeof payload.exp !== 'number' || !(payload.exp > nowMs)) return undefined;
    return {
      method: payload.m,
      key: payload.k,
      contentType: typeof payload.ct === 'string' ? payload.ct : null,
      maxBytes: typeof payload.mb === 'number' ? payload.mb : null,
      filename: typeof payload.fn === 'string' ? payload.fn : null,
    };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(CONTEXT).update(body).digest();
  }
}
