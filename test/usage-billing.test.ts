// Usage reports, credits and billing through the real HTTP API on real storage. Credits are spent
// through the engine (CreditService), since no route charges a fixed cost yet; everything is then
// read back over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Spend } from '../src/engine/billing/credit-service.ts';
import { TesseraError } from '../src/engine/errors.ts';
import type { Clock } from '../src/engine/ports/clock.ts';
import { createKey, createUser, getOrganization, keyFor, otherOrganization } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import { scopeFor } from './helpers/scopes.ts';

const ADMIN_EMAIL = 'admin@tessera.local';
const keysOf = (email: string) => `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;
const keyUsage = (keyId: string) => `/v1/organizations/api-keys/${encodeURIComponent(keyId)}/usage`;
const keyEndpoints = (keyId: string) => `${keyUsage(keyId)}/endpoints`;

/** A clock the test moves by assigning `at`. */
function testClock(start: string): Clock & { at: Date } {
  const clock = {
    at: new Date(start),
    now: () => new Date(clock.at.getTime()),
  };
  return clock;
}

async function getJson(t: TestApp, url: string, key?: string): Promise<Record<string, any>> {
  const res = await t.call({ method: 'GET', url, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

/** The key id of a user's key with the given name, found through the listing (as a client would). */
async function keyIdOf(t: TestApp, email: string, name: string, key?: string): Promise<string> {
  const list = await getJson(t, keysOf(email), key);
  const found = list.results.find((k: { name: string }) => k.name === name);
  assert.ok(found, `no key '${name}' for ${email} in ${JSON.stringify(list)}`);
  return found.key_id;
}

/** The engine-side view of an organization: its internal id, balance and ledger. */
async function ledgerOf(t: TestApp) {
  const publicId = (await getOrganization(t)).organization_id as string;
  const org = await t.app.metadataStore.organizations.findByPublicId(publicId);
  assert.ok(org);
  const internalId = org.internalId;
  return {
    internalId,
    balanceMillis: async () => (await t.app.metadataStore.organizations.findByInternalId(internalId))!.creditBalanceMillis,
    sumMillis: async () => t.app.metadataStore.ledger.sumMillis(await scopeFor(t.app.metadataStore, internalId)),
    spend: async (credits: number, operation: string, keyId: string | null = null, referenceId = uniqueName('ref')) =>
      t.app.services.credits.spend(await scopeFor(t.app.metadataStore, internalId, keyId), { operation, credits, referenceId }),
  };
}

async function assertLedgerMatchesBalance(t: TestApp, ledger: Awaited<ReturnType<typeof ledgerOf>>): Promise<void> {
  const [sum, balance] = await Promise.all([ledger.sumMillis(), ledger.balanceMillis()]);
  assert.equal(sum, balance, `ledger sums to ${sum} but the balance is ${balance}`);
}

/** The error a rejected engine call threw: a TesseraError with this status, type and details. */
function tesseraError(status: number, type: string, details?: Record<string, unknown>) {
  return (err: unknown) => {
    assert.ok(err instanceof TesseraError, `expected a TesseraError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.equal(err.type, type);
    if (details) assert.deepEqual(err.details, details);
    return true;
  };
}

const enc = encodeURIComponent;

describe(`Request usage [${BACKEND}]`, () => {
  let t: TestApp;
  let adminKeyId: string;
  let member: { email: string; key: string; keyId: string };
  before(async () => {
    t = await createTestApp();
    adminKeyId = await keyIdOf(t, ADMIN_EMAIL, 'admin-key');
    // The free tier allows two keys: the admin key and this one.
    const email = `${uniqueName('member')}@example.com`;
    await createUser(t, { email, role: 'member' });
    const created = await createKey(t, email, { name: 'member-key', permissions: ['read', 'write'] });
    member = { email, key: created.key, keyId: created.key_id };
  });
  after(() => t.close());

  test('GET /v1/organizations/usage counts every request, per category and errors, exactly', async () => {
    const before = await getJson(t, '/v1/organizations/usage');
    assert.equal(before.organization_id, (await getOrganization(t)).organization_id);
    // Counted after it answers: the read above adds one, as does the GET /v1/organizations just made.
    for (let i = 0; i < 5; i++) await getOrganization(t);
    for (let i = 0; i < 3; i++) await getOrganization(t, member.key);
    assertError(await t.call({ method: 'GET', url: `/v1/organizations/users/${enc('nobody@example.com')}` }), 404, 'NotFoundError');
    assertError(await t.call({ method: 'GET', url: '/v1/organizations/users/nobody@example.com', key: member.key }), 404, 'NotFoundError');
    // Unauthenticated requests belong to no organization and are not counted.
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: null }), 401, 'UnauthorizedError');

    const usage = await getJson(t, '/v1/organizations/usage');
    const added = 1 + 1 + 5 + 3 + 2; // previous usage read, getOrganization, 5 + 3 reads, 2 misses
    assert.equal(usage.requests.total, before.requests.total + added);
    assert.equal(usage.requests.errors, before.requests.errors + 2);
    assert.equal(usage.requests.by_category.metadata, (before.requests.by_category.metadata ?? 0) + added);
    assert.deepEqual(Object.keys(usage.requests.by_category), ['metadata']);
    assert.ok(Number.isInteger(usage.requests.total));
    assert.deepEqual(usage.breakdown, {});
    assert.equal(usage.credits.total, 1000);
    assert.equal(usage.credits.used, 0);
    assert.equal(usage.credits.remaining, 1000);
    assert.equal(usage.credits.used_in_range, 0);
    assert.ok(Date.parse(usage.period.start) < Date.parse(usage.period.end));
    assert.ok(Date.parse(usage.credits.reset_date) > Date.now() - 60_000);
  });

  test('start and end filter the range; start >= end is 400 invalid_range; a malformed date is 422', async () => {
    const past = await getJson(t, `/v1/organizations/usage?start=${enc('2020-01-01T00:00:00Z')}&end=${enc('2020-02-01T00:00:00Z')}`);
    assert.equal(past.requests.total, 0);
    assert.equal(past.requests.errors, 0);
    assert.deepEqual(past.requests.by_category, {});
    assert.equal(past.period.start, '2020-01-01T00:00:00.000Z');

    const all = await getJson(t, '/v1/organizations/usage');
    const since = await getJson(t, `/v1/organizations/usage?start=${enc(new Date(Date.now() - 3_600_000).toISOString())}`);
    assert.equal(since.requests.total, all.requests.total + 1, 'the last hour holds everything, plus the read before');

    for (const query of ['start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z', 'start=2026-01-01T00:00:00Z&end=2026-01-01T00:00:00Z']) {
      const body = assertError(await t.call({ method: 'GET', url: `/v1/organizations/usage?${query.replace(/:/g, '%3A')}` }), 400, 'BadRequestError');
      assert.equal(body.error.code, 'invalid_range');
    }
    for (const url of ['/v1/organizations/usage?start=garbage', `${keyUsage(adminKeyId)}?start=garbage`, `${keyEndpoints(adminKeyId)}?start=garbage`]) {
      const body = assertError(await t.call({ method: 'GET', url }), 422, 'ValidationError');
      assert.ok(body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(['query', 'start'])), JSON.stringify(body.detail));
    }
    const badEnd = assertError(await t.call({ method: 'GET', url: '/v1/organizations/usage?end=yesterday' }), 422, 'ValidationError');
    assert.ok(badEnd.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(['query', 'end'])));
  });

  test('per key and per endpoint: operationId, route pattern, method, requests and 4xx errors', async () => {
    // Everything the member key did so far was made in the first test: 3 reads and 1 miss.
    const usage = await getJson(t, keyUsage(member.keyId));
    assert.equal(usage.key_id, member.keyId);
    assert.equal(usage.name, 'member-key');
    assert.equal(usage.requests, 4);
    assert.equal(usage.errors, 1);
    assert.equal(usage.credits_used, 0);
    assert.deepEqual(usage.by_category, { metadata: 4 });
    assert.ok(usage.last_used_at);

    await getOrganization(t, member.key);
    const res = await t.call({ method: 'GET', url: keyEndpoints(member.keyId) });
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.json() as Record<string, any>[];
    const byEndpoint = Object.fromEntries(rows.map((r) => [r.endpoint, r]));
    assert.deepEqual(Object.keys(byEndpoint).sort(), ['get_organization_v1_organizations_get', 'get_user_v1_organizations_users__user_email__get']);
    const org = byEndpoint.get_organization_v1_organizations_get;
    assert.equal(org.path, '/v1/organizations');
    assert.equal(org.method, 'GET');
    assert.equal(org.category, 'metadata');
    assert.equal(org.requests, 4);
    assert.equal(org.errors, 0);
    assert.equal(org.credits_used, 0);
    assert.ok(Date.parse(org.last_request_at) > Date.now() - 60_000);
    const user = byEndpoint.get_user_v1_organizations_users__user_email__get;
    assert.equal(user.path, '/v1/organizations/users/:user_email');
    assert.equal(user.method, 'GET');
    assert.equal(user.requests, 1);
    assert.equal(user.errors, 1);

    // The admin key's own reads are its own; the member key's are not among them.
    const admin = await getJson(t, keyUsage(adminKeyId));
    const adminEndpoints = await getJson(t, keyEndpoints(adminKeyId));
    const adminTotal = (adminEndpoints as unknown as Record<string, any>[]).reduce((n, r) => n + r.requests, 0);
    assert.equal(adminTotal, admin.requests + 1, 'the usage read between them is counted in the second');
    const orgTotal = (await getJson(t, '/v1/organizations/usage')).requests.total;
    assert.equal(orgTotal, adminTotal + 1 + 5, 'the org total is the admin key plus the member key');

    const past = await getJson(t, `${keyEndpoints(member.keyId)}?start=${enc('2020-01-01T00:00:00Z')}&end=${enc('2020-01-02T00:00:00Z')}`);
    assert.deepEqual(past, []);
    const pastUsage = await getJson(t, `${keyUsage(member.keyId)}?start=${enc('2020-01-01T00:00:00Z')}&end=${enc('2020-01-02T00:00:00Z')}`);
    assert.equal(pastUsage.requests, 0);
    const body = assertError(await t.call({ method: 'GET', url: `${keyUsage(member.keyId)}?start=${enc('2026-01-02T00:00:00Z')}&end=${enc('2026-01-01T00:00:00Z')}` }), 400, 'BadRequestError');
    assert.equal(body.error.code, 'invalid_range');
  });

  test('404 for an unknown key and for a key of another organization', async () => {
    for (const url of [keyUsage('key_doesnotexist000000'), keyEndpoints('key_doesnotexist000000')]) {
      assertError(await t.call({ method: 'GET', url }), 404, 'NotFoundError');
    }
    const other = await otherOrganization(t);
    const theirKeyId = await keyIdOf(t, other.adminEmail, 'admin-key', other.apiKey);
    for (const url of [keyUsage(theirKeyId), keyEndpoints(theirKeyId)]) {
      const body = assertError(await t.call({ method: 'GET', url }), 404, 'NotFoundError');
      assert.doesNotMatch(JSON.stringify(body), /Other Org/);
    }
    // Their own admin reads it fine.
    assert.equal((await getJson(t, keyUsage(theirKeyId), other.apiKey)).key_id, theirKeyId);
    // And their traffic is not ours.
    const theirs = await getJson(t, '/v1/organizations/usage', other.apiKey);
    assert.equal(theirs.organization_id, other.organizationId);
  });

  test("a member reads its own key's usage (200) but not another user's (403)", async () => {
    const own = await getJson(t, keyUsage(member.keyId), member.key);
    assert.equal(own.key_id, member.keyId);
    assert.ok(Array.isArray(await getJson(t, keyEndpoints(member.keyId), member.key)));
    for (const url of [keyUsage(adminKeyId), keyEndpoints(adminKeyId)]) {
      const body = assertError(await t.call({ method: 'GET', url, key: member.key }), 403, 'ForbiddenError');
      assert.equal(body.error.details.required, 'admin');
    }
    // The organization-wide report needs only read.
    await getJson(t, '/v1/organizations/usage', member.key);
  });

  test('401 without a key on every usage and billing route', async () => {
    const routes: [string, string, object?][] = [
      ['GET', '/v1/organizations/usage'],
      ['GET', keyUsage(adminKeyId)],
      ['GET', keyEndpoints(adminKeyId)],
      ['GET', '/v1/organizations/billing/balance'],
      ['GET', '/v1/organizations/billing/usage/current'],
      ['GET', '/v1/organizations/billing/usage/breakdown'],
      ['POST', '/v1/organizations/billing/enable-auto-billing'],
      ['POST', '/v1/organizations/billing/disable-auto-billing'],
      ['GET', '/v1/organizations/billing/spending-caps'],
      ['POST', '/v1/organizations/billing/spending-caps', { hard_cap_enabled: false }],
    ];
    for (const [method, url, payload] of routes) {
      const res = await t.call({ method: method as 'GET' | 'POST', url, key: null, ...(payload ? { payload } : {}) });
      assertError(res, 401, 'UnauthorizedError');
      const bad = await t.call({ method: method as 'GET' | 'POST', url, key: 'sk_unknown_key_000000000000000000', ...(payload ? { payload } : {}) });
      assertError(bad, 401, 'UnauthorizedError');
    }
    assert.equal((await getOrganization(t)).auto_billing_enabled, false);
  });
});

describe(`Credits spent through the engine, read over HTTP [${BACKEND}]`, () => {
  // A fixed clock keeps the billing month known: March 2026, cycle day 1.
  const clock = testClock('2026-03-10T12:00:00Z');
  let t: TestApp;
  let ledger: Awaited<ReturnType<typeof ledgerOf>>;
  let adminKeyId: string;
  before(async () => {
    t = await createTestApp({}, { clock });
    ledger = await ledgerOf(t);
    adminKeyId = await keyIdOf(t, ADMIN_EMAIL, 'admin-key');
  });
  after(() => t.close());

  test('10 × 0.1 credits make exactly 1: credit_count drops by 1, current_month_usage rises by 1, both integers', async () => {
    const before = await getOrganization(t);
    assert.equal(before.credit_count, 1000);
    assert.equal(before.current_month_usage, 0);
    for (let i = 0; i < 10; i++) await ledger.spend(0.1, 'search', adminKeyId);
    const after = await getOrganization(t);
    assert.equal(after.credit_count, 999);
    assert.equal(after.current_month_usage, 1);
    assert.ok(Number.isInteger(after.credit_count) && Number.isInteger(after.current_month_usage));
    assert.equal(await ledger.balanceMillis(), 999_000);
    await assertLedgerMatchesBalance(t, ledger);
  });

  test('whole and partial credits: credit_count rounds down, current_month_usage up', async () => {
    await ledger.spend(5, 'upload', adminKeyId);
    await ledger.spend(0.5, 'half', adminKeyId);
    await ledger.spend(2, 'background', null);
    const org = await getOrganization(t);
    // 1000 − (1 + 5 + 0.5 + 2) = 991.5
    assert.equal(org.credit_count, 991);
    assert.equal(org.current_month_usage, 9);
    assert.ok(Number.isInteger(org.credit_count) && Number.isInteger(org.current_month_usage));
    await assertLedgerMatchesBalance(t, ledger);
  });

  test('GET /v1/organizations/usage: breakdown by operation and the period credits', async () => {
    const usage = await getJson(t, '/v1/organizations/usage');
    assert.deepEqual(usage.breakdown, { search: 1, upload: 5, half: 0.5, background: 2 });
    assert.equal(usage.credits.total, 1000);
    assert.equal(usage.credits.used, 8.5);
    assert.equal(usage.credits.used_in_range, 8.5);
    assert.equal(usage.credits.remaining, 991, 'whole credits, like credit_count');
    assert.equal(usage.credits.reset_date, '2026-04-01T00:00:00.000Z');
    assert.equal(usage.period.start, '2026-03-01T00:00:00.000Z');
    const past = await getJson(t, `/v1/organizations/usage?start=${enc('2026-02-01T00:00:00Z')}&end=${enc('2026-03-01T00:00:00Z')}`);
    assert.deepEqual(past.breakdown, {});
    assert.equal(past.credits.used_in_range, 0);
    assert.equal(past.credits.used, 8.5, 'used is always the current period');
  });

  test("GET …/api-keys/{key_id}/usage: the key's credits_used, not the organization's", async () => {
    const usage = await getJson(t, keyUsage(adminKeyId));
    assert.equal(usage.credits_used, 6.5);
    const endpoints = (await getJson(t, keyEndpoints(adminKeyId))) as unknown as Record<string, any>[];
    // Credits per endpoint are matched by operationId; engine operations named otherwise show none.
    assert.ok(endpoints.every((e) => e.credits_used === 0));
  });

  test('GET /v1/organizations/billing/balance', async () => {
    const balance = await getJson(t, '/v1/organizations/billing/balance');
    const org = await getOrganization(t);
    assert.deepEqual(Object.keys(balance).sort(), [
      'account_tier', 'credit_balance', 'credits_until_next_tier', 'daily_burn_rate', 'estimated_days_remaining', 'next_tier', 'organization_id',
    ]);
    assert.equal(balance.organization_id, org.organization_id);
    assert.equal(balance.credit_balance, 991);
    assert.equal(balance.account_tier, 'free');
    assert.equal(balance.next_tier, 'pro');
    assert.equal(balance.credits_until_next_tier, 100_000 - 991);
    assert.ok(balance.daily_burn_rate > 0);
    assert.equal(balance.daily_burn_rate, Math.round((8.5 / 7) * 1000) / 1000);
    assert.equal(balance.estimated_days_remaining, Math.floor(991 / (8.5 / 7)));
    assert.ok(Number.isInteger(balance.estimated_days_remaining));
  });

  test('GET /v1/organizations/billing/usage/current', async () => {
    const current = await getJson(t, '/v1/organizations/billing/usage/current');
    assert.deepEqual(current, {
      current_month_usage: 9,
      billing_month: '2026-03',
      billing_period_start: '2026-03-01T00:00:00.000Z',
      billing_period_end: '2026-04-01T00:00:00.000Z',
      estimated_cost_usd: 0.0085,
      credit_rate: 0.001,
      auto_billing_enabled: false,
      next_invoice_date: '2026-04-01T00:00:00.000Z',
    });
    assert.match(current.billing_month, /^\d{4}-\d{2}$/);
  });

  test('GET /v1/organizations/billing/usage/breakdown: by operation; past months empty; bad months 422', async () => {
    const now = await getJson(t, '/v1/organizations/billing/usage/breakdown');
    assert.equal(now.billing_month, '2026-03');
    assert.deepEqual(now.by_operation, { search: 1, upload: 5, half: 1, background: 2 });
    assert.deepEqual(now.by_extractor, {});
    assert.equal(now.total_credits, 9);
    assert.equal(now.total_cost_usd, 0.0085);
    assert.equal(now.period_start, '2026-03-01T00:00:00.000Z');
    assert.equal(now.period_end, '2026-04-01T00:00:00.000Z');
    assert.deepEqual(await getJson(t, '/v1/organizations/billing/usage/breakdown?billing_month=2026-03'), now);

    const past = await getJson(t, '/v1/organizations/billing/usage/breakdown?billing_month=2026-02');
    assert.equal(past.billing_month, '2026-02');
    assert.equal(past.total_credits, 0);
    assert.equal(past.total_cost_usd, 0);
    assert.deepEqual(past.by_operation, {});
    assert.equal(past.period_start, '2026-02-01T00:00:00.000Z');
    assert.equal(past.period_end, '2026-03-01T00:00:00.000Z');

    for (const month of ['2024-13', '2024-00', '2024-1', 'march', '2024-01-01']) {
      const body = assertError(await t.call({ method: 'GET', url: `/v1/organizations/billing/usage/breakdown?billing_month=${month}` }), 422, 'ValidationError');
      assert.ok(body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(['query', 'billing_month'])), JSON.stringify(body.detail));
    }
  });

  test('a viewer may read every report', async () => {
    const { key } = await keyFor(t, 'viewer', ['read']);
    for (const url of ['/v1/organizations/usage', '/v1/organizations/billing/balance', '/v1/organizations/billing/usage/current', '/v1/organizations/billing/usage/breakdown', '/v1/organizations/billing/spending-caps']) {
      await getJson(t, url, key);
    }
  });
});

describe(`Auto-billing [${BACKEND}]`, () => {
  let t: TestApp;
  let ledger: Awaited<ReturnType<typeof ledgerOf>>;
  let memberKey: string;
  before(async () => {
    t = await createTestApp();
    ledger = await ledgerOf(t);
    memberKey = (await keyFor(t, 'member', ['read', 'write'])).key;
  });
  after(() => t.close());

  test('enable and disable flip auto_billing_enabled; non-admin keys get 403 and change nothing', async () => {
    assert.equal((await getOrganization(t)).auto_billing_enabled, false);
    let res = await t.call({ method: 'POST', url: '/v1/organizations/billing/enable-auto-billing' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().success, true);
    assert.equal(res.json().auto_billing_enabled, true);
    assert.equal(typeof res.json().message, 'string');
    assert.ok(res.json().billing_period_start);
    assert.equal((await getOrganization(t)).auto_billing_enabled, true);
    assert.equal((await getJson(t, '/v1/organizations/billing/usage/current')).auto_billing_enabled, true);

    for (const verb of ['enable', 'disable']) {
      const body = assertError(await t.call({ method: 'POST', url: `/v1/organizations/billing/${verb}-auto-billing`, key: memberKey }), 403, 'ForbiddenError');
      assert.equal(body.error.details.required, 'admin');
    }
    assert.equal((await getOrganization(t)).auto_billing_enabled, true);

    res = await t.call({ method: 'POST', url: '/v1/organizations/billing/disable-auto-billing' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().auto_billing_enabled, false);
    assert.equal(res.json().billing_period_start, null);
    assert.equal((await getOrganization(t)).auto_billing_enabled, false);
    // Idempotent.
    res = await t.call({ method: 'POST', url: '/v1/organizations/billing/disable-auto-billing' });
    assert.equal(res.statusCode, 200);
    assert.equal((await getOrganization(t)).auto_billing_enabled, false);
  });

  test('off: a spend past the balance is refused with 402 InsufficientCreditsError and spends nothing', async () => {
    const before = await getOrganization(t);
    assert.equal(before.credit_count, 1000);
    await assert.rejects(ledger.spend(1500, 'too_much'), tesseraError(402, 'InsufficientCreditsError', { required: 1500, balance: 1000 }));
    // Exactly the balance is fine; a thousandth more is not.
    await assert.rejects(ledger.spend(1000.001, 'too_much'), tesseraError(402, 'InsufficientCreditsError'));
    const after = await getOrganization(t);
    assert.equal(after.credit_count, 1000);
    assert.equal(after.current_month_usage, 0);
    assert.equal(await ledger.balanceMillis(), 1_000_000);
    assert.deepEqual((await getJson(t, '/v1/organizations/usage')).breakdown, {});
    await assertLedgerMatchesBalance(t, ledger);
  });

  test('on: the spend goes through as an overdraft and credit_count goes negative', async () => {
    assert.equal((await t.call({ method: 'POST', url: '/v1/organizations/billing/enable-auto-billing' })).statusCode, 200);
    const spend = await ledger.spend(1500, 'overdraft_op');
    assert.ok(spend);
    assert.equal(spend.overdraft, true);
    assert.equal(spend.balanceAfterMillis, -500_000);
    const org = await getOrganization(t);
    assert.equal(org.credit_count, -500);
    assert.equal(org.current_month_usage, 1500);
    const balance = await getJson(t, '/v1/organizations/billing/balance');
    assert.equal(balance.credit_balance, -500);
    assert.equal(balance.estimated_days_remaining, null, 'no run-out date while auto-billing covers overdrafts');
    assert.equal(balance.credits_until_next_tier, 100_500);
    await assertLedgerMatchesBalance(t, ledger);

    // Turning it off again refuses further spending below zero.
    assert.equal((await t.call({ method: 'POST', url: '/v1/organizations/billing/disable-auto-billing' })).statusCode, 200);
    await assert.rejects(ledger.spend(1, 'after_off'), tesseraError(402, 'InsufficientCreditsError', { required: 1, balance: -500 }));
    assert.equal((await getOrganization(t)).credit_count, -500);
    await assertLedgerMatchesBalance(t, ledger);
  });
});

describe(`Spending caps [${BACKEND}]`, () => {
  const clock = testClock('2026-03-10T12:00:00Z');
  let t: TestApp;
  let ledger: Awaited<ReturnType<typeof ledgerOf>>;
  let memberKey: string;
  const url = '/v1/organizations/billing/spending-caps';
  before(async () => {
    t = await createTestApp({}, { clock });
    ledger = await ledgerOf(t);
    memberKey = (await keyFor(t, 'member', ['read', 'write'])).key;
  });
  after(() => t.close());

  test('GET: the defaults', async () => {
    assert.deepEqual(await getJson(t, url), {
      monthly_spending_budget: null,
      monthly_spending_budget_usd: null,
      spending_alert_thresholds: [80, 95],
      spending_alerts_enabled: true,
      spending_alerts_sent: [],
      hard_spending_cap: null,
      hard_spending_cap_usd: null,
      hard_cap_enabled: false,
      current_spending_cents: 0,
      current_spending_usd: 0,
      budget_percentage_used: null,
    });
    assert.equal((await getJson(t, url, memberKey)).hard_cap_enabled, false);
  });

  test('a 1-cent hard cap (10 credits): two spends of 4 pass, the third is refused with 402 and spends nothing', async () => {
    const res = await t.call({ method: 'POST', url, payload: { hard_spending_cap: 1, hard_cap_enabled: true } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().hard_spending_cap, 1);
    assert.equal(res.json().hard_spending_cap_usd, 0.01);
    assert.equal(res.json().hard_cap_enabled, true);
    assert.deepEqual(await getJson(t, url), res.json());

    assert.ok(await ledger.spend(4, 'capped'));
    assert.ok(await ledger.spend(4, 'capped'));
    await assert.rejects(ledger.spend(4, 'capped'), tesseraError(402, 'SpendingCapReachedError', { hard_spending_cap: 1, current_spending_cents: 0 }));
    const org = await getOrganization(t);
    assert.equal(org.credit_count, 992);
    assert.equal(org.current_month_usage, 8);
    const caps = await getJson(t, url);
    assert.equal(caps.current_spending_cents, 0);
    assert.equal(caps.current_spending_usd, 0.008);
    // Exactly up to the cap is allowed.
    assert.ok(await ledger.spend(2, 'capped'));
    await assert.rejects(ledger.spend(0.001, 'capped'), tesseraError(402, 'SpendingCapReachedError', { hard_spending_cap: 1, current_spending_cents: 1 }));
    assert.equal((await getOrganization(t)).credit_count, 990);
    assert.equal((await getJson(t, url)).current_spending_cents, 1);
    await assertLedgerMatchesBalance(t, ledger);

    // Raising the cap lets spending resume; disabling it lifts it.
    assert.equal((await t.call({ method: 'POST', url, payload: { hard_spending_cap: 2 } })).statusCode, 200);
    assert.ok(await ledger.spend(4, 'capped'));
    assert.equal((await t.call({ method: 'POST', url, payload: { hard_cap_enabled: false } })).statusCode, 200);
    assert.ok(await ledger.spend(100, 'uncapped'));
    const after = await getJson(t, url);
    assert.equal(after.hard_spending_cap, 2, 'disabling keeps the amount');
    assert.equal(after.hard_cap_enabled, false);
    assert.equal(after.current_spending_cents, 11);
  });

  test('a soft budget reports thresholds passed and the percentage used', async () => {
    // 114 credits spent so far = 11.4 cents; a 20-cent budget is 57% used.
    const res = await t.call({ method: 'POST', url, payload: { monthly_spending_budget: 20, spending_alert_thresholds: [50, 25, 50, 90] } });
    assert.equal(res.statusCode, 200, res.body);
    const caps = res.json();
    assert.equal(caps.monthly_spending_budget, 20);
    assert.equal(caps.monthly_spending_budget_usd, 0.2);
    assert.deepEqual(caps.spending_alert_thresholds, [25, 50, 90]);
    assert.deepEqual(caps.spending_alerts_sent, [25, 50]);
    assert.equal(caps.budget_percentage_used, 57);
    // A soft budget never refuses.
    assert.ok(await ledger.spend(500, 'over_budget'));
  });

  test('hard_cap_enabled with a null cap is 400 and changes nothing', async () => {
    const before = await getJson(t, url);
    const body = assertError(await t.call({ method: 'POST', url, payload: { hard_spending_cap: null, hard_cap_enabled: true } }), 400, 'BadRequestError');
    assert.equal(body.error.code, 'hard_cap_missing');
    assert.deepEqual(await getJson(t, url), before);
  });

  test('422 for bad bodies; 403 for non-admin keys; nothing changes', async () => {
    const before = await getJson(t, url);
    const cases: [unknown, (string | number)[]][] = [
      [{ hard_spending_cap: -1 }, ['body', 'hard_spending_cap']],
      [{ hard_spending_cap: 1.5 }, ['body', 'hard_spending_cap']],
      [{ hard_spending_cap: '5' }, ['body', 'hard_spending_cap']],
      [{ bogus: 1, hard_spending_cap: 'x' }, ['body', 'hard_spending_cap']],
      [{ spending_alert_thresholds: [150] }, ['body', 'spending_alert_thresholds', 0]],
      [{ hard_cap_enabled: 'yes' }, ['body', 'hard_cap_enabled']],
    ];
    for (const [payload, loc] of cases) {
      const body = assertError(await t.call({ method: 'POST', url, payload: payload as object }), 422, 'ValidationError');
      assert.ok(
        body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(loc)),
        `${JSON.stringify(payload)} → expected loc ${JSON.stringify(loc)} in ${JSON.stringify(body.detail)}`,
      );
    }
    const denied = assertError(await t.call({ method: 'POST', url, key: memberKey, payload: { hard_cap_enabled: false } }), 403, 'ForbiddenError');
    assert.equal(denied.error.details.required, 'admin');
    assert.deepEqual(await getJson(t, url), before);
  });
});

describe(`Monthly grant [${BACKEND}]`, () => {
  const clock = testClock('2026-03-10T12:00:00Z');
  let t: TestApp;
  let ledger: Awaited<ReturnType<typeof ledgerOf>>;
  before(async () => {
    t = await createTestApp({}, { clock });
    ledger = await ledgerOf(t);
  });
  after(() => t.close());

  test('the first request of a new period grants the tier allocation exactly once, even under concurrency', async () => {
    await ledger.spend(30, 'march_work');
    const march = await getOrganization(t);
    assert.equal(march.credit_count, 970);
    assert.equal(march.current_month_usage, 30);
    // More requests in March grant nothing.
    assert.equal((await getOrganization(t)).credit_count, 970);

    clock.at = new Date('2026-04-02T09:00:00Z');
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.call({ method: 'GET', url: '/v1/organizations' })));
    for (const res of responses) {
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().credit_count, 1970);
      assert.equal(res.json().current_month_usage, 0);
    }
    const april = await getOrganization(t);
    assert.equal(april.credit_count, 1970);
    assert.equal(april.current_month_usage, 0);
    assert.equal(await ledger.balanceMillis(), 1_970_000);
    await assertLedgerMatchesBalance(t, ledger);
    const grant = await t.app.metadataStore.ledger.findByReference(await scopeFor(t.app.metadataStore, ledger.internalId), 'monthly_grant:2026-04-01');
    assert.ok(grant);
    assert.equal(grant.amountMillis, 1_000_000);
    assert.equal(grant.operation, 'monthly_grant');
    assert.equal((await t.app.metadataStore.organizations.findByInternalId(ledger.internalId))!.lastGrantPeriod, '2026-04-01');

    const current = await getJson(t, '/v1/organizations/billing/usage/current');
    assert.equal(current.billing_month, '2026-04');
    assert.equal(current.current_month_usage, 0);
    // March's spending stays in March.
    assert.equal((await getJson(t, '/v1/organizations/billing/usage/breakdown?billing_month=2026-03')).total_credits, 30);
    const usage = await getJson(t, '/v1/organizations/usage');
    assert.equal(usage.credits.used, 0);
    assert.equal(usage.credits.remaining, 1970);
    assert.equal(usage.credits.reset_date, '2026-05-01T00:00:00.000Z');
    // A grant is income, not spending.
    assert.deepEqual(usage.breakdown, {});
  });

  test('later requests in the same period grant nothing more; the next period grants again', async () => {
    clock.at = new Date('2026-04-30T23:59:59Z');
    assert.equal((await getOrganization(t)).credit_count, 1970);
    await ledger.spend(70, 'april_work');
    assert.equal((await getOrganization(t)).current_month_usage, 70);

    clock.at = new Date('2026-05-01T00:00:00Z');
    const may = await getOrganization(t);
    assert.equal(may.credit_count, 2900);
    assert.equal(may.current_month_usage, 0);
    assert.equal((await getJson(t, '/v1/organizations/billing/usage/breakdown?billing_month=2026-04')).total_credits, 70);
    await assertLedgerMatchesBalance(t, ledger);
  });
});

describe(`Credit ledger [${BACKEND}]`, () => {
  let t: TestApp;
  let ledger: Awaited<ReturnType<typeof ledgerOf>>;
  let adminKeyId: string;
  before(async () => {
    t = await createTestApp();
    ledger = await ledgerOf(t);
    adminKeyId = await keyIdOf(t, ADMIN_EMAIL, 'admin-key');
  });
  after(() => t.close());

  test('top-ups, spends and refunds: the ledger always sums to the balance', async () => {
    await assertLedgerMatchesBalance(t, ledger);
    const topUp = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 500 } });
    assert.equal(topUp.statusCode, 200, topUp.body);
    assert.equal(topUp.json().new_balance, 1500);
    await assertLedgerMatchesBalance(t, ledger);

    const spends: Spend[] = [];
    for (const credits of [10, 0.1, 0.2, 3.333, 250]) {
      const spend = await ledger.spend(credits, 'mixed', adminKeyId);
      assert.ok(spend);
      spends.push(spend);
      await assertLedgerMatchesBalance(t, ledger);
    }
    assert.equal(await ledger.balanceMillis(), 1_500_000 - 263_633);

    const services = t.app.services.credits;
    await services.refund(await scopeFor(t.app.metadataStore, ledger.internalId, adminKeyId), 'mixed', spends[4]!, 'refund-a');
    await services.refund(await scopeFor(t.app.metadataStore, ledger.internalId, adminKeyId), 'mixed', spends[3]!, 'refund-b');
    await assertLedgerMatchesBalance(t, ledger);
    assert.equal(await ledger.balanceMillis(), 1_500_000 - 10_300);
    // Refunds are idempotent by reference.
    await services.refund(await scopeFor(t.app.metadataStore, ledger.internalId, adminKeyId), 'mixed', spends[4]!, 'refund-a');
    assert.equal(await ledger.balanceMillis(), 1_500_000 - 10_300);

    // So are spends: the same reference is charged once.
    const reference = uniqueName('ref');
    const first = await ledger.spend(7, 'once', adminKeyId, reference);
    const second = await ledger.spend(7, 'once', adminKeyId, reference);
    assert.ok(first && second);
    assert.equal(second.entryId, first.entryId);
    assert.equal(await ledger.balanceMillis(), 1_500_000 - 17_300);
    // Zero or negative amounts spend nothing.
    assert.equal(await ledger.spend(0, 'nothing'), null);
    assert.equal(await ledger.spend(0.0001, 'nothing'), null);

    await Promise.all([
      ...Array.from({ length: 10 }, () => ledger.spend(1.5, 'concurrent', adminKeyId)),
      ...Array.from({ length: 3 }, () => t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 20 } })),
    ]);
    assert.equal(await ledger.balanceMillis(), 1_500_000 - 17_300 - 15_000 + 60_000);
    await assertLedgerMatchesBalance(t, ledger);

    const org = await getOrganization(t);
    assert.equal(org.credit_count, Math.floor((1_500_000 - 17_300 - 15_000 + 60_000) / 1000));
  });
});

describe(`refunds and rounding [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('a refunded spend is not usage: balance, month usage, caps and breakdown all net it out', async () => {
    const org = await getJson(t, '/v1/organizations');
    const internalId = (await t.app.metadataStore.organizations.findByPublicId(org.organization_id))!.internalId;
    const credits = t.app.services.credits;
    const scope = await scopeFor(t.app.metadataStore, internalId);
    const spent = await credits.spend(scope, { operation: 'extract', credits: 250, referenceId: 'r1' });
    await credits.refund(scope, 'extract', spent!, 'r1');
    await credits.spend(scope, { operation: 'half', credits: 0.5, referenceId: 'h1' });
    await credits.spend(scope, { operation: 'other_half', credits: 0.5, referenceId: 'h2' });
    const after = await getJson(t, '/v1/organizations');
    assert.equal(after.credit_count, 999);
    assert.equal(after.current_month_usage, 1);
    assert.equal((await getJson(t, '/v1/organizations/billing/spending-caps')).current_spending_cents, 0);
    const breakdown = await getJson(t, '/v1/organizations/billing/usage/breakdown');
    assert.equal(breakdown.total_credits, 1);
    assert.equal(Object.values(breakdown.by_operation as Record<string, number>).reduce((a, b) => a + b, 0), 1, 'per-operation credits add up to the total');
    assert.equal(breakdown.by_operation.extract, undefined);
  });
});
