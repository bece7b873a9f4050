// The usage module's repositories over Kysely, registered in ../repository-factories.ts.
import type { UsageRepositories } from '../../../engine/usage/usage-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyRequestUsageRepository } from './request-usage-repository.ts';

export const usageRepositories = {
  requestUsage: (db) => new KyselyRequestUsageRepository(db),
} satisfies RepositoryFactories<UsageRepositories>;
