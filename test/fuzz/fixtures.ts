// The accounts a fuzz run works on, created through the API: keys for each kind of caller, and a
// pool of real users and keys whose emails, names and ids feed path parameters. The fuzz deletes,
// suspends, revokes and rotates them; `refresh` puts them back before each operation is fuzzed,
// so every operation meets real resources and not only 404s.
import assert from 'node:assert/strict';
import { createKey, keyFor, upgradeToTeam } from '../helpers/accounts.ts';
import type { TestApp } from '../helpers/test-app.ts';
import type { Operation } from './openapi-document.ts';
import type { ResourceTuple } from './request-arbitrary.ts';

export interface Principals {
  admin: string;
  /** A viewer's `read` key: a valid key that may not write. */
  read: string;
  /** A key that was revoked. */
  revoked: string;
}

// Emails and key names that need percent-encoding or case folding in a path.
const POOL_USERS = [
  { email: 'fuzz.member+tag@example.com', role: 'member' },
  { email: "o'brien@example.com", role: 'admin' },
  { email: 'Fuzz.Viewer@Example.COM', role: 'viewer' },
] as const;
const POOL_KEY_NAMES = ['fuzz key', 'ключ 🔑', 'a/b?#%'];
const BOOTSTRAP_KEY_NAME = 'admin-key';

/** Emails and names of the pool, for bodies that should collide with what exists (409). */
export const POOL_STRINGS: readonly string[] = [...POOL_USERS.map((u) => u.email), ...POOL_KEY_NAMES, BOOTSTRAP_KEY_NAME];

export class FuzzFixtures {
  private tuples: { tuple: ResourceTuple; protectedUser: boolean }[] = [];

  private constructor(
    private readonly t: TestApp,
    readonly principals: Principals,
    private readonly bootstrapEmail: string,
  ) {}

  static async create(t: TestApp): Promise<FuzzFixtures> {
    // The team tier's key quota (100) leaves room for the keys the fuzz itself creates.
    await upgradeToTeam(t);
    const reader = await keyFor(t, 'viewer', ['read']);
    const doomed = await createKey(t, reader.email, { name: 'revoked', permissions: ['read'] });
    const revoke = await t.call({ method: 'DELETE', url: `/v1/organizations/users/${encodeURIComponent(reader.email)}/api-keys/revoked` });
    assert.equal(revoke.statusCode, 200, revoke.body);
    const fixtures = new FuzzFixtures(t, { admin: t.adminKey, read: reader.key, revoked: doomed.key }, t.config.bootstrapAdminEmail);
    await fixtures.refresh();
    return fixtures;
  }

  /** Re-creates, re-activates and re-keys the pool users the fuzz has deleted, suspended or revoked. */
  async refresh(): Promise<void> {
    const tuples: { tuple: ResourceTuple; protectedUser: boolean }[] = [];
    const bootstrapKeys = await this.listKeys(this.bootstrapEmail);
    const adminKey = bootstrapKeys.find((k) => k.name === BOOTSTRAP_KEY_NAME);
    assert.ok(adminKey, 'the bootstrap admin-key is listed');
    tuples.push({ tuple: { user_email: this.bootstrapEmail, key_name: BOOTSTRAP_KEY_NAME, key_id: adminKey.key_id }, protectedUser: true });

    for (const user of POOL_USERS) {
      const path = `/v1/organizations/users/${encodeURIComponent(user.email)}`;
      const created = await this.t.call({ method: 'POST', url: '/v1/organizations/users', payload: { email: user.email, user_name: 'Fuzz Pool', role: user.role } });
      assert.ok([200, 409].includes(created.statusCode), `pool user ${user.email}: ${created.statusCode} ${created.body}`);
      const restored = await this.t.call({ method: 'PATCH', url: path, payload: { status: 'active', role: user.role } });
      assert.equal(restored.statusCode, 200, `re-activating pool user ${user.email}: ${restored.body}`);
      let keys = await this.listKeys(user.email);
      for (const name of POOL_KEY_NAMES) {
        if (keys.some((k) => k.name === name && k.status !== 'revoked')) continue;
        const made = await this.t.call({ method: 'POST', url: `${path}/api-keys`, payload: { name } });
        // 403: the fuzz filled the key quota; 409: an expired key still holds the name.
        assert.ok([200, 403, 409].includes(made.statusCode), `pool key ${name}: ${made.statusCode} ${made.body}`);
      }
      keys = await this.listKeys(user.email);
      for (const name of POOL_KEY_NAMES) {
        const key = keys.find((k) => k.name === name && k.status === 'active') ?? keys.find((k) => k.name === name);
        if (key) tuples.push({ tuple: { user_email: user.email, key_name: name, key_id: key.key_id }, protectedUser: false });
      }
    }
    this.tuples = tuples;
  }

  /**
   * Real resources for an operation's path parameters. The bootstrap admin is left out of user
   * PATCH and DELETE: with another admin in the organization, deleting, suspending or demoting it
   * is allowed and would end the run's admin key. Its `admin-key` stays in for the key operations,
   * which must refuse to change it.
   */
  resourcesFor(op: Operation): ResourceTuple[] {
    const mutatesUser = (op.method === 'PATCH' || op.method === 'DELETE') && op.path.endsWith('{user_email}');
    return this.tuples.filter((entry) => !(mutatesUser && entry.protectedUser)).map((entry) => entry.tuple);
  }

  private async listKeys(email: string): Promise<{ key_id: string; name: string; status: string }[]> {
    const res = await this.t.call({ method: 'GET', url: `/v1/organizations/users/${encodeURIComponent(email)}/api-keys?include_revoked=true` });
    assert.equal(res.statusCode, 200, `listing keys of ${email}: ${res.body}`);
    return res.json().results;
  }
}
