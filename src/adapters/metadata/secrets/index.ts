// The secrets module's repositories over Kysely, registered in ../repository-factories.ts.
import type { SecretRepositories } from '../../../engine/secrets/secret-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselySecretRepository } from './secret-repository.ts';

export const secretRepositories = {
  secrets: (db) => new KyselySecretRepository(db),
} satisfies RepositoryFactories<SecretRepositories>;
