// The collections module's repositories over Kysely, registered in ../repository-factories.ts.
import type { CollectionRepositories } from '../../../engine/collections/collection-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyCollectionRepository } from './collection-repository.ts';

export const collectionRepositories = {
  collections: (db) => new KyselyCollectionRepository(db),
} satisfies RepositoryFactories<CollectionRepositories>;
