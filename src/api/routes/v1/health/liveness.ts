import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const liveness: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/liveness',
    {
      schema: {
        operationId: 'liveness_v1_health_liveness_get',
        tags: ['Health'],
        summary: 'Liveness',
        description: 'Answers as soon as the process can serve HTTP; checks nothing (container probe).',
        response: { 200: Type.Object({ status: Type.String() }, { description: 'Successful Response' }) },
      },
    },
    async () => ({ status: 'alive' }),
  );
};

export default liveness;
