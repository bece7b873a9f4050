import type { Permission, UserRole } from './types.ts';

// Mixpeek's hierarchy: admin > delete > write > read. A higher permission implies the lower ones.
const RANK: Record<Permission, number> = { read: 1, write: 2, delete: 3, admin: 4 };

// A key never exercises more than its user's role allows: viewers read (and execute searches),
// members manage resources but not the organization, admins do everything.
const ROLE_CAP: Record<UserRole, Permission> = { viewer: 'read', member: 'delete', admin: 'admin' };

export function highestPermission(permissions: readonly Permission[]): Permission | null {
  let best: Permission | null = null;
  for (const p of permissions) if (best === null || RANK[p] > RANK[best]) best = p;
  return best;
}

/** The most a key of a user with this role may hold. */
export function roleCeiling(role: UserRole): Permission {
  return ROLE_CAP[role];
}

export function effectivePermission(keyPermissions: readonly Permission[], role: UserRole): Permission | null {
  const fromKey = highestPermission(keyPermissions);
  if (fromKey === null) return null;
  const cap = ROLE_CAP[role];
  return RANK[fromKey] <= RANK[cap] ? fromKey : cap;
}

export function satisfies(held: Permission, required: Permission): boolean {
  return RANK[held] >= RANK[required];
}
