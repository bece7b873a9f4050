// The uploads module's repositories over Kysely, registered in ../repository-factories.ts.
import type { UploadRepositories } from '../../../engine/uploads/upload-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyUploadRepository } from './upload-repository.ts';

export const uploadRepositories = {
  uploads: (db) => new KyselyUploadRepository(db),
} satisfies RepositoryFactories<UploadRepositories>;
