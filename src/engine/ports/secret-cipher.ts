// Encryption of secret values at rest. The engine decides what is sealed and with which context; an
// adapter (AES-256-GCM over node:crypto) decides how, and where its key comes from.

/**
 * Bound into each sealed value as authenticated data: a sealed value copied to another
 * organization's row, or to another name, fails to open instead of revealing it there.
 */
export interface SecretContext {
  organizationInternalId: string;
  secretName: string;
}

export interface SecretCipher {
  /** Where the key comes from, in words an operator can act on (a setting name or a file path). Never the key. */
  readonly keySource: string;
  seal(plaintext: string, context: SecretContext): Promise<string>;
  /** Throws SecretDecryptionError when the key (or the context) is not the one the value was sealed with. */
  open(sealed: string, context: SecretContext): Promise<string>;
}

/** The value did not authenticate: sealed with another key, moved from another row, or altered. */
export class SecretDecryptionError extends Error {
  constructor() {
    super('the sealed secret value could not be opened with the configured key');
  }
}
