// Unknown request-body fields (issue 8 item 9): ignored as Mixpeek's server ignores them, named in
// the Tessera-Ignored-Fields header, never stored; TESSERA_STRICT_REQUESTS=true restores the 422.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, upgradeToTeam } from './helpers/accounts.ts';
import { assertError } from './helpers/contract.ts';
import { BACKEND, createTestApp, type TestApp } from './helpers/test-app.ts';
import { ignoredFieldsHeader, parseIgnoredFieldsHeader } from '../src/api/unknown-fields.ts';

const HEADER = 'tessera-ignored-fields';
const SECRETS = '/v1/organizations/secrets';
const keysOf = (email: string) => `/v1/organizations/users/${encodeURIComponent(email)}/api-keys`;

describe(`unknown body fields [${BACKEND}]`, () => {
  let t: TestApp;
  const owner = 'owner@example.com';
  before(async () => {
    t = await createTestApp({ secretsKey: 'a'.repeat(64) });
    await upgradeToTeam(t);
    await createUser(t, { email: owner, role: 'admin' });
  });
  after(() => t.close());

  test('top-level unknown field: accepted, named, and the known fields applied', async () => {
    const res = await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'ignored_extra', secret_value: 'v', extra: 1, newer_field: { a: 1 } } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers[HEADER], 'extra, newer_field');
    assert.deepEqual(res.json(), { secret_name: 'ignored_extra', created: true });
    // A body without unknown fields has no header.
    const plain = await t.call({ method: 'PUT', url: `${SECRETS}/ignored_extra`, payload: { secret_value: 'w' } });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.equal(plain.headers[HEADER], undefined);
  });

  test('PATCH organization: immutable and nested unknown fields ignored; free-form metadata keeps its keys; nothing unknown stored', async () => {
    const before = (await t.call({ method: 'GET', url: '/v1/organizations' })).json();
    const res = await t.call({
      method: 'PATCH',
      url: '/v1/organizations',
      payload: { credit_count: 5, account_type: 'enterprise', organization_id: 'org_x', metadata: { foo: { bar: 1 } }, rate_limits: { search: 42, bogus: 5 } },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers[HEADER], 'credit_count, account_type, organization_id, rate_limits.bogus');
    const after = (await t.call({ method: 'GET', url: '/v1/organizations' })).json();
    assert.equal(after.credit_count, before.credit_count);
    assert.equal(after.account_type, before.account_type);
    assert.equal(after.organization_id, before.organization_id);
    assert.deepEqual(after.metadata, { foo: { bar: 1 } }, 'metadata is free-form: metadata.foo is not unknown');
    assert.equal(after.rate_limits.search, 42);
    assert.equal('bogus' in after.rate_limits, false);
  });

  test('nested unknown field inside a list item of a closed object ($ref): named with its index, not stored', async () => {
    const res = await t.call({
      method: 'POST',
      url: keysOf(owner),
      payload: { name: 'scoped', permissions: ['read'], scopes: [{ resource_type: 'namespace', resource_id: 'ns_*', extra: true }], unique_key: 'x' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers[HEADER], 'scopes[0].extra, unique_key');
    assert.equal(res.json().scopes[0].resource_id, 'ns_*');
    assert.equal('extra' in res.json().scopes[0], false);
    const listed = (await t.call({ method: 'GET', url: keysOf(owner) })).json().results.find((k: { name: string }) => k.name === 'scoped');
    assert.equal('extra' in listed.scopes[0], false, 'the unknown field was never stored');
  });

  test('wrong type of a known field stays 422 with the envelope; the unknown field is not the complaint but is named', async () => {
    const res = await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'typed', secret_value: 7, extra: 1 } });
    const body = assertError(res, 422, 'ValidationError');
    assert.deepEqual(
      body.detail.map((d: { loc: unknown[] }) => d.loc),
      [['body', 'secret_value']],
    );
    assert.equal(res.headers[HEADER], 'extra');
    const nested = assertError(await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { search: '5', bogus: 1 } } }), 422, 'ValidationError');
    assert.deepEqual(
      nested.detail.map((d: { loc: unknown[] }) => d.loc),
      [['body', 'rate_limits', 'search']],
    );
    assert.equal((await t.call({ method: 'GET', url: SECRETS })).json().secrets.includes('typed'), false);
  });

  test('odd names are percent-encoded in the header; many names are bounded', async () => {
    const res = await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'odd_names', secret_value: 'v', 'a.b': 1, 'c,d': 2, 'é': 3, '\u0001': 4, '': 5 } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers[HEADER], 'a%2Eb, c%2Cd, %C3%A9, %01, ""');
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`unknown_field_number_${i}`, i]));
    const big = await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'many_names', secret_value: 'v', ...many } });
    assert.equal(big.statusCode, 201, big.body);
    const header = String(big.headers[HEADER]);
    assert.ok(header.length <= 1024, `header is bounded (${header.length})`);
    assert.match(header, /^unknown_field_number_0, .*, \+\d+ more$/);
    const listed = header.split(', ');
    assert.equal(listed.length - 1 + Number(/\+(\d+) more$/.exec(header)![1]), 500, 'shown plus the count of the rest is every name');
  });

  test('unknown query parameters are ignored silently (no header), as before', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/organizations/users?bogus=1&skip=0' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers[HEADER], undefined);
  });
});

describe(`unknown body fields, TESSERA_STRICT_REQUESTS=true [${BACKEND}]`, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ strictRequests: true, secretsKey: 'b'.repeat(64) });
    await upgradeToTeam(t);
  });
  after(() => t.close());

  test('422 extra_forbidden naming the field, top-level and nested; nothing stored', async () => {
    const top = assertError(await t.call({ method: 'POST', url: SECRETS, payload: { secret_name: 'strict', secret_value: 'v', extra: 1 } }), 422, 'ValidationError');
    assert.deepEqual(top.detail, [{ loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
    const nested = await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { rate_limits: { bogus: 5 } } });
    const body = assertError(nested, 422, 'ValidationError');
    assert.ok(body.detail.some((d: { loc: unknown[]; type: string }) => JSON.stringify(d.loc) === '["body","rate_limits","bogus"]' && d.type === 'extra_forbidden'));
    assert.equal(nested.headers[HEADER], undefined);
    assert.deepEqual((await t.call({ method: 'GET', url: SECRETS })).json(), { secrets: [], count: 0 });
    // Free-form metadata is still free-form.
    assert.equal((await t.call({ method: 'PATCH', url: '/v1/organizations', payload: { metadata: { anything: 1 } } })).statusCode, 200);
  });
});

test('ignoredFieldsHeader: paths, indices, bound; parseIgnoredFieldsHeader reads it back', () => {
  const paths = [['a'], ['b', 0, 'c'], ['unique_key', 'extra'], ['x.y', 'é, z', ''], [0, 'q']];
  const header = ignoredFieldsHeader(paths);
  assert.equal(header, 'a, b[0].c, unique_key.extra, x%2Ey.%C3%A9%2C%20z."", [0].q');
  assert.deepEqual(parseIgnoredFieldsHeader(header), { paths, truncated: false });
  assert.equal(ignoredFieldsHeader([]), '');
  const long = ignoredFieldsHeader(Array.from({ length: 60 }, (_, i) => [`f${i}`]));
  assert.match(long, /, \+10 more$/);
  assert.equal(parseIgnoredFieldsHeader(long).truncated, true);
  assert.equal(parseIgnoredFieldsHeader(long).paths.length, 50);
});
