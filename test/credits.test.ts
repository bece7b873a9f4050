// The credit ledger under concurrency, on the real store of each backend. Debits go through
// CreditService (what priced handlers call); the results are read back through the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InsufficientCreditsError } from '../src/engine/errors.ts';
import { getOrganization, otherOrganization } from './helpers/accounts.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { scopeFor } from './helpers/scopes.ts';

describe(`credit debits [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  async function freshOrganization() {
    const other = await otherOrganization(t);
    const org = await t.app.metadataStore.organizations.findByPublicId(other.organizationId);
    return { ...other, internalId: org!.internalId };
  }

  const spend = async (internalId: string, credits: number, referenceId: string) =>
    t.app.services.credits.spend(await scopeFor(t.app.metadataStore, internalId), { operation: 'test_operation', credits, referenceId });
  const ledgerSum = async (internalId: string) => t.app.metadataStore.ledger.sumMillis(await scopeFor(t.app.metadataStore, internalId));

  test('100 concurrent debits on a small balance never double-spend or go negative', async () => {
    const org = await freshOrganization(); // 1,000 credits
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => spend(org.internalId, 15, `burst-${i}`)));
    const spent = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(spent.length, 66); // 66 × 15 = 990 ≤ 1,000 < 67 × 15
    for (const r of refused) {
      const err = (r as PromiseRejectedResult).reason;
      assert.ok(err instanceof InsufficientCreditsError, String(err));
      assert.equal(err.status, 402);
      assert.deepEqual(err.details, { required: 15, balance: 10 });
    }
    const view = await getOrganization(t, org.apiKey);
    assert.equal(view.credit_count, 10);
    assert.equal(view.current_month_usage, 990);
    assert.equal(await ledgerSum(org.internalId), 10_000);
  });

  test('with auto-billing every debit proceeds and the overdraft is recorded', async () => {
    const org = await freshOrganization();
    const enabled = await t.call({ method: 'POST', url: '/v1/organizations/billing/enable-auto-billing', key: org.apiKey });
    assert.equal(enabled.statusCode, 200, enabled.body);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => spend(org.internalId, 15, `overdraft-${i}`)));
    assert.equal(results.filter((r) => r!.overdraft).length, 34);
    const view = await getOrganization(t, org.apiKey);
    assert.equal(view.credit_count, -500);
    assert.equal(await ledgerSum(org.internalId), -500_000);
  });

  test('fractional costs add up exactly: 30 searches at 0.1 credit spend 3 credits', async () => {
    const org = await freshOrganization();
    await Promise.all(Array.from({ length: 30 }, (_, i) => spend(org.internalId, 0.1, `search-${i}`)));
    const view = await getOrganization(t, org.apiKey);
    assert.equal(view.credit_count, 997);
    assert.equal(view.current_month_usage, 3);
    assert.equal(await ledgerSum(org.internalId), 997_000);
  });

  test('a reference is charged once; a refund gives back exactly once', async () => {
    const org = await freshOrganization();
    const first = await spend(org.internalId, 7, 'request:abc');
    const again = await spend(org.internalId, 7, 'request:abc');
    assert.equal(again!.entryId, first!.entryId);
    assert.equal((await getOrganization(t, org.apiKey)).credit_count, 993);
    await Promise.all([1, 2, 3].map(() => scopeFor(t.app.metadataStore, org.internalId).then((scope) => t.app.services.credits.refund(scope, 'test_operation', first!, 'request:abc'))));
    assert.equal((await getOrganization(t, org.apiKey)).credit_count, 1000);
    assert.equal(await ledgerSum(org.internalId), 1_000_000);
  });

  test('concurrent top-ups and debits keep the ledger equal to the balance', async () => {
    const org = await freshOrganization();
    await Promise.allSettled([
      ...Array.from({ length: 20 }, () => t.call({ method: 'POST', url: '/v1/organizations/credits', key: org.apiKey, payload: { credits: 10 } })),
      ...Array.from({ length: 40 }, (_, i) => spend(org.internalId, 30, `mixed-${i}`)),
    ]);
    const stored = await t.app.metadataStore.organizations.findByInternalId(org.internalId);
    assert.ok(stored!.creditBalanceMillis >= 0);
    assert.equal(await ledgerSum(org.internalId), stored!.creditBalanceMillis);
  });
});
