// The buckets module's repositories (buckets and their objects) over Kysely, registered in ../repository-factories.ts.
import type { BucketRepositories } from '../../../engine/buckets/bucket-repositories.ts';
import type { ObjectRepositories } from '../../../engine/objects/object-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyBucketRepository } from './bucket-repository.ts';
import { KyselyObjectRepository } from './object-repository.ts';

export const bucketRepositories = {
  buckets: (db) => new KyselyBucketRepository(db),
  objects: (db) => new KyselyObjectRepository(db),
} satisfies RepositoryFactories<BucketRepositories & ObjectRepositories>;
