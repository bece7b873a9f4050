// The secrets module's storage port: names and sealed (encrypted) values only. The repository
// never sees a plaintext value; SecretService seals before writing and opens after reading.
import type { TenantScope } from '../scope/request-scope.ts';

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
  listNames(tenant: TenantScope): Promise<string[]>;
  find(tenant: TenantScope, secretName: string): Promise<StoredSecret | undefined>;
  /** False when the organization has no secret of that name. */
  updateValue(tenant: TenantScope, secretName: string, sealedValue: string, updatedAt: string): Promise<boolean>;
  /** False when the organization has no secret of that name. */
  delete(tenant: TenantScope, secretName: string): Promise<boolean>;
}

export interface SecretRepositories {
  secrets: SecretRepository;
}
