// Versioned migrations, applied in name order. Never edit one that has shipped: add the next.
import type { Migration } from './column-types.ts';
import { accounts } from './0001-accounts.ts';
import { creditsAndUsage } from './0002-credits-and-usage.ts';
import { organizationSecrets } from './0003-organization-secrets.ts';
import { namespaces } from './0004-namespaces.ts';
import { jobsAndTasks } from './0005-jobs-and-tasks.ts';
import { bucketsAndObjects } from './0006-buckets-and-objects.ts';
import { uploads } from './0007-uploads.ts';
import { collections } from './0008-collections.ts';
import { documents } from './0009-documents.ts';
import { batches } from './0010-batches.ts';
import { webhooks } from './0011-webhooks.ts';
import { documentChanges } from './0012-document-changes.ts';
import { retrievers } from './0013-retrievers.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-accounts': accounts,
  '0002-credits-and-usage': creditsAndUsage,
  '0003-organization-secrets': organizationSecrets,
  '0004-namespaces': namespaces,
  '0005-jobs-and-tasks': jobsAndTasks,
  '0006-buckets-and-objects': bucketsAndObjects,
  '0007-uploads': uploads,
  '0008-collections': collections,
  '0009-documents': documents,
  '0010-batches': batches,
  '0011-webhooks': webhooks,
  '0012-document-changes': documentChanges,
  '0013-retrievers': retrievers,
};
