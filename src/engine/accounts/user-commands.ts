// What a caller may change on a user (PATCH); the service maps it to the store's patch.
import type { User } from './types.ts';

export type UserChanges = Partial<Pick<User, 'userName' | 'avatarUrl' | 'role' | 'status' | 'metadata'>>;
