import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerOperations } from '../../../define-operation.ts';
import healthcheck from './healthcheck.ts';
import liveness from './liveness.ts';

export const healthOperations = [healthcheck, liveness];

/** /v1/health: public probes, no API key. */
const health: FastifyPluginAsyncTypebox = async (scope) => {
  registerOperations(scope, healthOperations);
};

export default health;
