import { createHash, randomBytes } from 'node:crypto';

/** Plaintext API key: `sk_` + base64url of 32 random bytes (256 bits). Shown once, never stored. */
export function newApiKeySecret(): string {
  return 'sk_' + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** What we keep to recognise a key in listings without being able to use it. */
export function keyPrefixOf(secret: string): string {
  return secret.slice(0, 10);
}
