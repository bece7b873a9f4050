// SecretCipher with AES-256-GCM: a random 96-bit IV per value, and the organization's internal id
// and the secret's name as additional authenticated data, so a sealed value opens only in its row.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretDecryptionError, type SecretCipher, type SecretContext } from '../../engine/ports/secret-cipher.ts';

/** Format tag of a sealed value, so a later key rotation or algorithm can tell its own values apart. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function additionalData(context: SecretContext): Buffer {
  // Neither part can hold U+0000 (ids are generated; names are refused with it), so the join is unambiguous.
  return Buffer.from(`${context.organizationInternalId}\u0000${context.secretName}`, 'utf8');
}

export class AesGcmSecretCipher implements SecretCipher {
  private key: Promise<Buffer> | undefined;

  /**
   * @param loadKey called once, on first use: a deployment that never stores a secret never needs
   *   (nor creates) a key file.
   */
  constructor(
    private readonly loadKey: () => Promise<Buffer>,
    readonly keySource: string,
  ) {}

  private getKey(): Promise<Buffer> {
    // A failed load (unreadable file) is retried on the next use rather than remembered.
    this.key ??= this.loadKey().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  async seal(plaintext: string, context: SecretContext): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.getKey(), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  async open(sealed: string, context: SecretContext): Promise<string> {
    const key = await this.getKey();
    const [version, payload] = sealed.split('.', 2);
    const bytes = Buffer.from(payload ?? '', 'base64');
    if (version !== VERSION || bytes.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError();
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError();
    }
  }
}
