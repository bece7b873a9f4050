// PATCHes that merge into stored objects (organization rate_limits, spending caps) do the merge
// under the organization's row lock, over the row as stored: concurrent pairs that change different
// fields both land.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

const TRIALS = 15;

describe(`concurrent merging updates [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('two concurrent PATCHes of different rate-limit categories both apply', async () => {
    for (let i = 0; i < TRIALS; i++) {
      const [a, b] = await Promise.all([
        t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { metadata: 100 + i } } }),
        t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { search: 200 + i } } }),
      ]);
      assert.equal(a.statusCode, 200, a.body);
      assert.equal(b.statusCode, 200, b.body);
      const limits = (await t.call({ method: 'GET', url: '/v1/organizations' })).json().rate_limits;
      assert.equal(limits.metadata, 100 + i, `trial ${i}: metadata lost (${JSON.stringify(limits)})`);
      assert.equal(limits.search, 200 + i, `trial ${i}: search lost (${JSON.stringify(limits)})`);
      assert.equal(limits.data, 10, 'untouched categories keep their value');
    }
  });

  test('a rate-limit PATCH and a name PATCH at once both apply', async () => {
    for (let i = 0; i < TRIALS; i++) {
      await Promise.all([
        t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { upload: 300 + i } } }),
        t.call({ method: 'PATCH', url: '/v1/organizations', payload: { organization_name: `Org ${i}` } }),
      ]);
      const org = (await t.call({ method: 'GET', url: '/v1/organizations' })).json();
      assert.equal(org.rate_limits.upload, 300 + i);
      assert.equal(org.organization_name, `Org ${i}`);
    }
  });

  test('two concurrent spending-cap updates of different fields both apply', async () => {
    const url = '/v1/organizations/billing/spending-caps';
    for (let i = 0; i < TRIALS; i++) {
      const [a, b] = await Promise.all([
        t.call({ method: 'POST', url, payload: { monthly_spending_budget: 1000 + i } }),
        t.call({ method: 'POST', url, payload: { hard_spending_cap: 5000 + i } }),
      ]);
      assert.equal(a.statusCode, 200, a.body);
      assert.equal(b.statusCode, 200, b.body);
      const caps = (await t.call({ method: 'GET', url })).json();
      assert.equal(caps.monthly_spending_budget, 1000 + i, `trial ${i}: budget lost`);
      assert.equal(caps.hard_spending_cap, 5000 + i, `trial ${i}: hard cap lost`);
    }
  });

  test('a hard cap enabled while another request clears the amount is refused, never stored inconsistent', async () => {
    const url = '/v1/organizations/billing/spending-caps';
    assert.equal((await t.call({ method: 'POST', url, payload: { hard_spending_cap: 100, hard_cap_enabled: false } })).statusCode, 200);
    for (let i = 0; i < TRIALS; i++) {
      await Promise.all([
        t.call({ method: 'POST', url, payload: { hard_cap_enabled: true } }),
        t.call({ method: 'POST', url, payload: { hard_spending_cap: null } }),
      ]);
      const caps = (await t.call({ method: 'GET', url })).json();
      assert.ok(!(caps.hard_cap_enabled && caps.hard_spending_cap === null), `trial ${i}: enabled cap without an amount: ${JSON.stringify(caps)}`);
      // Reset for the next trial.
      assert.equal((await t.call({ method: 'POST', url, payload: { hard_spending_cap: 100, hard_cap_enabled: false } })).statusCode, 200);
    }
  });
});
