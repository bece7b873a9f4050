// Layering rules for Tessera (see docs/architecture.md). Run with `npm run lint:layers`.
//
//   src/api       → may use engine, lib            (never adapters; routes never engine/ports)
//   src/engine    → may use engine, lib            (no api/adapters, no framework/driver packages)
//   src/adapters  → may use engine, lib            (never api)
//   src/lib       → may use lib only
//   src/app.ts, src/server.ts, src/runtime.ts, src/worker.ts, src/compose.ts, src/config.ts, src/cli/**
//   are composition roots: they may import anything, and nothing inside the layers may import them.
//   The processes without HTTP (src/runtime.ts, src/worker.ts, src/cli/**) never load Fastify or src/api:
//   the CLI's `serve` imports src/server.ts dynamically, when it runs.
//
// Every rule is an error, so a violation makes the command exit non-zero.

/** Composition roots: allowed to import anything, importable by nothing in a layer. */
const COMPOSITION_ROOTS = ['^src/(app|server|runtime|worker|compose|config)\\.ts$', '^src/cli/'];

/** HTTP: Fastify, the API layer, and the roots that wire them (src/app.ts, src/server.ts). */
const HTTP_PATHS = ['^src/api/', '^src/(app|server)\\.ts$', '(^|/)node_modules/(fastify|@fastify/[^/]+)/', '^(fastify|@fastify/[^/]+)(/|$)'];

/** Packages that only adapters (drivers, queues) and the API (Fastify) may touch. */
const INFRA_PACKAGES = ['fastify', '@fastify/[^/]+', 'kysely', 'pg', 'better-sqlite3', 'ioredis', 'bullmq'].join('|');
const INFRA_PACKAGE_PATHS = [
  // resolved into node_modules …
  `(^|/)node_modules/(${INFRA_PACKAGES})/`,
  // … or named but not installed (resolution failed, the bare specifier stays)
  `^(${INFRA_PACKAGES})(/|$)`,
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'api-not-to-adapters',
      severity: 'error',
      comment:
        'src/api may use src/engine (services, ports, types) and src/lib, never src/adapters. ' +
        'Adapters are chosen in src/compose.ts and reach the API only through engine services.',
      from: { path: '^src/api/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'engine-only-engine-and-lib',
      severity: 'error',
      comment:
        'src/engine may import only src/engine and src/lib: no src/api, no src/adapters ' +
        '(depend on a port in src/engine/ports instead).',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: ['^src/engine/', '^src/lib/'] },
    },
    {
      name: 'engine-no-infrastructure-packages',
      severity: 'error',
      comment:
        'src/engine must not use fastify (or @fastify/*), kysely, pg, better-sqlite3, ioredis or bullmq. ' +
        'HTTP belongs in src/api, drivers and queues in src/adapters behind a port.',
      from: { path: '^src/engine/' },
      to: { path: INFRA_PACKAGE_PATHS },
    },
    {
      name: 'routes-not-to-ports',
      severity: 'error',
      comment:
        'Routes map request bodies to engine command types (declared next to the service that takes them), ' +
        'never to the store port types in src/engine/ports: a port patch can carry fields no caller may set.',
      from: { path: '^src/api/routes/' },
      to: { path: '^src/engine/ports/' },
    },
    {
      name: 'adapters-not-to-api',
      severity: 'error',
      comment: 'src/adapters implement engine ports; they may import src/engine and src/lib, never src/api.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'lib-only-lib',
      severity: 'error',
      comment: 'src/lib holds generic helpers and imports nothing from src/api, src/engine, src/adapters or the composition roots.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'layers-not-to-composition-roots',
      severity: 'error',
      comment:
        'Nothing in src/api, src/engine, src/adapters or src/lib may import src/config.ts, src/compose.ts, ' +
        'src/app.ts, src/server.ts or src/cli/**: configuration is passed in as values.',
      from: { path: '^src/(api|engine|adapters|lib)/' },
      to: { path: COMPOSITION_ROOTS },
    },
    {
      name: 'no-http-in-runtime-or-worker',
      severity: 'error',
      comment:
        'src/runtime.ts and src/worker.ts must not reach Fastify, src/api, src/app.ts or src/server.ts by any path: ' +
        'a worker runs without HTTP. Put what both need in the engine or the runtime.',
      from: { path: '^src/(runtime|worker)\\.ts$' },
      to: { path: HTTP_PATHS, reachable: true },
    },
    {
      name: 'cli-loads-http-only-for-serve',
      severity: 'error',
      comment:
        'src/cli/** must not import Fastify, src/api, src/app.ts or src/server.ts statically: every command but ' +
        "`serve` runs without HTTP. `serve` imports src/server.ts dynamically (await import('../server.ts')).",
      from: { path: '^src/cli/' },
      to: { path: HTTP_PATHS, dynamic: false },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular dependencies (type-only imports included) are not allowed.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        'Every import must resolve. An unresolved import is invisible to the layer rules above, ' +
        'so a resolver misconfiguration would otherwise let violations pass silently.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
    // Also see `import type` and type-only re-exports: a type import still couples the layers.
    tsPreCompilationDeps: true,
    // tsconfig.json has NodeNext resolution and allowImportingTsExtensions (imports say './foo.ts').
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
