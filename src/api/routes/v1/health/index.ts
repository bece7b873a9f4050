import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import healthcheck from './healthcheck.ts';
import liveness from './liveness.ts';

/** /v1/health: public probes, no API key. */
const health: FastifyPluginAsyncTypebox = async (scope) => {
  await scope.register(healthcheck);
  await scope.register(liveness);
};

export default health;
