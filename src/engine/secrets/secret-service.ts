// The organization secrets vault: values are sealed before they reach the repository and are never
// returned by any route. reveal() is for the engine's own consumers (retriever stages, extractors).
import { AlreadyExistsError, NotFoundError, SecretsKeyMismatchError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { UniqueViolation } from '../ports/metadata-store.ts';
import { SecretDecryptionError, type SecretCipher } from '../ports/secret-cipher.ts';
import type { SecretRepository } from '../ports/secret-repository.ts';

/** The organization a secret belongs to: a request's principal.organization, or a job's organization. */
export interface SecretOwner {
  internalId: string;
}

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

  async create(owner: SecretOwner, secretName: string, value: string): Promise<void> {
    const sealedValue = await this.cipher.seal(value, { organizationInternalId: owner.internalId, secretName });
    const now = this.clock.now().toISOString();
    try {
      await this.secrets.insert({ organizationInternalId: owner.internalId, secretName, sealedValue, createdAt: now, updatedAt: now });
    } catch (err) {
      if (err instanceof UniqueViolation) throw new AlreadyExistsError('secret', 'secret_name', secretName, 'secret_exists');
      throw err;
    }
  }

  list(owner: SecretOwner): Promise<string[]> {
    return this.secrets.listNames(owner.internalId);
  }

  async update(owner: SecretOwner, secretName: string, value: string): Promise<void> {
    const sealedValue = await this.cipher.seal(value, { organizationInternalId: owner.internalId, secretName });
    if (!(await this.secrets.updateValue(owner.internalId, secretName, sealedValue, this.clock.now().toISOString()))) {
      throw new NotFoundError('secret', secretName);
    }
  }

  async delete(owner: SecretOwner, secretName: string): Promise<void> {
    if (!(await this.secrets.delete(owner.internalId, secretName))) throw new NotFoundError('secret', secretName);
  }

  /** The plaintext value, for consumers inside Tessera only: no route exposes it. */
  async reveal(owner: SecretOwner, secretName: string): Promise<string> {
    const stored = await this.secrets.find(owner.internalId, secretName);
    if (!stored) throw new NotFoundError('secret', secretName);
    try {
      return await this.cipher.open(stored.sealedValue, { organizationInternalId: owner.internalId, secretName });
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      this.onKeyMismatch({ organization_internal_id: owner.internalId, secret_name: secretName, key_source: this.cipher.keySource });
      throw new SecretsKeyMismatchError(secretName);
    }
  }
}
