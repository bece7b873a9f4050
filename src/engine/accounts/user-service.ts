import { AlreadyExistsError, BadRequestError, NotFoundError } from '../errors.ts';
import { UniqueViolation, type AccountRepositories, type MetadataStore, type UserListFilter, type UserPatch } from '../ports/metadata-store.ts';
import { newId } from '../../lib/ids.ts';
import type { Clock } from '../ports/clock.ts';
import type { Principal, User, UserRole } from './types.ts';
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

  async create(principal: Principal, input: NewUser): Promise<User> {
    const orgId = principal.organization.internalId;
    return this.store.transaction(async (repos) => createUser(repos, orgId, input, this.clock.now()));
  }

  async list(principal: Principal, filter: UserListFilter) {
    return this.store.users.list(principal.organization.internalId, filter);
  }

  async get(principal: Principal, email: string): Promise<User> {
    return this.require(this.store, principal.organization.internalId, email);
  }

  async update(principal: Principal, email: string, changes: UserChanges): Promise<User> {
    const orgId = principal.organization.internalId;
    const patch = userPatchOf(changes);
    return this.store.transaction(async (repos) => {
      const user = await this.require(repos, orgId, email);
      const losesAdmin =
        user.role === 'admin' && user.status === 'active' && ((patch.role && patch.role !== 'admin') || (patch.status && patch.status !== 'active'));
      if (losesAdmin) await assertNotLastAdmin(repos, orgId);
      const updated = await repos.users.update(orgId, user.userId, patch, this.clock.now().toISOString());
      if (!updated) throw new NotFoundError('user', email);
      return updated;
    });
  }

  /** Deletes the user and revokes every key it holds, in one transaction. */
  async delete(principal: Principal, email: string): Promise<void> {
    const orgId = principal.organization.internalId;
    await this.store.transaction(async (repos) => {
      const user = await this.require(repos, orgId, email);
      if (user.role === 'admin' && user.status === 'active') await assertNotLastAdmin(repos, orgId);
      await repos.apiKeys.revokeAllForUser(orgId, user.userId, this.clock.now().toISOString(), principal.user.userId);
      await repos.users.delete(orgId, user.userId);
    });
  }

  private async require(repos: AccountRepositories, orgId: string, email: string): Promise<User> {
    const user = await repos.users.findByEmail(orgId, normaliseEmail(email));
    if (!user) throw new NotFoundError('user', email);
    return user;
  }
}

export async function createUser(repos: AccountRepositories, organizationInternalId: string, input: NewUser, now: Date): Promise<User> {
  const email = normaliseEmail(input.email);
  if (await repos.users.findByEmail(organizationInternalId, email)) throw new AlreadyExistsError('user', 'email', email, 'user_email_taken');
  const at = now.toISOString();
  const user: User = {
    userId: newId('user'),
    organizationInternalId,
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

async function assertNotLastAdmin(repos: AccountRepositories, orgId: string): Promise<void> {
  if ((await repos.users.countActiveAdmins(orgId)) <= 1) {
    throw new BadRequestError('An organization must keep at least one active admin user', null, 'last_admin');
  }
}
