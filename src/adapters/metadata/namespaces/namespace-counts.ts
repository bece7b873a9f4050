// What a namespace holds, counted from the other modules' tables. Kept beside the namespace
// repository (the only reader) and grown as the modules that own those tables arrive.
import type { Kysely } from 'kysely';
import type { NamespaceCounts } from '../../../engine/namespaces/types.ts';
import type { Database } from '../database-types.ts';

export async function countNamespaceContents(
  _db: Kysely<Database>,
  _organizationInternalId: string,
  _namespaceIds: readonly string[],
  _counts: Map<string, NamespaceCounts>,
): Promise<void> {}
