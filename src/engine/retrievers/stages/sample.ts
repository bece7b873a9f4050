// sample (SPEC §16): a random, stratified or systematic sample of the input, in the input's order.
// With a seed the sample is the same on every run (mulberry32); without one it differs each time.
//   random      `size` documents drawn without replacement
//   systematic  every (n / size)-th document from a random start
//   stratified  grouped by `group_field` (missing → one "null" group): `samples_per_group` from
//               each, or else `size` split across groups in proportion to their sizes (largest
//               remainders first), at least one per group while size allows
import { parseFieldPath, readPath } from '../../query/index.ts';
import { enumParameter, integerParameter, invalidParameter, parametersObject, stringParameter, type ParameterReader } from './parameters.ts';
import { fieldsWithScore } from './document-fields.ts';
import type { ExecutionDocument, StageDefinition } from './stage-definition.ts';
import { isTemplate } from '../template.ts';
import { mulberry32 } from '../../../lib/prng.ts';

const METHODS = ['random', 'stratified', 'systematic'] as const;

/** `k` distinct indexes of 0..n-1 (partial Fisher–Yates), sorted. */
function pick(n: number, k: number, random: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(k, n);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, take).sort((a, b) => a - b);
}

function read(parameters: unknown, r: ParameterReader) {
  const p = parametersObject(parameters, r.at);
  const out: Record<string, unknown> = {
    method: enumParameter(p.method ?? p.strategy, r, `${r.at}.method`, METHODS, 'random'),
    size: integerParameter(p.size ?? p.sample_size ?? p.n, r, `${r.at}.size`, { min: 1, max: 10_000, default: 10 }),
  };
  const seed = integerParameter(p.seed, r, `${r.at}.seed`, { min: 0, max: 2 ** 32 - 1 });
  if (seed !== undefined) out.seed = seed;
  const group = stringParameter(p.group_field ?? p.stratify_by, r, `${r.at}.group_field`, { maxLength: 500 });
  if (group !== undefined) {
    if (!isTemplate(group)) parseFieldPath(group, `${r.at}.group_field`, 'invalid_stage_parameters');
    out.group_field = group;
  }
  const perGroup = integerParameter(p.samples_per_group, r, `${r.at}.samples_per_group`, { min: 1, max: 10_000 });
  if (perGroup !== undefined) out.samples_per_group = perGroup;
  if (out.method === 'stratified' && group === undefined) invalidParameter(`${r.at}.group_field`, 'is required for stratified sampling');
  return out;
}

export function sampleDocuments(input: readonly ExecutionDocument[], p: { method: string; size: number; seed?: number; group_field?: string; samples_per_group?: number }): ExecutionDocument[] {
  const random = mulberry32(p.seed ?? Math.floor(Math.random() * 2 ** 32));
  const n = input.length;
  if (p.method === 'systematic') {
    if (p.size >= n) return input.slice();
    const step = n / p.size;
    const start = random() * step;
    return Array.from({ length: p.size }, (_, i) => input[Math.min(n - 1, Math.floor(start + i * step))]!);
  }
  if (p.method === 'stratified') {
    const groups = new Map<string, number[]>();
    input.forEach((d, i) => {
      const v = readPath(fieldsWithScore(d), p.group_field!);
      const key = JSON.stringify(v ?? null);
      const list = groups.get(key) ?? [];
      list.push(i);
      groups.set(key, list);
    });
    const quotas = new Map<string, number>();
    if (p.samples_per_group !== undefined) for (const key of groups.keys()) quotas.set(key, p.samples_per_group);
    else {
      const size = Math.min(p.size, n);
      const shares = [...groups.entries()].map(([key, list]) => ({ key, exact: (size * list.length) / n, size: list.length }));
      let given = 0;
      for (const s of shares) {
        const q = Math.floor(s.exact);
        quotas.set(s.key, q);
        given += q;
      }
      shares.sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.size - a.size);
      for (const s of shares) {
        if (given >= size) break;
        quotas.set(s.key, quotas.get(s.key)! + 1);
        given++;
      }
    }
    const chosen: number[] = [];
    for (const [key, list] of groups) chosen.push(...pick(list.length, quotas.get(key) ?? 0, random).map((j) => list[j]!));
    return chosen.sort((a, b) => a - b).map((i) => input[i]!);
  }
  return pick(n, p.size, random).map((i) => input[i]!);
}

export const sampleStage: StageDefinition = {
  stageId: 'sample',
  category: 'reduce',
  description: 'A random, stratified or systematic sample of the documents (deterministic with a seed).',
  icon: 'dices',
  parameterSchema: {
    type: 'object',
    properties: {
      method: { type: 'string', enum: [...METHODS], default: 'random' },
      size: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10000 }, { type: 'string' }], default: 10, description: 'Documents in the sample (stratified without samples_per_group: split across groups in proportion).' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Makes the sample repeatable.' },
      group_field: { type: 'string', description: 'Stratified: the field whose values form the groups.' },
      samples_per_group: { type: 'integer', minimum: 1, maximum: 10000, description: 'Stratified: documents per group (overrides size).' },
    },
  },

  validate(parameters, at) {
    return read(parameters, { at, templates: true });
  },

  async run(input, parameters) {
    const p = read(parameters, { at: 'parameters', templates: false }) as { method: string; size: number; seed?: number; group_field?: string; samples_per_group?: number };
    return { documents: sampleDocuments(input, p), metadata: { method: p.method, seeded: p.seed !== undefined } };
  },
};
