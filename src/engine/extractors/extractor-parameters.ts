// Checks a collection's extractor `parameters` against the extractor's parameterSchema (the subset
// of JSON Schema the definitions use: type, enum, minimum, maximum, maxLength, const) and applies
// the defaults. Keys the schema does not name are tolerated and dropped (Mixpeek's quickstart sends
// `parameters.model`, which is not a TextExtractorParams field). A bad value is a 400 naming it.
import { BadRequestError } from '../errors.ts';
import type { ExtractorDefinition } from './extractor-definition.ts';

type PropertySchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  anyOf?: PropertySchema[];
};

export function resolveParameters(extractor: ExtractorDefinition, input: Record<string, unknown> | null | undefined, at = 'feature_extractor.parameters'): Record<string, unknown> {
  const properties = (extractor.parameterSchema.properties ?? {}) as Record<string, PropertySchema>;
  const out: Record<string, unknown> = { ...extractor.defaultParameters };
  for (const [key, value] of Object.entries(input ?? {})) {
    const schema = properties[key];
    if (!schema) continue;
    if (value === null && out[key] === undefined) continue;
    const problem = check(schema, value);
    if (problem !== null) {
      throw new BadRequestError(`${at}.${key} ${problem}`, { field: `${at}.${key}`, parameter: key, extractor: `${extractor.name}_${extractor.version}` }, 'invalid_parameters');
    }
    out[key] = value;
  }
  extractor.checkParameters?.(out, at);
  return out;
}

function check(schema: PropertySchema, value: unknown): string | null {
  if (schema.anyOf) {
    const problems = schema.anyOf.map((s) => check(s, value));
    return problems.includes(null) ? null : problems[0]!;
  }
  if (schema.const !== undefined && value !== schema.const) return `must be ${JSON.stringify(schema.const)}`;
  if (schema.enum && !schema.enum.includes(value)) return `must be one of ${schema.enum.map(String).join(', ')}`;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(value, t))) return `must be ${types.join(' or ')}`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
  }
  if (typeof value === 'string' && schema.maxLength !== undefined && value.length > schema.maxLength) return `must be at most ${schema.maxLength} characters`;
  return null;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return false;
  }
}
