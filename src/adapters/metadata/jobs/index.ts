// The jobs module's repositories over Kysely, registered in ../repository-factories.ts.
import type { JobRepositories } from '../../../engine/jobs/job-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyJobRepository } from './job-repository.ts';

export const jobRepositories = {
  jobs: (db) => new KyselyJobRepository(db),
} satisfies RepositoryFactories<JobRepositories>;
