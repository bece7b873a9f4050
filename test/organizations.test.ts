import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, createUser, getOrganization, keyFor, otherOrganization, upgradeToTeam } from './helpers/accounts.ts';
import { assertError, assertMatches } from './helpers/contract.ts';
import { ORGANIZATION_FIELDS } from './contract/seed-schemas.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';

describe(`GET /v1/organizations [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('200: the bootstrap organization, exactly the seed schema with all 18 fields', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/organizations' });
    assert.equal(res.statusCode, 200);
    const org = res.json();
    assertMatches('organization', org);
    assert.deepEqual(Object.keys(org).sort(), [...ORGANIZATION_FIELDS].sort());
    assert.match(org.organization_id, /^org_[a-z0-9]{20}$/);
    assert.equal(org.account_type, 'free');
    assert.equal(org.credit_count, 1000);
    assert.deepEqual(org.rate_limits, { metadata: 10, data: 10, search: 10, upload: 10, compute: 10 });
    assert.equal(org.auto_billing_enabled, false);
    assert.equal(org.billing_cycle_start, 1);
    assert.equal(org.current_month_usage, 0);
    assert.deepEqual(org.default_llm_credentials, {});
    assert.equal(org.users.length, 1);
    assert.equal(org.users[0].email, 'admin@tessera.local');
    assert.equal(org.users[0].role, 'admin');
  });

  test('never exposes internal ids, key hashes or secrets', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/organizations' });
    assert.doesNotMatch(res.body, /int_[a-z0-9]{24}/);
    assert.doesNotMatch(res.body, /internal_id|key_hash|sk_/);
    for (const user of res.json().users) assert.deepEqual(Object.keys(user).filter((k) => /key|hash|secret|internal/.test(k)), []);
  });

  test('401: no key, malformed header, unknown key', async () => {
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: null }), 401, 'UnauthorizedError');
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: null, headers: { authorization: 'Basic abc' } }), 401, 'UnauthorizedError');
    assertError(await t.call({ method: 'GET', url: '/v1/organizations', key: 'sk_unknown_key_000000000000000000' }), 401, 'UnauthorizedError');
  });

  test('each key sees only its own organization', async () => {
    const other = await otherOrganization(t);
    const mine = await getOrganization(t);
    const theirs = await getOrganization(t, other.apiKey);
    assert.equal(theirs.organization_id, other.organizationId);
    assert.notEqual(theirs.organization_id, mine.organization_id);
    assert.deepEqual(theirs.users.map((u: { email: string }) => u.email), [other.adminEmail]);
  });

  test('a viewer key may read the organization', async () => {
    const { key } = await keyFor(t, 'viewer', ['read']);
    const org = await getOrganization(t, key);
    assertMatches('organization', org);
  });
});

describe(`PATCH /v1/organizations [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('200: updates the named fields; metadata replaces, rate_limits merges per category', async () => {
    await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { metadata: { a: 1, b: 2 } } });
    const limitsBefore = (await getOrganization(t)).rate_limits;
    const res = await t.call({
      method: 'PATCH',
      url: '/v1/organizations',
      payload: { organization_name: 'Acme', logo_url: 'https://acme.test/logo.png', billing_email: 'billing@acme.test', metadata: { c: 3 }, rate_limits: { search: 120 } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const org = res.json();
    assertMatches('organization', org);
    assert.equal(org.organization_name, 'Acme');
    assert.equal(org.logo_url, 'https://acme.test/logo.png');
    assert.equal(org.billing_email, 'billing@acme.test');
    assert.deepEqual(org.metadata, { c: 3 });
    assert.deepEqual(org.rate_limits, { ...limitsBefore, search: 120 });
    assert.ok(org.updated_at >= org.created_at);
    assert.deepEqual(await getOrganization(t), org);
  });

  test('null clears nullable fields and leaves required ones', async () => {
    const res = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { logo_url: null, organization_name: null } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().logo_url, null);
    assert.equal(res.json().organization_name, 'Acme');
  });

  // Unknown and immutable fields (credit_count, account_type, …) are ignored: test/unknown-fields.test.ts.
  test('422 for ill-typed fields, and nothing changes', async () => {
    const before = await getOrganization(t);
    const cases: [unknown, (string | number)[]][] = [
      [{ rate_limits: { search: 0 } }, ['body', 'rate_limits', 'search']],
      [{ rate_limits: { bogus: 5, search: 0 } }, ['body', 'rate_limits', 'search']],
      [{ rate_limits: { search: '5' } }, ['body', 'rate_limits', 'search']],
      [{ billing_email: 'not-an-email' }, ['body', 'billing_email']],
      [{ organization_name: 7 }, ['body', 'organization_name']],
      [{ metadata: [1, 2] }, ['body', 'metadata']],
      [[1, 2], ['body']],
    ];
    for (const [payload, loc] of cases) {
      const body = assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', payload: payload as object }), 422, 'ValidationError');
      assert.ok(
        body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(loc)),
        `${JSON.stringify(payload)} → expected loc ${JSON.stringify(loc)} in ${JSON.stringify(body.detail)}`,
      );
    }
    assert.deepEqual(await getOrganization(t), before);
  });

  test('403 for a key below admin, and nothing changes', async () => {
    const before = await getOrganization(t);
    const { key } = await keyFor(t, 'member', ['delete']);
    const body = assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', key, payload: { organization_name: 'Hijacked' } }), 403, 'ForbiddenError');
    assert.equal(body.error.details.required, 'admin');
    const after = await getOrganization(t);
    assert.equal(after.organization_name, before.organization_name);
  });

  test('an admin-permission key whose user is demoted to member is capped by the role', async () => {
    const email = 'capped-member@example.com';
    await createUser(t, { email, role: 'admin' });
    const { key } = await createKey(t, email, { name: 'wants-admin', permissions: ['admin'] });
    const demoted = await t.call({ method: 'PATCH', url: `/v1/organizations/users/${encodeURIComponent(email)}`, payload: { role: 'member' } });
    assert.equal(demoted.statusCode, 200, demoted.body);
    assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', key, payload: {} }), 403, 'ForbiddenError');
  });

  test('401 without a key', async () => {
    assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', key: null, payload: { organization_name: 'x' } }), 401, 'UnauthorizedError');
  });
});

describe(`POST /v1/organizations/credits [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  test('200: adds credits; free → pro at 100,000 and → team at 1,000,000', async () => {
    let res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 500 } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { previous_balance: 1000, credits_added: 500, new_balance: 1500, previous_tier: 'free', new_tier: 'free', tier_upgraded: false });

    res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 98_500 } });
    assert.deepEqual(res.json(), { previous_balance: 1500, credits_added: 98_500, new_balance: 100_000, previous_tier: 'free', new_tier: 'pro', tier_upgraded: true });
    let org = await getOrganization(t);
    assert.equal(org.account_type, 'pro');
    assert.equal(org.credit_count, 100_000);

    // Only free organizations upgrade automatically.
    res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 900_000 } });
    assert.deepEqual(res.json(), { previous_balance: 100_000, credits_added: 900_000, new_balance: 1_000_000, previous_tier: 'pro', new_tier: 'pro', tier_upgraded: false });
    org = await getOrganization(t);
    assert.equal(org.credit_count, 1_000_000);
  });

  test('a free organization jumping past 1,000,000 becomes team', async () => {
    const other = await otherOrganization(t);
    const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', key: other.apiKey, payload: { credits: 1_000_000 } });
    assert.equal(res.json().new_tier, 'team');
    assert.equal((await getOrganization(t, other.apiKey)).account_type, 'team');
  });

  test('concurrent top-ups are all counted', async () => {
    const other = await otherOrganization(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.call({ method: 'POST', url: '/v1/organizations/credits', key: other.apiKey, payload: { credits: 10 } })),
    );
    for (const r of results) assert.equal(r.statusCode, 200, r.body);
    assert.equal((await getOrganization(t, other.apiKey)).credit_count, 1000 + 200);
  });

  test('422 for non-positive, fractional, string or missing input (an extra field does not save it); balance unchanged', async () => {
    const before = (await getOrganization(t)).credit_count;
    for (const payload of [{ credits: 0 }, { credits: -5 }, { credits: 1.5 }, { credits: '10' }, {}, { credits: '5', bonus: 1 }]) {
      assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', payload }), 422, 'ValidationError');
    }
    assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits' }), 422, 'ValidationError');
    assert.equal((await getOrganization(t)).credit_count, before);
  });

  test('403 for a non-admin key; 401 without a key', async () => {
    const { key } = await keyFor(t, 'admin', ['write']);
    assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', key, payload: { credits: 5 } }), 403, 'ForbiddenError');
    assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', key: null, payload: { credits: 5 } }), 401, 'UnauthorizedError');
  });
});
