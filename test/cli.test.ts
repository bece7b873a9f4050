import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATIONS } from '../src/adapters/metadata/migrations/index.ts';
import { buildApp } from '../src/app.ts';
import { ENVIRONMENT_VARIABLES, validateConfig, type TesseraConfig } from '../src/config.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { assertError } from './helpers/contract.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { REPO_ROOT, runNode } from './helpers/run-node.ts';
import { BACKEND, freshStore } from './helpers/test-app.ts';

// Each command runs once as a real process (bin/tessera.js: argv, environment, exit code, streams);
// every other case calls the same runCli in this process, without a node + tsx start each.

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The store's settings as the CLI reads them: environment variables only. */
function storeEnv(settings: Partial<TesseraConfig>): Record<string, string> {
  if (settings.databaseUrl) return { TESSERA_DATABASE_URL: settings.databaseUrl, TESSERA_DATABASE_SCHEMA: settings.databaseSchema ?? 'public' };
  return { TESSERA_DATA_DIR: settings.dataDir ?? '' };
}

function cliEnv(extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Nothing from the developer's shell decides which store the CLI opens.
  for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) env[k] = v;
  return Object.assign(env, extraEnv);
}

/** `tessera <args>` as a real process. */
function spawnTessera(args: string[], extraEnv: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return runNode(['bin/tessera.js', ...args], cliEnv(extraEnv), timeoutMs);
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

/** `tessera <args>` in this process. */
async function tessera(args: string[], extraEnv: Record<string, string>): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const code = await runCli(args, { env: cliEnv(extraEnv), stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A successful --json run: exit 0, nothing on stderr, one JSON line on stdout. */
function jsonOf(res: CliResult): Record<string, any> {
  assert.equal(res.code, 0, `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  assert.equal(res.stderr, '');
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line: ${res.stdout}`);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

function assertFailed(res: CliResult, message: RegExp, code?: number): void {
  assert.notEqual(res.code, 0, `expected failure, got exit 0\nstdout: ${res.stdout}`);
  if (code !== undefined) assert.equal(res.code, code, `stderr: ${res.stderr}`);
  assert.match(res.stderr, message);
  assert.equal(res.stdout, '', 'nothing on stdout');
}

describe(`tessera CLI [${BACKEND}]`, () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let env: Record<string, string>;
  let organizationId = '';
  let adminKey = '';
  let ciKey = '';

  before(async () => {
    store = await freshStore();
    env = storeEnv(store.settings);
  });
  after(() => store.drop());

  test('migrate --json applies 0001-accounts (and every later migration) once, then nothing', async () => {
    const first = jsonOf(await spawnTessera(['migrate', '--json'], env));
    assert.equal(first.applied[0], '0001-accounts');
    assert.deepEqual(first, { backend: BACKEND, applied: Object.keys(MIGRATIONS).sort() });
    const second = jsonOf(await tessera(['migrate', '--json'], env));
    assert.deepEqual(second, { backend: BACKEND, applied: [] });
  });

  test('orgs create --json returns the organization id and its admin key', async () => {
    const created = jsonOf(await spawnTessera(['orgs', 'create', '--name', 'Acme', '--admin-email', 'a@acme.test', '--json'], env));
    assert.match(created.organization_id, /^org_[a-z0-9]{20}$/);
    assert.match(created.key, /^sk_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.admin_email, 'a@acme.test');
    assert.equal(created.key_name, 'admin-key');
    assert.match(created.user_id, /^usr_/);
    organizationId = created.organization_id;
    adminKey = created.key;
  });

  test('keys create --json returns a new key for an existing user', async () => {
    const created = jsonOf(
      await spawnTessera(['keys', 'create', '--org', organizationId, '--email', 'a@acme.test', '--name', 'ci', '--permissions', 'read,write', '--json'], env),
    );
    assert.match(created.key, /^sk_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(created.key, adminKey);
    assert.equal(created.name, 'ci');
    assert.deepEqual(created.permissions, ['read', 'write']);
    assert.match(created.key_id, /^key_/);
    ciKey = created.key;
  });

  test('both keys authenticate against an app on the same store', async () => {
    assert.ok(adminKey && ciKey, 'the earlier tests created both keys');
    const app = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent' }));
    try {
      // The store already holds an organization: starting the server does not add the default one.
      assert.equal(app.bootstrap, null);
      assert.equal(await app.metadataStore.organizations.count(), 1);
      for (const key of [adminKey, ciKey]) {
        const res = await app.inject({ method: 'GET', url: '/v1/organizations', headers: { authorization: `Bearer ${key}` } });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().organization_name, 'Acme');
        assert.equal(res.json().organization_id, organizationId);
        assert.equal(res.json().credit_count, 1000);
      }
      // The CLI key holds read+write, not admin.
      const denied = await app.inject({ method: 'POST', url: '/v1/organizations/credits', headers: { authorization: `Bearer ${ciKey}` }, payload: { credits: 5 } });
      assertError(denied, 403, 'ForbiddenError');
      const listed = await app.inject({ method: 'GET', url: '/v1/organizations/users/a@acme.test/api-keys', headers: { authorization: `Bearer ${adminKey}` } });
      assert.deepEqual(
        listed.json().results.map((k: { name: string; permissions: string[] }) => [k.name, k.permissions]).sort(),
        [['admin-key', ['admin']], ['ci', ['read', 'write']]],
      );
    } finally {
      await app.close();
    }
  });

  test('keys create for an unknown organization or user exits 1 with a message', async () => {
    const [noOrg, noUser] = await Promise.all([
      tessera(['keys', 'create', '--org', 'org_nope', '--email', 'a@acme.test', '--name', 'x', '--json'], env),
      tessera(['keys', 'create', '--org', organizationId, '--email', 'nobody@acme.test', '--name', 'x', '--json'], env),
    ]);
    assertFailed(noOrg, /No organization org_nope/, 1);
    assertFailed(noUser, /No user nobody@acme.test/, 1);
  });

  test('keys create with a name already taken exits 1', async () => {
    assertFailed(await tessera(['keys', 'create', '--org', organizationId, '--email', 'a@acme.test', '--name', 'ci', '--json'], env), /already exists/, 1);
  });

  test('bad arguments exit non-zero with a message and change nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'create', '--org', organizationId, '--email', 'a@acme.test', '--name', 'fly', '--permissions', 'fly', '--json'], /unknown permission 'fly'/],
      [['orgs', 'create', '--name', 'NoAdmin', '--json'], /--admin-email/],
      [['orgs', 'create', '--name', 'X', '--admin-email', 'x@x.test', '--tier', 'platinum', '--json'], /platinum/],
      [['orgs', 'create', '--name', 'X', '--admin-email', 'x@x.test', '--credits', '-5', '--json'], /non-negative integer/],
      [['no-such-command'], /unknown command/],
    ];
    const results = await Promise.all(cases.map(([args]) => tessera(args, env)));
    cases.forEach(([args, message], i) => {
      const res = results[i]!;
      assertFailed(res, message);
      assert.doesNotMatch(res.stdout, /sk_/, `no key printed for ${args.join(' ')}`);
    });

    const app = await buildApp(validateConfig({ ...store.settings, logLevel: 'silent' }));
    try {
      assert.equal(await app.metadataStore.organizations.count(), 1);
      const listed = await app.inject({ method: 'GET', url: '/v1/organizations/users/a@acme.test/api-keys', headers: { authorization: `Bearer ${adminKey}` } });
      assert.equal(listed.json().total, 2);
    } finally {
      await app.close();
    }
  });

  test('without --json the output is for a person: the key on its own indented line', async () => {
    const migrated = await tessera(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout, 'Already up to date\n');
    const created = await tessera(['keys', 'create', '--org', organizationId, '--email', 'a@acme.test', '--name', 'human'], env);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^API key human \(key_[A-Za-z0-9]+\) created \(shown once\):\n\n {4}sk_[A-Za-z0-9_-]{43}\n\n$/);
  });

  test('--help prints the commands on stdout and exits 0', async () => {
    const res = await tessera(['--help'], env);
    assert.equal(res.code, 0);
    assert.equal(res.stderr, '');
    for (const command of ['serve', 'worker', 'migrate', 'orgs', 'keys']) assert.match(res.stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('an invalid environment exits 2 and names the variable', async () => {
    assertFailed(await tessera(['migrate', '--json'], { ...env, LOG_LEVEL: 'loud' }), /LOG_LEVEL/, 2);
  });

  test('serve --json prints the URL and, on first start, the generated admin key that then works', async () => {
    const fresh = await freshStore();
    const serveEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!ENVIRONMENT_VARIABLES.includes(k)) serveEnv[k] = v;
    Object.assign(serveEnv, storeEnv(fresh.settings), { PORT: '0', LOG_LEVEL: 'warn' });
    const child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--json'], { cwd: REPO_ROOT, env: serveEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        // bin/tessera.js transpiles the TypeScript sources through tsx on start: on a cold cache and a
        // loaded 2-core machine (the whole suite running) that alone has taken over 30 s.
        const timer = setTimeout(() => reject(new Error(`no JSON line: ${out}`)), 90_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const first = out.split('\n').find((l) => l.startsWith('{"url"'));
          if (first) {
            clearTimeout(timer);
            resolve(first);
          }
        });
      });
      const started = JSON.parse(line) as { url: string; bootstrap: { organization_id: string; api_key: string } };
      assert.match(started.bootstrap.api_key, /^sk_/);
      const res = await fetch(`${started.url}/v1/organizations`, { headers: { authorization: `Bearer ${started.bootstrap.api_key}` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { organization_id: string }).organization_id, started.bootstrap.organization_id);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await fresh.drop();
    }
  });
});
