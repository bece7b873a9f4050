// Blob keys are built by Tessera from its own ids; adapters still refuse anything outside the
// documented alphabet, so a bug upstream can never turn a key into a path or S3 key elsewhere.
export class InvalidBlobKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`Invalid blob key ${JSON.stringify(key.slice(0, 80))}: ${reason}`);
    this.name = 'InvalidBlobKeyError';
  }
}

/** Long enough for nested Tessera ids; short enough that a transfer token stays under the router's 1024-character limit. */
export const MAX_BLOB_KEY_LENGTH = 512;
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Returns the key's segments, or throws InvalidBlobKeyError. */
export function validateBlobKey(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'empty');
  if (key.length > MAX_BLOB_KEY_LENGTH) throw new InvalidBlobKeyError(key, `longer than ${MAX_BLOB_KEY_LENGTH} characters`);
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'leading "/"');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'empty segment');
    if (!SEGMENT.test(segment)) throw new InvalidBlobKeyError(key, 'segments may hold only A-Z a-z 0-9 _ . -');
    // "." and ".." (and "...") would address another directory on a filesystem.
    if (/^\.+$/.test(segment)) throw new InvalidBlobKeyError(key, 'a segment of dots');
  }
  return segments;
}
