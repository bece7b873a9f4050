import type { Kysely } from 'kysely';
import type { CreditLedgerRepository, LedgerEntry, OperationTotal } from '../../../engine/billing/billing-repositories.ts';
import type { TimeRange } from '../../../engine/ports/time-range.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { toIso } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';

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

  async totalsByOperation(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<OperationTotal[]> {
    let query = this.db
      .selectFrom('credit_ledger')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('created_at', '>=', range.from)
      .where('created_at', '<', range.to);
    if (keyId) query = query.where('key_id', '=', keyId);
    const rows = await query.select((eb) => ['operation', eb.fn.sum<number>('amount_millis').as('total')]).groupBy('operation').execute();
    return rows.map((r) => ({ operation: r.operation, amountMillis: Number(r.total) }));
  }

  async sumMillis(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('credit_ledger')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .select((eb) => eb.fn.sum<number>('amount_millis').as('total'))
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  async findByReference(tenant: TenantScope, referenceId: string): Promise<LedgerEntry | undefined> {
    const row = await this.db
      .selectFrom('credit_ledger')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
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
