import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HealthCheckResponse, HealthQuery } from '../../../schemas/health.ts';

const healthcheck: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'healthcheck_v1_health_get',
        tags: ['Health'],
        summary: 'Healthcheck',
        description:
          'Checks the metadata store on every call. The other components run in-process in this release, so they are up whenever this process answers; `meta.components` says where each one lives.',
        querystring: HealthQuery,
        response: { 200: Type.Ref(HealthCheckResponse, { description: 'Successful Response' }) },
      },
    },
    async (request) => {
      const report = await app.services.health.check();
      if (!report.metadata.ok) request.log.warn({ component: 'metadata', err: report.metadata.cause }, 'health check failed');
      return {
        status: report.healthy ? ('OK' as const) : ('DEGRADED' as const),
        data: { cache: true, metadata: report.metadata.ok, vector_store: true, object_storage: true, task_queue: true, inference: true, analytics: null },
        errors: { metadata: report.metadata.error },
        meta: { components: { metadata: report.backend, cache: 'in-process', vector_store: 'in-process', object_storage: 'in-process', task_queue: 'in-process', inference: 'in-process' } },
      };
    },
  );
};

export default healthcheck;
