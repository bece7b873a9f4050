// The retrievers module's repositories over Kysely, registered in ../repository-factories.ts.
import type { RetrieverRepositories } from '../../../engine/retrievers/retriever-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyRetrieverExecutionRepository } from './execution-repository.ts';
import { KyselyRetrieverRepository } from './retriever-repository.ts';

export const retrieverRepositories = {
  retrievers: (db) => new KyselyRetrieverRepository(db),
  retrieverExecutions: (db) => new KyselyRetrieverExecutionRepository(db),
} satisfies RepositoryFactories<RetrieverRepositories>;
