// Which methods exist for a path, so a wrong method gets 405 with Allow instead of a bare 404.
// Fastify's router only answers for route patterns, not concrete URLs, hence this small index.
import type { FastifyInstance, RouteOptions } from 'fastify';

export type AllowedMethods = (path: string) => string[];

/** Must be called before routes are registered; returns the lookup for this app's routes. */
export function createRouteIndex(app: FastifyInstance): AllowedMethods {
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    for (const method of methods) routes.push({ method, pattern: new RegExp(`^${source}/?$`) });
  });
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].filter((m) => m !== 'HEAD');
}
