import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import { UniqueViolation, type MetadataStore } from '../ports/metadata-store.ts';
import type { Repositories } from '../ports/unit-of-work.ts';
import { actingUserId, type RequestScope, type TenantScope } from '../scope/request-scope.ts';
import type { UserListFilter, UserPatch } from './account-repositories.ts';
import { newId } from '../../lib/ids.ts';
import type { Clock } from '../ports/clock.ts';
import type { User, UserRole } from './types.ts';
import type { UserChanges } from './user-commands.ts';

export interface NewUser {
  email: string;
  userName: string;
  avatarUrl: string | null;
  role: UserRole;
  metadata: Record<string, unknown>;
}

/** Only the fields a caller may change reach the store, whatever else the object carries. */
function userPatchOf(changes: UserChanges): UserPatch {
  const patch: UserPatch = {};
  if (changes.userName !== undefined) patch.userName = changes.userName;
  if (changes.avatarUrl !== undefined) patch.avatarUrl = changes.avatarUrl;
  if (changes.role !== undefined) patch.role = changes.role;
  if (changes.status !== undefined) patch.status = changes.status;
  if (changes.metadata !== undefined) patch.metadata = changes.metadata;
  return patch;
}

/** Emails address users in paths; compare them case-insensitively. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  async create(scope: RequestScope, input: NewUser): Promise<User> {
    return this.store.transaction(async (repos) => createUser(repos, scope, input, this.clock.now()));
  }

  async list(scope: RequestScope, filter: UserListFilter) {
    return this.store.users.list(scope, filter);
  }

  async get(scope: RequestScope, email: string): Promise<User> {
    return this.require(this.store, scope, email);
  }

  async update(scope: RequestScope, email: string, changes: UserChanges): Promise<User> {
    const patch = userPatchOf(changes);
    return this.store.transaction(async (repos) => {
      const user = await this.require(repos, scope, email);
      const losesAdmin =
        user.role === 'admin' && user.status === 'active' && ((patch.role && patch.role !== 'admin') || (patch.status && patch.status !== 'active'));
      if (losesAdmin) await assertNotLastAdmin(repos, scope);
      const updated = await repos.users.update(scope, user.userId, patch, this.clock.now().toISOString());
      if (!updated) throw new NotFoundError('user', email);
      return updated;
    });
  }

  /** Deletes the user and revokes every key it holds, in one transaction. */
  async delete(scope: RequestScope, email: string): Promise<void> {
    await this.store.transaction(async (repos) => {
      const user = await this.require(repos, scope, email);
      if (user.role === 'admin' && user.status === 'active') await assertNotLastAdmin(repos, scope);
      await repos.apiKeys.revokeAllForUser(scope, user.userId, this.clock.now().toISOString(), actingUserId(scope));
      await repos.users.delete(scope, user.userId);
    });
  }

  private async require(repos: Pick<Repositories, 'users'>, scope: TenantScope, email: string): Promise<User> {
    const user = await repos.users.findByEmail(scope, normaliseEmail(email));
    if (!user) throw new NotFoundError('user', email);
    return user;
  }
}

export async function createUser(repos: Repositories, tenant: TenantScope, input: NewUser, now: Date): Promise<User> {
  const email = normaliseEmail(input.email);
  if (await repos.users.findByEmail(tenant, email)) throw new AlreadyExistsError('user', 'email', email, 'user_email_taken');
  const at = now.toISOString();
  const user: User = {
    userId: newId('user'),
    organizationInternalId: tenant.organization.internalId,
    email,
    userName: input.userName,
    avatarUrl: input.avatarUrl,
    role: input.role,
    status: 'active',
    metadata: input.metadata,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await repos.users.insert(user);
  } catch (err) {
    if (err instanceof UniqueViolation) throw new AlreadyExistsError('user', 'email', email, 'user_email_taken');
    throw err;
  }
  return user;
}

async function assertNotLastAdmin(repos: Repositories, tenant: TenantScope): Promise<void> {
  if ((await repos.users.countActiveAdmins(tenant)) <= 1) {
    throw new BadRequestError('An organization must keep at least one active admin user', null, 'last_admin');
  }
}
