// Numbers a request carries are finite and bounded, free-form objects are bounded in depth and
// size, and a request past a bound is refused before anything is written (issue 6, item 2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { MAX_RATE_LIMIT_PER_MINUTE, MAX_SPENDING_CENTS, MAX_TOP_UP_CREDITS } from '../src/engine/bounds.ts';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_SKIP } from '../src/api/schemas/bounds.ts';
import { provisionOrganization } from '../src/engine/accounts/provision-organization.ts';
import { createUser } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, uniqueName, type TestApp } from './helpers/test-app.ts';
import { scopeFor } from './helpers/scopes.ts';

type Json = Record<string, any>;
const ADMIN_EMAIL = 'admin@tessera.local';
const KEYS = `/v1/organizations/users/${encodeURIComponent(ADMIN_EMAIL)}/api-keys`;

/** JSON text as a client can send it: `1e309` is valid JSON that JSON.parse turns into Infinity. */
function raw(t: TestApp, method: 'POST' | 'PATCH', url: string, body: string, key?: string): Promise<LightMyRequestResponse> {
  return t.call({ method, url, payload: body, headers: { 'content-type': 'application/json' }, ...(key ? { key } : {}) });
}

/** `{"a":{"a":…1…}}` nested `levels` deep (the outer object is level 1). */
function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{"a":1}' + '}'.repeat(levels - 1);
}

/** Everything a rejected request could have changed: organization, ledger, keys, caps, users. */
async function snapshot(t: TestApp): Promise<Json> {
  const get = async (url: string) => {
    const res = await t.call({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };
  const usage = await get('/v1/organizations/usage');
  const keys = await get(`${KEYS}?include_revoked=true`);
  return {
    organization: await get('/v1/organizations'),
    balance: await get('/v1/organizations/billing/balance'),
    // Request counts grow with every call, rejected or not; the credits must not move.
    credits: { ...usage.credits, breakdown: usage.breakdown },
    // last_used_at is written at most once a minute by authentication, not by the request.
    keys: keys.results.map(({ last_used_at: _used, ...key }: Json) => key),
    caps: await get('/v1/organizations/billing/spending-caps'),
    users: await get('/v1/organizations/users?limit=100'),
  };
}

/** A 422 whose detail names `loc`, and nothing changed. */
async function assertRefused(t: TestApp, send: () => Promise<LightMyRequestResponse>, loc: (string | number)[], status = 422): Promise<Json> {
  const before = await snapshot(t);
  const res = await send();
  const body = assertError(res, status, status === 422 ? 'ValidationError' : 'BadRequestError');
  if (status === 422) {
    const locs = (body.detail as { loc: unknown[] }[]).map((d) => JSON.stringify(d.loc));
    assert.ok(locs.includes(JSON.stringify(loc)), `expected loc ${JSON.stringify(loc)} in ${locs.join(' ')}`);
  }
  assert.deepEqual(await snapshot(t), before, 'nothing changed');
  return body;
}

describe(`number bounds [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await createUser(t, { email: 'member@example.com', role: 'member' });
  });
  after(() => t.close());

  test('credits: 1e309 (Infinity), NaN-like and past 1,000,000,000 are 422; the bounds themselves pass', async () => {
    for (const credits of ['1e309', '-1e309', String(MAX_TOP_UP_CREDITS + 1), '9007199254740993', '1.5']) {
      await assertRefused(t, () => raw(t, 'POST', '/v1/organizations/credits', `{"credits":${credits}}`), ['body', 'credits']);
    }
    const ok = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: MAX_TOP_UP_CREDITS } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().credits_added, MAX_TOP_UP_CREDITS);
  });

  test('organization rate limits: 1e309 and past the ceiling are 422, and the organization still answers', async () => {
    for (const value of ['1e309', String(MAX_RATE_LIMIT_PER_MINUTE + 1)]) {
      await assertRefused(t, () => raw(t, 'PATCH', '/v1/organizations', `{"rate_limits":{"metadata":${value}}}`), ['body', 'rate_limits', 'metadata']);
    }
    const ok = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { search: MAX_RATE_LIMIT_PER_MINUTE } } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().rate_limits.search, MAX_RATE_LIMIT_PER_MINUTE);
  });

  test('rate_limit_override: 1e309 and past the ceiling are 422 on create and update; no key is written', async () => {
    for (const value of ['1e309', String(MAX_RATE_LIMIT_PER_MINUTE + 1)]) {
      await assertRefused(t, () => raw(t, 'POST', KEYS, `{"name":"${uniqueName('k')}","rate_limit_override":${value}}`), ['body', 'rate_limit_override']);
    }
    const name = uniqueName('k');
    const created = await t.call({ method: 'POST', url: KEYS, payload: { name, rate_limit_override: MAX_RATE_LIMIT_PER_MINUTE } });
    assert.equal(created.statusCode, 200, created.body);
    await assertRefused(t, () => raw(t, 'PATCH', `${KEYS}/${name}`, '{"rate_limit_override":1e309}'), ['body', 'rate_limit_override']);
  });

  test('spending caps and thresholds: 1e309 and past the ceiling are 422', async () => {
    for (const field of ['monthly_spending_budget', 'hard_spending_cap']) {
      for (const value of ['1e309', String(MAX_SPENDING_CENTS + 1)]) {
        await assertRefused(t, () => raw(t, 'POST', '/v1/organizations/billing/spending-caps', `{"${field}":${value},"hard_cap_enabled":true}`), ['body', field]);
      }
    }
    await assertRefused(t, () => raw(t, 'POST', '/v1/organizations/billing/spending-caps', '{"spending_alert_thresholds":[50,1e309]}'), ['body', 'spending_alert_thresholds', 1]);
    const ok = await t.call({ method: 'POST', url: '/v1/organizations/billing/spending-caps', payload: { hard_spending_cap: MAX_SPENDING_CENTS } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().hard_spending_cap, MAX_SPENDING_CENTS);
  });

  test('skip and limit: past 2^63, Infinity, NaN and past the maximum are 422, not 500', async () => {
    for (const query of ['skip=9223372036854775808', 'skip=1e309', 'skip=NaN', `skip=${MAX_SKIP + 1}`, 'skip=-1']) {
      await assertRefused(t, () => t.call({ method: 'GET', url: `/v1/organizations/users?${query}` }), ['query', 'skip']);
    }
    for (const query of ['limit=1e309', 'limit=Infinity', 'limit=9223372036854775808']) {
      await assertRefused(t, () => t.call({ method: 'GET', url: `/v1/organizations/users?${query}` }), ['query', 'limit']);
    }
    const last = await t.call({ method: 'GET', url: `/v1/organizations/users?skip=${MAX_SKIP}` });
    assert.equal(last.statusCode, 200, last.body);
    assert.deepEqual(last.json().results, []);
  });

  test('metadata nested ~4,100 levels is 422 (not a stack overflow) on organizations and users', async () => {
    const deep = nested(4_100);
    const body = await assertRefused(t, () => raw(t, 'PATCH', '/v1/organizations', `{"metadata":${deep}}`), ['body', 'metadata']);
    assert.equal(body.detail.find((d: Json) => d.loc.join('.') === 'body.metadata').type, 'too_deep');
    await assertRefused(t, () => raw(t, 'POST', '/v1/organizations/users', `{"email":"deep@example.com","user_name":"Deep","metadata":${deep}}`), ['body', 'metadata']);
    await assertRefused(t, () => raw(t, 'PATCH', '/v1/organizations/users/member%40example.com', `{"metadata":${deep}}`), ['body', 'metadata']);
  });

  test(`metadata depth: ${MAX_JSON_DEPTH} levels pass, ${MAX_JSON_DEPTH + 1} are 422; arrays count as levels`, async () => {
    const ok = await raw(t, 'PATCH', '/v1/organizations', `{"metadata":${nested(MAX_JSON_DEPTH)}}`);
    assert.equal(ok.statusCode, 200, ok.body);
    await assertRefused(t, () => raw(t, 'PATCH', '/v1/organizations', `{"metadata":${nested(MAX_JSON_DEPTH + 1)}}`), ['body', 'metadata']);
    const arrays = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    await assertRefused(t, () => raw(t, 'PATCH', '/v1/organizations/users/member%40example.com', `{"metadata":{"a":${arrays}}}`), ['body', 'metadata']);
  });

  test(`metadata size: ${MAX_JSON_BYTES} bytes as JSON pass, one more is 422`, async () => {
    // {"s":"…"} is 8 bytes around the string; a multi-byte character counts as its UTF-8 bytes.
    const fits = { s: 'é'.repeat(100) + 'x'.repeat(MAX_JSON_BYTES - 8 - 200) };
    assert.equal(Buffer.byteLength(JSON.stringify(fits)), MAX_JSON_BYTES);
    const ok = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { metadata: fits } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().metadata, fits);
    const tooLarge = { s: fits.s + 'x' };
    const body = await assertRefused(t, () => t.call({ method: 'PATCH', url: '/v1/organizations', payload: { metadata: tooLarge } }), ['body', 'metadata']);
    assert.equal(body.detail.find((d: Json) => d.loc.join('.') === 'body.metadata').type, 'too_large');
    await assertRefused(t, () => t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email: 'big@example.com', user_name: 'Big', metadata: tooLarge } }), ['body', 'metadata']);
    const manyKeys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    await assertRefused(t, () => t.call({ method: 'PATCH', url: '/v1/organizations/users/member%40example.com', payload: { metadata: manyKeys } }), ['body', 'metadata']);
  });
});

describe(`balances stay exact integers of thousandths [${BACKEND}]`, () => {
  const MAX_WHOLE_CREDITS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
  let t: TestApp;
  const clock = { at: new Date('2026-03-10T12:00:00Z'), now: () => new Date(clock.at.getTime()) };
  before(async () => {
    t = await createTestApp({}, { clock });
  });
  after(() => t.close());

  async function richOrganization(credits: number) {
    const org = await provisionOrganization(
      t.app.metadataStore,
      { organizationName: 'Rich', accountType: 'team', credits, adminEmail: `${uniqueName('rich')}@example.com`, adminName: 'Rich Admin' },
      clock,
    );
    const internal = await t.app.metadataStore.organizations.findByPublicId(org.organizationId);
    return { key: org.apiKey, internalId: internal!.internalId };
  }

  async function ledgerAgrees(internalId: string): Promise<number> {
    const stored = await t.app.metadataStore.organizations.findByInternalId(internalId);
    const sum = await t.app.metadataStore.ledger.sumMillis(await scopeFor(t.app.metadataStore, internalId));
    assert.equal(sum, stored!.creditBalanceMillis, 'the ledger sums to the balance');
    assert.ok(Number.isSafeInteger(stored!.creditBalanceMillis), `balance ${stored!.creditBalanceMillis} is a safe integer`);
    return stored!.creditBalanceMillis;
  }

  test('repeated maximum top-ups stop cleanly at 2^53 - 1 thousandths: 400, nothing written, ledger exact', async () => {
    const { key, internalId } = await richOrganization(MAX_WHOLE_CREDITS - 2 * MAX_TOP_UP_CREDITS - 5);
    for (let i = 0; i < 2; i++) {
      const res = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: MAX_TOP_UP_CREDITS }, key });
      assert.equal(res.statusCode, 200, res.body);
    }
    const balanceBefore = await ledgerAgrees(internalId);
    assert.equal(balanceBefore, (MAX_WHOLE_CREDITS - 5) * 1000);

    const before = (await t.call({ method: 'GET', url: '/v1/organizations/billing/balance', key })).json();
    for (const credits of [MAX_TOP_UP_CREDITS, 6]) {
      const body = assertError(await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits }, key }), 400, 'BadRequestError');
      assert.equal(body.error.code, 'balance_limit_exceeded');
      assert.equal(body.error.details.max_balance, MAX_WHOLE_CREDITS);
    }
    assert.deepEqual((await t.call({ method: 'GET', url: '/v1/organizations/billing/balance', key })).json(), before);
    assert.equal(await ledgerAgrees(internalId), balanceBefore);

    // What still fits is accepted, up to the last whole credit.
    const last = await t.call({ method: 'POST', url: '/v1/organizations/credits', payload: { credits: 5 }, key });
    assert.equal(last.statusCode, 200, last.body);
    assert.equal(last.json().new_balance, MAX_WHOLE_CREDITS);
    const org = await t.call({ method: 'GET', url: '/v1/organizations', key });
    assert.equal(org.statusCode, 200, org.body);
    assert.equal(org.json().credit_count, MAX_WHOLE_CREDITS);
    assert.equal(await ledgerAgrees(internalId), MAX_WHOLE_CREDITS * 1000);
  });

  test('a monthly grant to a balance at the ceiling grants only what fits', async () => {
    const { key, internalId } = await richOrganization(MAX_WHOLE_CREDITS);
    clock.at = new Date('2026-04-02T12:00:00Z');
    const res = await t.call({ method: 'GET', url: '/v1/organizations', key });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().credit_count, MAX_WHOLE_CREDITS);
    assert.equal(await ledgerAgrees(internalId), Number.MAX_SAFE_INTEGER);
  });
});
