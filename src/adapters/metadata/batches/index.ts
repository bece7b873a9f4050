// The batches module's repositories over Kysely, registered in ../repository-factories.ts.
import type { BatchRepositories } from '../../../engine/batches/batch-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyBatchChunkRepository } from './batch-chunk-repository.ts';
import { KyselyBatchFailureRepository } from './batch-failure-repository.ts';
import { KyselyBatchRepository } from './batch-repository.ts';

export const batchRepositories = {
  batches: (db) => new KyselyBatchRepository(db),
  batchChunks: (db) => new KyselyBatchChunkRepository(db),
  batchFailures: (db) => new KyselyBatchFailureRepository(db),
} satisfies RepositoryFactories<BatchRepositories>;
