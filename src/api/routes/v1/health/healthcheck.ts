import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HealthCheckResponse, HealthQuery } from '../../../schemas/health.ts';

/** What a 503 health answer tells load balancers: about when to look again. */
const RETRY_AFTER_SECONDS = 5;

const healthcheck: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      schema: {
        operationId: 'healthcheck_v1_health_get',
        tags: ['Health'],
        summary: 'Healthcheck',
        description:
          'Checks the metadata store and, with `TESSERA_REDIS_URL`, Redis (the rate-limit counters, reported as `cache`) on every call, each bounded to 2 s. ' +
          'A component that is down is `false` in `data`, with the reason in `errors`, and the status is `DEGRADED`. ' +
          'The answer is 503 (same body, with `Retry-After`) while a component that requests need is down: the metadata store always, Redis when `TESSERA_REDIS_FAILURE_MODE=closed`; ' +
          'with the default fail-open mode a lost Redis is `DEGRADED` with 200 (limits are counted per process meanwhile). ' +
          'The other components run in-process in this release, so they are up whenever this process answers; `meta.components` says where each one lives.',
        querystring: HealthQuery,
        response: {
          200: Type.Ref(HealthCheckResponse, { description: 'Successful Response' }),
          503: Type.Ref(HealthCheckResponse, { description: 'A required component is down (status DEGRADED, Retry-After)' }),
        },
      },
    },
    async (request, reply) => {
      const report = await app.services.health.check();
      if (!report.metadata.ok) request.log.warn({ component: 'metadata', err: report.metadata.cause }, 'health check failed');
      // The counter logs Redis's loss and recovery once each; a line per probe would only repeat it.
      if (!report.cache.ok) request.log.debug({ component: 'cache', err: report.cache.cause }, 'health check failed');
      if (report.unavailable) reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
      return {
        status: report.healthy ? ('OK' as const) : ('DEGRADED' as const),
        data: { cache: report.cache.ok, metadata: report.metadata.ok, vector_store: true, object_storage: true, task_queue: true, inference: true, analytics: null },
        errors: { cache: report.cache.error, metadata: report.metadata.error },
        meta: {
          components: { metadata: report.backend, cache: report.cacheLocation, vector_store: 'in-process', object_storage: 'in-process', task_queue: 'in-process', inference: 'in-process' },
        },
      };
    },
  );
};

export default healthcheck;
