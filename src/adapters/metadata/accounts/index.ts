// The accounts module's repositories over Kysely, registered in ../repository-factories.ts.
import type { AccountRepositories } from '../../../engine/accounts/account-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyApiKeyRepository } from './api-key-repository.ts';
import { KyselyMarkerRepository } from './marker-repository.ts';
import { KyselyOrganizationRepository } from './organization-repository.ts';
import { KyselyUserRepository } from './user-repository.ts';

export const accountRepositories = {
  markers: (db) => new KyselyMarkerRepository(db),
  organizations: (db) => new KyselyOrganizationRepository(db),
  users: (db) => new KyselyUserRepository(db),
  apiKeys: (db) => new KyselyApiKeyRepository(db),
} satisfies RepositoryFactories<AccountRepositories>;
