// The documents module's repositories over Kysely, registered in ../repository-factories.ts.
import type { DocumentRepositories } from '../../../engine/documents/document-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyDocumentRepository } from './document-repository.ts';
import { KyselyDocumentFeedRepository } from './document-feed-repository.ts';

export const documentRepositories = {
  documents: (db) => new KyselyDocumentRepository(db),
  documentFeed: (db) => new KyselyDocumentFeedRepository(db),
} satisfies RepositoryFactories<DocumentRepositories>;
