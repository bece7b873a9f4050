// The cross-tenant sweep every namespaced resource runs: each route addressing a resource of
// organization A / namespace A answers 404 NotFoundError from another organization's key and from
// another namespace of A, by id and by name, and the resource is unchanged afterwards.
import assert from 'node:assert/strict';
import type { TestApp } from './test-app.ts';

export interface SweepRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
}

export interface Outsider {
  /** For the report when an assertion fails. */
  label: string;
  key?: string;
  headers: Record<string, string>;
}

export interface SweepOptions {
  requests: readonly SweepRequest[];
  outsiders: readonly Outsider[];
  /** The resource as its owner sees it; compared before and after the sweep. */
  snapshot: () => Promise<unknown>;
}

export async function assertTenancySweep(t: TestApp, options: SweepOptions): Promise<void> {
  const before = await options.snapshot();
  for (const outsider of options.outsiders) {
    for (const r of options.requests) {
      const res = await t.call({
        method: r.method,
        url: r.url,
        headers: outsider.headers,
        ...(outsider.key ? { key: outsider.key } : {}),
        ...(r.payload !== undefined ? { payload: r.payload as Record<string, unknown> } : {}),
      });
      const where = `${outsider.label}: ${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      assert.equal(res.statusCode, 404, where);
      const body = res.json();
      assert.equal(body.success, false, where);
      assert.equal(body.error.type, 'NotFoundError', where);
    }
  }
  assert.deepEqual(await options.snapshot(), before, 'the resource changed during the tenancy sweep');
}
