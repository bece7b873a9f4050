// Start-up guard: every /v1 route is made by defineOperation, so it carries its catalogue policy
// (or the public marker) under the operationId it declares. A route added by hand fails start-up.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { isDefinedOperation } from '../define-operation.ts';

export function enforceCatalogue(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/v1') || route.method === 'HEAD') return;
    const operationId = route.schema?.operationId;
    if (!operationId) throw new Error(`Route ${String(route.method)} ${route.url} has no operationId`);
    if (!isDefinedOperation(route.config?.operation, operationId)) {
      throw new Error(`Route ${String(route.method)} ${route.url} (${operationId}) is not made by defineOperation, so it has no catalogue policy`);
    }
  });
}
