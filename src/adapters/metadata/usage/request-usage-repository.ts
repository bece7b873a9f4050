import { sql, type Kysely } from 'kysely';
import type { TimeRange } from '../../../engine/ports/time-range.ts';
import type { TenantScope } from '../../../engine/scope/request-scope.ts';
import type { EndpointUsage, RequestCount, RequestUsageRepository } from '../../../engine/usage/usage-repositories.ts';
import type { Database } from '../database-types.ts';

export class KyselyRequestUsageRepository implements RequestUsageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(counts: readonly RequestCount[]): Promise<void> {
    if (counts.length === 0) return;
    // ON CONFLICT ... DO UPDATE with excluded.* is the same on SQLite and PostgreSQL.
    await this.db
      .insertInto('request_usage')
      .values(
        counts.map((c) => ({
          organization_internal_id: c.organizationInternalId,
          key_id: c.keyId,
          operation_id: c.operationId,
          method: c.method,
          route: c.route,
          category: c.category,
          hour: c.hour,
          request_count: c.requests,
          error_count: c.errors,
          last_request_at: c.lastRequestAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['key_id', 'operation_id', 'hour']).doUpdateSet({
          request_count: sql`request_usage.request_count + excluded.request_count`,
          error_count: sql`request_usage.error_count + excluded.error_count`,
          last_request_at: sql`case when excluded.last_request_at > request_usage.last_request_at then excluded.last_request_at else request_usage.last_request_at end`,
        }),
      )
      .execute();
  }

  async byEndpoint(tenant: TenantScope, range: TimeRange, keyId?: string): Promise<EndpointUsage[]> {
    // Rows are per hour: an hour that starts before `to` and ends after `from` overlaps the range.
    const fromHour = range.from.slice(0, 13) + ':00:00.000Z';
    let query = this.db
      .selectFrom('request_usage')
      .where('organization_internal_id', '=', tenant.organization.internalId)
      .where('hour', '>=', fromHour)
      .where('hour', '<', range.to);
    if (keyId) query = query.where('key_id', '=', keyId);
    const rows = await query
      .select([
        'operation_id',
        'method',
        'route',
        'category',
        (eb) => eb.fn.sum<number>('request_count').as('requests'),
        (eb) => eb.fn.sum<number>('error_count').as('errors'),
        (eb) => eb.fn.max('last_request_at').as('last_request_at'),
      ])
      .groupBy(['operation_id', 'method', 'route', 'category'])
      .orderBy('operation_id')
      .execute();
    return rows.map((r) => ({
      operationId: r.operation_id,
      method: r.method,
      route: r.route,
      category: r.category,
      requests: Number(r.requests),
      errors: Number(r.errors),
      lastRequestAt: String(r.last_request_at),
    }));
  }
}
