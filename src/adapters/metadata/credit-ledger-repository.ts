import type { Kysely } from 'kysely';
import type { CreditLedgerRepository, LedgerEntry, TimeRange } from '../../engine/ports/metadata-store.ts';
import type { Database } from './database-types.ts';
import { toIso } from './row-mappers.ts';
import { translatingUniqueViolation } from './unique-violation.ts';

/** Ledger operations of refunds are `refund:<operation>` (see CreditService.refund). */
const REFUND_PREFIX = 'refund:';

export class KyselyCreditLedgerRepository implements CreditLedgerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: LedgerEntry): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('credit_ledger')
        .values({
          entry_id: entry.entryId,
          organization_internal_id: entry.organizationInternalId,
          key_id: entry.keyId,
          operation: entry.operation,
          amount_millis: entry.amountMillis,
          balance_after_millis: entry.balanceAfterMillis,
          reference_id: entry.referenceId,
          overdraft: entry.overdraft ? 1 : 0,
          created_at: entry.createdAt,
        })
        .execute(),
    );
  }

  /** Spends and the refunds that undo them: a refunded request has cost nothing. */
  private spends(organizationInternalId: string, range: TimeRange, keyId?: string) {
    let query = this.db
      .selectFrom('credit_ledger')
      .where('organization_internal_id', '=', organizationInternalId)
      .where((eb) => eb.or([eb('amount_millis', '<', 0), eb('operation', 'like', `${REFUND_PREFIX}%`)]))
      .where('created_at', '>=', range.from)
      .where('created_at', '<', range.to);
    if (keyId) query = query.where('key_id', '=', keyId);
    return query;
  }

  async spentMillis(organizationInternalId: string, range: TimeRange, keyId?: string): Promise<number> {
    const row = await this.spends(organizationInternalId, range, keyId)
      .select((eb) => eb.fn.sum<number>('amount_millis').as('total'))
      .executeTakeFirst();
    return -Number(row?.total ?? 0);
  }

  async spentByOperation(organizationInternalId: string, range: TimeRange, keyId?: string): Promise<Record<string, number>> {
    const rows = await this.spends(organizationInternalId, range, keyId)
      .select(['operation', (eb) => eb.fn.sum<number>('amount_millis').as('total')])
      .groupBy('operation')
      .execute();
    const byOperation: Record<string, number> = {};
    for (const r of rows) {
      const operation = r.operation.startsWith(REFUND_PREFIX) ? r.operation.slice(REFUND_PREFIX.length) : r.operation;
      byOperation[operation] = (byOperation[operation] ?? 0) - Number(r.total);
    }
    // An operation whose every spend was refunded cost nothing: leave it out.
    return Object.fromEntries(Object.entries(byOperation).filter(([, millis]) => millis !== 0));
  }

  async sumMillis(organizationInternalId: string): Promise<number> {
    const row = await this.db
      .selectFrom('credit_ledger')
      .where('organization_internal_id', '=', organizationInternalId)
      .select((eb) => eb.fn.sum<number>('amount_millis').as('total'))
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  async findByReference(organizationInternalId: string, referenceId: string): Promise<LedgerEntry | undefined> {
    const row = await this.db
      .selectFrom('credit_ledger')
      .selectAll()
      .where('organization_internal_id', '=', organizationInternalId)
      .where('reference_id', '=', referenceId)
      .executeTakeFirst();
    return (
      row && {
        entryId: row.entry_id,
        organizationInternalId: row.organization_internal_id,
        keyId: row.key_id,
        operation: row.operation,
        amountMillis: Number(row.amount_millis),
        balanceAfterMillis: Number(row.balance_after_millis),
        referenceId: row.reference_id,
        overdraft: row.overdraft === 1,
        createdAt: toIso(row.created_at),
      }
    );
  }
}
