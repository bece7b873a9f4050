// Response serializers are compiled on a route's first response (src/api/serialization.ts), so a
// response schema fast-json-stringify cannot compile would otherwise surface only as a 500 on the
// first call of that route. This compiles every operation's response schemas now, as Fastify
// would, and checks they serialize what their schema accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { ALL_OPERATIONS } from '../src/api/operations-catalogue.ts';
import { registerOperations } from '../src/api/define-operation.ts';
import { SHARED_SCHEMAS } from '../src/api/schemas/index.ts';
import { compileSerializer } from '../src/api/serialization.ts';
import { createValidatorCompiler } from '../src/api/validation.ts';

test('every operation response schema compiles to a serializer (compiled eagerly here, lazily in the app)', async () => {
  const compiled: string[] = [];
  const app = Fastify({
    schemaController: {
      compilersFactory: {
        buildSerializer: (externalSchemas, options) => (route) => {
          const serialize = compileSerializer(externalSchemas, options, route);
          compiled.push(`${route.method} ${route.url} ${route.httpStatus}`);
          return serialize;
        },
      },
    },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setValidatorCompiler(createValidatorCompiler(SHARED_SCHEMAS));
  // Each under a prefix of its own: the definitions' URLs are relative to their resource's prefix.
  ALL_OPERATIONS.forEach((operation, i) => app.register(async (scope) => registerOperations(scope, [operation]), { prefix: `/op${i}` }));
  await app.ready();
  try {
    const operations = new Set(compiled.map((c) => c.split(/[ /]/)[2]));
    assert.equal(operations.size, ALL_OPERATIONS.length, 'every operation has at least one response schema');
    // Error statuses too: their envelope is a shared schema every route answers with.
    assert.ok(compiled.some((c) => / 4\d\d$/.test(c)), compiled.slice(0, 10).join('\n'));
  } finally {
    await app.close();
  }
});
