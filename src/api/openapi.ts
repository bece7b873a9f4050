// The OpenAPI document is generated from the running app's route schemas. Component names are
// the schemas' $id, i.e. Mixpeek's names.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { declaredErrorResponses } from './errors/declared-responses.ts';
import { policyOf } from './route-policy.ts';

export const OPENAPI_INFO = {
  title: 'Tessera API',
  description: 'Self-hostable implementation of the Mixpeek API.',
  version: '0.1.0',
};

/**
 * The router ignores trailing slashes, and the document lists each route once, without one. Mixpeek's
 * few paths that end in '/' (POST /v1/organizations/webhooks/) show in their FastAPI operationIds as a
 * doubled underscore before the method: those are listed with the slash, as Mixpeek's clients call them.
 */
function mixpeekPath(url: string, operationId: string): string {
  const last = url.slice(url.lastIndexOf('/') + 1);
  // A path parameter last ('{id}', ':id') also doubles the underscore: only static ends count.
  const staticEnd = last !== '' && !last.startsWith(':') && !last.startsWith('{');
  return staticEnd && /__(get|post|put|patch|delete)$/.test(operationId) ? `${url}/` : url;
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // @fastify/swagger marks every body required; the operations defined with optionalBody are not.
  const optionalBodies = new Set<string>();
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: { BearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: sk_...' } } },
    },
    // Every operation declares the error statuses it can return (see declared-responses.ts), and
    // catalogued operations need a key: say so per operation so /docs can send it.
    transform: ({ schema, url, route }) => {
      const operationId = (schema as { operationId?: string } | undefined)?.operationId;
      if (!schema || !operationId) return { schema, url };
      const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
      const policy = policyOf(route.config);
      if (route.config?.optionalBody) optionalBodies.add(operationId);
      const response = { ...declaredErrorResponses({ method, operationId, policy, ...schema }), ...(schema.response as object) };
      const security = policy ? { security: [{ BearerAuth: [] }] } : {};
      return { schema: { ...schema, response, ...security } as typeof schema, url: mixpeekPath(url, operationId) };
    },
    transformObject: (document) => {
      const openapiObject = (document as { openapiObject: { paths?: Record<string, unknown> } }).openapiObject;
      for (const item of Object.values(openapiObject.paths ?? {})) {
        for (const op of Object.values(item as Record<string, { operationId?: string; requestBody?: { required?: boolean } }>)) {
          if (op?.operationId && op.requestBody && optionalBodies.has(op.operationId)) op.requestBody.required = false;
        }
      }
      return openapiObject as never;
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
