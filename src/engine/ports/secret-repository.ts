// The port for an organization's secrets vault: names and sealed (encrypted) values only. The
// repository never sees a plaintext value; SecretService seals before writing and opens after reading.

export interface StoredSecret {
  organizationInternalId: string;
  secretName: string;
  /** What SecretCipher.seal returned: opaque to everything but the cipher. */
  sealedValue: string;
  createdAt: string;
  updatedAt: string;
}

export interface SecretRepository {
  /** Throws UniqueViolation when the organization already has a secret of that name. */
  insert(secret: StoredSecret): Promise<void>;
  /** Names in the organization, in name order. */
  listNames(organizationInternalId: string): Promise<string[]>;
  find(organizationInternalId: string, secretName: string): Promise<StoredSecret | undefined>;
  /** False when the organization has no secret of that name. */
  updateValue(organizationInternalId: string, secretName: string, sealedValue: string, updatedAt: string): Promise<boolean>;
  /** False when the organization has no secret of that name. */
  delete(organizationInternalId: string, secretName: string): Promise<boolean>;
}
