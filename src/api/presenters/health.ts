// The health report (engine) → Mixpeek's HealthCheckResponse. Components that run in-process in
// this release are up whenever this process answers.
import type { HealthReport } from '../../engine/health/health-service.ts';
import type { HealthCheckResponseBody } from '../schemas/health.ts';

export function toHealthCheck(report: HealthReport): HealthCheckResponseBody {
  return {
    status: report.healthy ? 'OK' : 'DEGRADED',
    data: { cache: report.cache.ok, metadata: report.metadata.ok, vector_store: true, object_storage: true, task_queue: true, inference: true, analytics: null },
    errors: { cache: report.cache.error, metadata: report.metadata.error },
    meta: {
      components: { metadata: report.backend, cache: report.cacheLocation, vector_store: 'in-process', object_storage: 'in-process', task_queue: 'in-process', inference: 'in-process' },
    },
  };
}

export function toLiveness(): { status: string } {
  return { status: 'alive' };
}
