// The `tessera` command as a function: parses argv, runs one command and returns its exit code, with
// the environment and output streams given by the caller. bin/tessera.js (through main.ts) calls it
// with the process's own; tests call it in-process, which saves a node + tsx start per command.
// Only `serve` loads Fastify (imported when it runs): the other commands work on a runtime without HTTP.
import type { Writable } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type TesseraConfig } from '../config.ts';
import { openMetadataStore } from '../compose.ts';
import { createLogger, openRuntime } from '../runtime.ts';
import { runWorker } from '../worker.ts';
import { provisionOrganization } from '../engine/accounts/provision-organization.ts';
import { ACCOUNT_TIERS, PERMISSIONS, type Permission } from '../engine/accounts/types.ts';
import { normaliseEmail } from '../engine/accounts/user-service.ts';
import { TesseraError } from '../engine/errors.ts';
import type { MetadataStore } from '../engine/ports/metadata-store.ts';
import { systemScope } from '../engine/scope/request-scope.ts';
import type { Services } from '../engine/services.ts';
import { registerModelsCommand } from './commands/models.ts';
import { registerReindexCommand } from './commands/reindex.ts';
import { registerUploadCommand } from './commands/upload.ts';

export interface CliIo {
  /** Where the configuration is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The command's output (default: process.stdout). */
  stdout?: Writable;
  /** Errors and log lines (default: process.stderr): stdout stays machine-readable. */
  stderr?: Writable;
}

/** A failure the operator caused (unknown organization, user, ...): its message, exit 1. */
class CliError extends Error {}

/** The configuration was invalid: its message was printed; exit 2. */
class BadConfig extends Error {}

/**
 * Runs one command. Resolves with the exit code once the command is done; for `serve` and `worker`
 * that is once started (0), after which the process keeps running until a signal stops it.
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  const config = (): TesseraConfig => {
    try {
      return loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) {
        stderr.write(`${err.message}\n`);
        throw new BadConfig(err.message);
      }
      throw err;
    }
  };
  const print = (json: boolean | undefined, data: object, text: string): void => {
    stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
  };
  const withStore = async (fn: (store: MetadataStore, services: Services) => Promise<void>): Promise<void> => {
    const cfg = config();
    const runtime = await openRuntime(cfg, { role: 'cli', migrate: true, logger: createLogger(cfg, stderr) });
    try {
      await fn(runtime.store, runtime.services);
    } finally {
      await runtime.close();
    }
  };

  const program = buildProgram({ config, print, withStore, stdout, stderr, env });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof BadConfig) return 2;
    const message = err instanceof CliError || err instanceof TesseraError ? err.message : err instanceof Error ? err.message : String(err);
    stderr.write(`tessera: ${message}\n`);
    return 1;
  }
}

interface Context {
  config: () => TesseraConfig;
  print: (json: boolean | undefined, data: object, text: string) => void;
  withStore: (fn: (store: MetadataStore, services: Services) => Promise<void>) => Promise<void>;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** A new program per run: commander keeps parsed options on the command objects. */
function buildProgram({ config, print, withStore, stdout, stderr, env }: Context): Command {
  const program = new Command('tessera').description('Self-hostable Mixpeek API server').showHelpAfterError();
  // Commander would call process.exit and write to the process's streams: both go to the caller
  // instead. Subcommands copy these settings when they are added, so they come first.
  program.exitOverride().configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });

  program
    .command('serve')
    .description('run the HTTP server (same as npm start)')
    .option('--json', 'print {url, bootstrap} as one JSON line once listening (bootstrap holds a generated admin key on first start)')
    .action(async (opts: { json?: boolean }) => {
      const { serve } = await import('../server.ts');
      await serve(config(), { json: opts.json ?? false });
    });

  program
    .command('worker')
    .description('run a worker: no HTTP; reports the health of the store and Redis, then runs background jobs until SIGTERM')
    .option('--json', 'print the health as one JSON line once started')
    .action(async (opts: { json?: boolean }) => runWorker(config(), { json: opts.json ?? false }));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      // The store alone: a runtime would start the search index's background work on tables
      // the migrations have not created yet.
      const store = await openMetadataStore(config());
      try {
        const { applied } = await store.migrate();
        print(opts.json, { backend: store.backend, applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
      } finally {
        await store.close();
      }
    });

  const orgs = program.command('orgs').description('manage organizations');
  orgs
    .command('create')
    .description('create an organization with an admin user and its admin-key')
    .requiredOption('--name <name>', 'organization name')
    .requiredOption('--admin-email <email>', 'email of the first admin user')
    .option('--admin-name <name>', 'display name of the admin user', 'Administrator')
    .addOption(new Option('--tier <tier>', 'account tier').choices([...ACCOUNT_TIERS]).default('free'))
    .option('--credits <n>', 'starting credit balance', positiveInt, 1000)
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; adminEmail: string; adminName: string; tier: (typeof ACCOUNT_TIERS)[number]; credits: number; json?: boolean }) =>
      withStore(async (store) => {
        const created = await provisionOrganization(store, {
          organizationName: opts.name,
          accountType: opts.tier,
          credits: opts.credits,
          adminEmail: opts.adminEmail,
          adminName: opts.adminName,
        });
        print(
          opts.json,
          { organization_id: created.organizationId, admin_email: created.adminEmail, user_id: created.adminUserId, key_name: 'admin-key', key: created.apiKey },
          `Organization ${created.organizationId} created.\nAdmin ${created.adminEmail}, API key (shown once):\n\n    ${created.apiKey}\n`,
        );
      }),
    );

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key for an existing user')
    .requiredOption('--org <organization_id>', 'organization id (org_...)')
    .requiredOption('--email <email>', "the key owner's email")
    .requiredOption('--name <name>', 'key name, unique per user')
    .option('--permissions <list>', `comma-separated: ${PERMISSIONS.join(', ')}`, permissionList, ['read'] as Permission[])
    .option('--json', 'machine-readable output')
    .action(async (opts: { org: string; email: string; name: string; permissions: Permission[]; json?: boolean }) =>
      withStore(async (store, services) => {
        const org = await store.organizations.findByPublicId(opts.org);
        if (!org) throw new CliError(`No organization ${opts.org}`);
        // The operator acts as the system within that organization: the same checks as the API
        // (the owner's role ceiling, names unique per user), no caller key to compare against.
        const scope = systemScope(org, 'cli');
        if (!(await store.users.findByEmail(scope, normaliseEmail(opts.email)))) throw new CliError(`No user ${opts.email} in ${opts.org}`);
        const issued = await services.apiKeys.create(scope, opts.email, {
          name: opts.name,
          description: 'Created with the tessera CLI',
          permissions: opts.permissions,
          scopes: [],
          rateLimitOverride: null,
          expiresAt: null,
        });
        print(
          opts.json,
          { key_id: issued.apiKey.keyId, name: issued.apiKey.name, permissions: issued.apiKey.permissions, key: issued.secret },
          `API key ${issued.apiKey.name} (${issued.apiKey.keyId}) created (shown once):\n\n    ${issued.secret}\n`,
        );
      }),
    );

  registerUploadCommand(program, { env, stdout, onFailure: (message) => new CliError(message) });
  registerModelsCommand(program, { config, stdout, onFailure: (message) => new CliError(message) });
  registerReindexCommand(program, { withStore, stdout, stderr });

  return program;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function permissionList(value: string): Permission[] {
  const list = value.split(',').map((p) => p.trim());
  for (const p of list) if (!(PERMISSIONS as readonly string[]).includes(p)) throw new InvalidArgumentError(`unknown permission '${p}'`);
  return list as Permission[];
}
