// Where the secrets key comes from: TESSERA_SECRETS_KEY, or a key generated once into the data
// directory. Errors name the source, never the key.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const KEY_BYTES = 32;
export const KEY_FILE_NAME = 'secrets.key';

/** A 32-byte key written as 64 hex digits or base64 (standard or URL-safe); null otherwise. */
export function decodeSecretsKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9A-Fa-f]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  return null;
}

async function readKeyFile(file: string, setting: string): Promise<Buffer> {
  const key = decodeSecretsKey(await fs.readFile(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a 32-byte key (64 hex digits or base64): restore the original file or set ${setting}`);
  return key;
}

/**
 * Reads <dataDir>/secrets.key (or another key file: the blob transfer signing key), creating it (mode 0600) when absent. The new key is written whole to
 * a private temporary file and then hard-linked into place, which fails if the name exists: of
 * processes starting together exactly one link wins, and every one of them then reads that file.
 */
export async function loadOrCreateKeyFile(dataDir: string, fileName = KEY_FILE_NAME, setting = 'TESSERA_SECRETS_KEY'): Promise<Buffer> {
  const file = path.join(dataDir, fileName);
  try {
    return await readKeyFile(file, setting);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temporary = path.join(dataDir, `.${fileName}.${process.pid}.${randomBytes(6).toString('hex')}`);
  await fs.writeFile(temporary, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return readKeyFile(file, setting);
}
