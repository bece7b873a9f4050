// Start-up guard: every /v1 route names an operationId that is either public or catalogued.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { OPERATIONS, PUBLIC_OPERATIONS } from '../operations-catalogue.ts';

export function enforceCatalogue(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/v1') || route.method === 'HEAD') return;
    const operationId = route.schema?.operationId;
    if (!operationId) throw new Error(`Route ${String(route.method)} ${route.url} has no operationId`);
    if (!PUBLIC_OPERATIONS.has(operationId) && !OPERATIONS[operationId]) {
      throw new Error(`Route ${String(route.method)} ${route.url} (${operationId}) is missing from the operations catalogue`);
    }
  });
}
