// Every module's repository factories, combined into the unit of work's Repositories. A module
// registers one object here; the `satisfies` clause fails the build when a module's port gains a
// repository that no factory builds, or when the union gains a module that is not registered.
import type { Kysely } from 'kysely';
import type { Repositories } from '../../engine/ports/unit-of-work.ts';
import { accountRepositories } from './accounts/index.ts';
import { billingRepositories } from './billing/index.ts';
import type { Database } from './database-types.ts';
import type { RepositoryFactories } from './repository-factory.ts';
import { secretRepositories } from './secrets/index.ts';
import { usageRepositories } from './usage/index.ts';
import { namespaceRepositories } from './namespaces/index.ts';
import { jobRepositories } from './jobs/index.ts';
import { taskRepositories } from './tasks/index.ts';
import { bucketRepositories } from './buckets/index.ts';
import { uploadRepositories } from './uploads/index.ts';
import { webhookRepositories } from './webhooks/index.ts';
import { collectionRepositories } from './collections/index.ts';
import { documentRepositories } from './documents/index.ts';
import { batchRepositories } from './batches/index.ts';
import { retrieverRepositories } from './retrievers/index.ts';

const FACTORIES = {
  ...accountRepositories,
  ...billingRepositories,
  ...usageRepositories,
  ...secretRepositories,
  ...namespaceRepositories,
  ...jobRepositories,
  ...taskRepositories,
  ...bucketRepositories,
  ...uploadRepositories,
  ...webhookRepositories,
  ...collectionRepositories,
  ...documentRepositories,
  ...batchRepositories,
  ...retrieverRepositories,
} satisfies RepositoryFactories<Repositories>;

/** Builds every repository over one connection (or one transaction). */
export function repositoriesFor(db: Kysely<Database>): Repositories {
  const repos = {} as Record<string, unknown>;
  for (const [name, create] of Object.entries(FACTORIES)) repos[name] = create(db);
  return repos as unknown as Repositories;
}
