import { Type } from '@sinclair/typebox';
import { defineOperation } from '../../../define-operation.ts';
import { PUBLIC } from '../../../policy.ts';
import { toHealthCheck } from '../../../presenters/health.ts';
import { HealthCheckResponse, HealthQuery } from '../../../schemas/health.ts';

/** What a 503 health answer tells load balancers: about when to look again. */
const RETRY_AFTER_SECONDS = 5;

export default defineOperation({
  operationId: 'healthcheck_v1_health_get',
  method: 'GET',
  url: '',
  policy: PUBLIC,
  schema: {
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
  handler: async (request, reply) => {
    const report = await request.server.services.health.check();
    if (!report.metadata.ok) request.log.warn({ component: 'metadata', err: report.metadata.cause }, 'health check failed');
    // The counter logs Redis's loss and recovery once each; a line per probe would only repeat it.
    if (!report.cache.ok) request.log.debug({ component: 'cache', err: report.cache.cause }, 'health check failed');
    if (report.unavailable) reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
    return toHealthCheck(report);
  },
});
