import type { Kysely } from 'kysely';
import type { MarkerRepository } from '../../../engine/accounts/account-repositories.ts';
import type { Database } from '../database-types.ts';

export class KyselyMarkerRepository implements MarkerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async claimOnce(key: string, at: string): Promise<boolean> {
    // The primary key decides the race: only one insert of a given key ever lands.
    const result = await this.db
      .insertInto('tessera_markers')
      .values({ key, claimed_at: at })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
