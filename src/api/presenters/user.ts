import type { User } from '../../engine/accounts/types.ts';
import type { UserListResponseBody, UserModelBody } from '../schemas/users.ts';

export function toUserModel(user: User, organizationId: string): UserModelBody {
  return {
    user_id: user.userId,
    email: user.email,
    user_name: user.userName,
    avatar_url: user.avatarUrl,
    role: user.role,
    status: user.status,
    organization_id: organizationId,
    metadata: user.metadata,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function toUserList(page: { users: User[]; total: number }, window: { skip: number; limit: number }, organizationId: string): UserListResponseBody {
  return { results: page.users.map((u) => toUserModel(u, organizationId)), total: page.total, skip: window.skip, limit: window.limit };
}
