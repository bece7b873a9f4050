import { Type, type Static } from '@sinclair/typebox';
import { FreeObject, Nullable } from './nullable.ts';
import { QueryObject } from './query.ts';

export const HealthStatus = Type.Unsafe<'OK' | 'DEGRADED'>({ $id: 'HealthStatus', type: 'string', enum: ['OK', 'DEGRADED'], title: 'HealthStatus' });

export const HealthServiceStatus = Type.Object(
  {
    cache: Type.Boolean(),
    metadata: Type.Boolean(),
    vector_store: Type.Boolean(),
    object_storage: Type.Boolean(),
    task_queue: Type.Boolean(),
    inference: Type.Boolean(),
    analytics: Type.Optional(Nullable(Type.Boolean())),
  },
  { $id: 'HealthServiceStatus', title: 'HealthServiceStatus' },
);

const reason = () => Type.Optional(Nullable(Type.String()));
export const HealthServiceErrors = Type.Object(
  { cache: reason(), metadata: reason(), vector_store: reason(), object_storage: reason(), task_queue: reason(), inference: reason(), analytics: reason() },
  { $id: 'HealthServiceErrors', title: 'HealthServiceErrors' },
);

export const HealthCheckResponse = Type.Object(
  {
    status: Type.Ref(HealthStatus),
    data: Type.Ref(HealthServiceStatus),
    errors: Type.Optional(Nullable(Type.Ref(HealthServiceErrors))),
    meta: Type.Optional(Nullable(FreeObject())),
  },
  { $id: 'HealthCheckResponse', title: 'HealthCheckResponse' },
);
export type HealthCheckResponseBody = Static<typeof HealthCheckResponse>;

export const HealthQuery = QueryObject({
  deep: Type.Boolean({ default: false }),
  metrics: Type.Boolean({ default: false }),
});

export const HEALTH_SCHEMAS = [HealthStatus, HealthServiceStatus, HealthServiceErrors, HealthCheckResponse];
