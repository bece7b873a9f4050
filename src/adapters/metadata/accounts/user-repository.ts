import type { Kysely, Updateable } from 'kysely';
import type { User } from '../../../engine/accounts/types.ts';
import type { UserListFilter, UserPatch, UserRepository } from '../../../engine/accounts/account-repositories.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { Database } from '../database-types.ts';
import type { UsersTable } from './tables.ts';
import { translatingUniqueViolation } from '../unique-violation.ts';
import { toJson, toUser } from '../row-mappers.ts';

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(user: User): Promise<void> {
    await translatingUniqueViolation(() =>
      this.db
        .insertInto('users')
        .values({
          user_id: user.userId,
          organization_internal_id: user.organizationInternalId,
          email: user.email,
          user_name: user.userName,
          avatar_url: user.avatarUrl,
          role: user.role,
          status: user.status,
          metadata: toJson(user.metadata),
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .execute(),
    );
  }

  async findById(tenant: TenantScope, userId: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findByEmail(tenant: TenantScope, email: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('email', '=', email)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async list(tenant: TenantScope, filter: UserListFilter): Promise<{ users: User[]; total: number }> {
    let query = this.db.selectFrom('users').where('organization_internal_id', '=', tenant.organization.internalId);
    if (filter.role) query = query.where('role', '=', filter.role);
    if (filter.status) query = query.where('status', '=', filter.status);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('created_at').orderBy('user_id').limit(filter.limit).offset(filter.skip).execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { users: rows.map(toUser), total: Number(count.n) };
  }

  async listAll(tenant: TenantScope): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map(toUser);
  }

  async countActiveAdmins(tenant: TenantScope): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(tenant: TenantScope, userId: string, patch: UserPatch, updatedAt: string): Promise<User | undefined> {
    const values: Updateable<UsersTable> = { updated_at: updatedAt };
    if (patch.userName !== undefined) values.user_name = patch.userName;
    if (patch.avatarUrl !== undefined) values.avatar_url = patch.avatarUrl;
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.metadata !== undefined) values.metadata = toJson(patch.metadata);
    await this.db
      .updateTable('users')
      .set(values)
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId)
      .execute();
    return this.findById(tenant, userId);
  }

  async delete(tenant: TenantScope, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('users')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
