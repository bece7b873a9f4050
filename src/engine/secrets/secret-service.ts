// The organization secrets vault: values are sealed before they reach the repository and are never
// returned by any route. reveal() is for the engine's own consumers (retriever stages, extractors).
import { AlreadyExistsError, NotFoundError, SecretsKeyMismatchError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation } from '../ports/metadata-store.ts';
import { SecretDecryptionError, type SecretCipher } from '../ports/secret-cipher.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { SecretRepository } from './secret-repositories.ts';

export interface KeyMismatch {
  organization_internal_id: string;
  secret_name: string;
  key_source: string;
}

export class SecretService {
  constructor(
    private readonly secrets: SecretRepository,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    /** Told (for the log) when a stored value does not open: which key source to check. */
    private readonly onKeyMismatch: (mismatch: KeyMismatch) => void = () => {},
  ) {}

  async create(scope: RequestScope, secretName: string, value: string): Promise<void> {
    const sealedValue = await this.cipher.seal(value, { organizationInternalId: scope.organization.internalId, secretName });
    const now = this.clock.now().toISOString();
    try {
      await this.secrets.insert({ organizationInternalId: scope.organization.internalId, secretName, sealedValue, createdAt: now, updatedAt: now });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new AlreadyExistsError('secret', 'secret_name', secretName, 'secret_exists');
      throw err;
    }
  }

  list(scope: RequestScope): Promise<string[]> {
    return this.secrets.listNames(scope);
  }

  async update(scope: RequestScope, secretName: string, value: string): Promise<void> {
    const sealedValue = await this.cipher.seal(value, { organizationInternalId: scope.organization.internalId, secretName });
    if (!(await this.secrets.updateValue(scope, secretName, sealedValue, this.clock.now().toISOString()))) {
      throw new NotFoundError('secret', secretName);
    }
  }

  async delete(scope: RequestScope, secretName: string): Promise<void> {
    if (!(await this.secrets.delete(scope, secretName))) throw new NotFoundError('secret', secretName);
  }

  /** The plaintext value, for consumers inside Tessera only: no route exposes it. */
  async reveal(scope: RequestScope, secretName: string): Promise<string> {
    const stored = await this.secrets.find(scope, secretName);
    if (!stored) throw new NotFoundError('secret', secretName);
    try {
      return await this.cipher.open(stored.sealedValue, { organizationInternalId: scope.organization.internalId, secretName });
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      this.onKeyMismatch({ organization_internal_id: scope.organization.internalId, secret_name: secretName, key_source: this.cipher.keySource });
      throw new SecretsKeyMismatchError(secretName);
    }
  }
}
