// Markdown tables of the operations catalogue and the tier table (shared by the doc writer and its test).
import { METERED_COSTS, OPERATIONS } from '../src/api/operations-catalogue.ts';
import { QUOTA_RESOURCES, TIERS } from '../src/engine/accounts/tiers.ts';
import { ACCOUNT_TIERS, RATE_LIMIT_CATEGORIES } from '../src/engine/accounts/types.ts';
import openapi from '../openapi.json' with { type: 'json' };

function routeOf(operationId: string): string {
  for (const [path, methods] of Object.entries(openapi.paths as Record<string, Record<string, { operationId?: string }>>)) {
    for (const [method, op] of Object.entries(methods)) if (op.operationId === operationId) return `${method.toUpperCase()} ${path}`;
  }
  return '—';
}

const fmt = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString('en-US'));

export function renderLimitTables(): string {
  const ops = Object.entries(OPERATIONS)
    .map(([id, p]) => `| \`${routeOf(id)}\` | \`${id}\` | ${p.category} | ${p.credits} | ${p.permission} |`)
    .join('\n');
  const tiers = ACCOUNT_TIERS.map((t) => `| ${t} | ${TIERS[t].monthlyCredits === null ? 'custom' : fmt(TIERS[t].monthlyCredits)} | ${RATE_LIMIT_CATEGORIES.map((c) => TIERS[t].rateLimits[c]).join(' / ')} |`).join('\n');
  const quotas = QUOTA_RESOURCES.map((q) => `| ${q} | ${ACCOUNT_TIERS.map((t) => fmt(TIERS[t].quotas[q])).join(' | ')} |`).join('\n');
  const mib = (n: number) => (n >= 1024 ** 3 ? `${n / 1024 ** 3} GiB` : `${n / 1024 ** 2} MiB`);
  const blobRows: [string, 'inlineMaxBytes' | 'uploadMaxBytes' | 'urlMaxBytes'][] = [
    ['base64 / inline data', 'inlineMaxBytes'],
    ['presigned upload', 'uploadMaxBytes'],
    ['URL blob (fetched)', 'urlMaxBytes'],
  ];
  const blobs = blobRows.map(([label, k]) => `| ${label} | ${ACCOUNT_TIERS.map((t) => mib(TIERS[t].blobs[k])).join(' | ')} |`).join('\n');
  const metered = Object.entries(METERED_COSTS)
    .map(([k, v]) => `| ${k.replace(/_/g, ' ')} | ${v} |`)
    .join('\n');
  return `### Operations catalogue (\`src/api/operations-catalogue.ts\`)

| Route | operationId | Category | Credits per request | Permission |
|---|---|---|---|---|
${ops}

### Tiers (\`src/engine/accounts/tiers.ts\`)

| Tier | Credits per month | Default requests/min: ${RATE_LIMIT_CATEGORIES.join(' / ')} |
|---|---|---|
${tiers}

| Quota | ${ACCOUNT_TIERS.join(' | ')} |
|---|${ACCOUNT_TIERS.map(() => '---').join('|')}|
${quotas}

| Largest blob | ${ACCOUNT_TIERS.join(' | ')} |
|---|${ACCOUNT_TIERS.map(() => '---').join('|')}|
${blobs}

### Metered costs (charged by the handlers of the resources that incur them)

| What | Credits |
|---|---|
${metered}
`;
}
