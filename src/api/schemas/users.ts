import { Type, type Static } from '@sinclair/typebox';
import { USER_ROLES, USER_STATUSES } from '../../engine/accounts/types.ts';
import { BoundedFreeObject, Skip } from './bounds.ts';
import { FreeObject, Nullable } from './nullable.ts';
import { QueryObject } from './query.ts';

export const UserRole = Type.Unsafe<(typeof USER_ROLES)[number]>({ $id: 'UserRole', type: 'string', enum: [...USER_ROLES], title: 'UserRole' });
export const UserStatus = Type.Unsafe<(typeof USER_STATUSES)[number]>({ $id: 'UserStatus', type: 'string', enum: [...USER_STATUSES], title: 'UserStatus' });

const Email = Type.String({ format: 'email', maxLength: 254 });

export const UserCreateRequest = Type.Object(
  {
    email: Email,
    user_name: Type.String({ minLength: 2, maxLength: 100, title: 'User Name' }),
    avatar_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }), { title: 'Avatar Url' })),
    role: Type.Optional(Type.Ref(UserRole, { default: 'member' })),
    metadata: Type.Optional(Nullable(BoundedFreeObject(), { title: 'Metadata' })),
  },
  { $id: 'UserCreateRequest', title: 'UserCreateRequest', additionalProperties: false },
);
export type UserCreateRequestBody = Static<typeof UserCreateRequest>;

export const UserUpdateRequest = Type.Object(
  {
    user_name: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 100 }), { title: 'User Name' })),
    avatar_url: Type.Optional(Nullable(Type.String({ maxLength: 2048 }), { title: 'Avatar Url' })),
    role: Type.Optional(Nullable(Type.Ref(UserRole), { title: 'Role' })),
    status: Type.Optional(Nullable(Type.Ref(UserStatus), { title: 'Status' })),
    metadata: Type.Optional(Nullable(BoundedFreeObject(), { title: 'Metadata', description: 'Replaces the whole metadata object.' })),
  },
  { $id: 'UserUpdateRequest', title: 'UserUpdateRequest', additionalProperties: false },
);
export type UserUpdateRequestBody = Static<typeof UserUpdateRequest>;

/** Tessera's name for the user object Mixpeek returns untyped; it never carries secrets. */
export const UserModel = Type.Object(
  {
    user_id: Type.String({ title: 'User Id' }),
    email: Type.String({ format: 'email', title: 'Email' }),
    user_name: Type.String({ title: 'User Name' }),
    avatar_url: Nullable(Type.String(), { title: 'Avatar Url' }),
    role: Type.Ref(UserRole),
    status: Type.Ref(UserStatus),
    organization_id: Type.String({ title: 'Organization Id' }),
    metadata: FreeObject({ title: 'Metadata' }),
    created_at: Type.String({ format: 'date-time', title: 'Created At' }),
    updated_at: Type.String({ format: 'date-time', title: 'Updated At' }),
  },
  { $id: 'UserModel', title: 'UserModel' },
);
export type UserModelBody = Static<typeof UserModel>;

export const UserListResponse = Type.Object(
  {
    results: Type.Array(Type.Ref(UserModel)),
    total: Type.Integer(),
    skip: Type.Integer(),
    limit: Type.Integer(),
  },
  { $id: 'UserListResponse', title: 'UserListResponse' },
);
export type UserListResponseBody = Static<typeof UserListResponse>;

export const UserEmailParams = Type.Object({ user_email: Type.String({ minLength: 3, maxLength: 254, description: 'Email of the user' }) });

export const UserListQuery = QueryObject({
  skip: Skip,
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  role: Type.Optional(Type.Ref(UserRole)),
  status: Type.Optional(Type.Ref(UserStatus)),
});

export const USER_SCHEMAS = [UserRole, UserStatus, UserCreateRequest, UserUpdateRequest, UserModel, UserListResponse];
