import type { Kysely, Updateable } from 'kysely';
import type { ApiKey } from '../../../engine/accounts/types.ts';
import type { ApiKeyPatch, ApiKeyRepository } from '../../../engine/accounts/account-repositories.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import type { ApiKeysTable } from './tables.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { toApiKey, toJson } from '../row-mappers.ts';

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: ApiKey): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('api_keys')
        .values({
          key_id: key.keyId,
          organization_internal_id: key.organizationInternalId,
          user_id: key.userId,
          name: key.name,
          description: key.description,
          key_hash: key.keyHash,
          key_prefix: key.keyPrefix,
          permissions: toJson(key.permissions),
          scopes: toJson(key.scopes),
          rate_limit_override: key.rateLimitOverride,
          status: key.status,
          name_live: key.status === 'revoked' ? null : 1,
          expires_at: key.expiresAt,
          last_used_at: key.lastUsedAt,
          created_at: key.createdAt,
          created_by: key.createdBy,
          revoked_at: key.revokedAt,
          revoked_by: key.revokedBy,
        })
        .execute(),
    );
  }

  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return row && toApiKey(row);
  }

  async findLiveByName(tenant: TenantScope, userId: string, name: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .where('name_live', '=', 1)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async listForUser(tenant: TenantScope, userId: string, includeRevoked: boolean): Promise<ApiKey[]> {
    let query = this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId);
    if (!includeRevoked) query = query.where('status', '!=', 'revoked');
    const rows = await query.orderBy('created_at').orderBy('key_id').execute();
    return rows.map(toApiKey);
  }

  async update(tenant: TenantScope, keyId: string, patch: ApiKeyPatch): Promise<ApiKey | undefined> {
    const values: Updateable<ApiKeysTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.permissions !== undefined) values.permissions = toJson(patch.permissions);
    if (patch.scopes !== undefined) values.scopes = toJson(patch.scopes);
    if (patch.rateLimitOverride !== undefined) values.rate_limit_override = patch.rateLimitOverride;
    if (patch.expiresAt !== undefined) values.expires_at = patch.expiresAt;
    if (patch.status !== undefined) {
      values.status = patch.status;
      values.name_live = patch.status === 'revoked' ? null : 1;
    }
    if (patch.revokedAt !== undefined) values.revoked_at = patch.revokedAt;
    if (patch.revokedBy !== undefined) values.revoked_by = patch.revokedBy;
    if (patch.keyHash !== undefined) values.key_hash = patch.keyHash;
    if (patch.keyPrefix !== undefined) values.key_prefix = patch.keyPrefix;
    if (Object.keys(values).length > 0) {
      await translatingUniqueViolation(() =>
        this.db
          .updateTable('api_keys')
          .set(values)
          .where('organization_internal_id', '=', tenant.organization.internalId)
          .where('key_id', '=', keyId)
          .execute(),
      );
    }
    return this.findById(tenant, keyId);
  }

  async revokeAllForUser(tenant: TenantScope, userId: string, revokedAt: string, revokedBy: string | null): Promise<number> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ status: 'revoked', name_live: null, revoked_at: revokedAt, revoked_by: revokedBy })
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId)
      .where('status', '!=', 'revoked')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async touchLastUsed(tenant: TenantScope, keyId: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('organization_internal_id', '=', tenant.organization.internalId).where('key_id', '=', keyId).execute();
  }

  async countActive(tenant: TenantScope, now: string): Promise<number> {
    // A key past its expiry holds no slot, even before its status is flipped on its next use.
    const row = await this.db
      .selectFrom('api_keys')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findById(tenant: TenantScope, keyId: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return row && toApiKey(row);
  }
}
