import type { Kysely } from 'kysely';
import type { SecretRepository, StoredSecret } from '../../../engine/secrets/secret-repositories.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import { toIso } from '../row-mappers.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';

export class KyselySecretRepository implements SecretRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(secret: StoredSecret): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('organization_secrets')
        .values({
          organization_internal_id: secret.organizationInternalId,
          secret_name: secret.secretName,
          sealed_value: secret.sealedValue,
          created_at: secret.createdAt,
          updated_at: secret.updatedAt,
        })
        .execute(),
    );
  }

  async listNames(tenant: TenantScope): Promise<string[]> {
    const rows = await this.db
      .selectFrom('organization_secrets')
      .select('secret_name')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .orderBy('secret_name')
      .execute();
    return rows.map((r) => r.secret_name);
  }

  async find(tenant: TenantScope, secretName: string): Promise<StoredSecret | undefined> {
    const row = await this.db
      .selectFrom('organization_secrets')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('secret_name', '=', secretName)
      .executeTakeFirst();
    return (
      row && {
        organizationInternalId: row.organization_internal_id,
        secretName: row.secret_name,
        sealedValue: row.sealed_value,
        createdAt: toIso(row.created_at),
        updatedAt: toIso(row.updated_at),
      }
    );
  }

  async updateValue(tenant: TenantScope, secretName: string, sealedValue: string, updatedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('organization_secrets')
      .set({ sealed_value: sealedValue, updated_at: updatedAt })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('secret_name', '=', secretName)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(tenant: TenantScope, secretName: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('organization_secrets')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('secret_name', '=', secretName)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
