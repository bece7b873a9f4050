// The namespaces module's repositories over Kysely, registered in ../repository-factories.ts.
import type { NamespaceRepositories } from '../../../engine/namespaces/namespace-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyNamespaceRepository } from './namespace-repository.ts';

export const namespaceRepositories = {
  namespaces: (db) => new KyselyNamespaceRepository(db),
} satisfies RepositoryFactories<NamespaceRepositories>;
