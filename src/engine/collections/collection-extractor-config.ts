// A new collection's feature_extractor (SPEC §12 FeatureExtractorConfig): input_mappings (object
// form { text: "content" } or the list form [{ input_key, source_type: "payload", path }]) checked
// against the source schema and the extractor's input types; field_passthrough (names or objects)
// checked against the source schema and kept off system and extractor output names; parameters
// checked against the extractor's parameterSchema. Gives the collection's output_schema.
import { BadRequestError } from '../errors.ts';
import type { ExtractorDefinition, OutputFields } from '../extractors/extractor-definition.ts';
import { resolveParameters } from '../extractors/extractor-parameters.ts';
import { SYSTEM_DOCUMENT_FIELDS } from './reserved-fields.ts';
import type { FieldPassthrough } from './types.ts';

export interface InputMappingItem {
  input_key: string;
  source_type?: string | null | undefined;
  path?: string | null | undefined;
  override?: unknown;
  [other: string]: unknown;
}

export type InputMappingsInput = Record<string, string> | readonly InputMappingItem[];

export type PassthroughInput = string | { source_path: string; target_path?: string | null | undefined; default?: unknown; required?: boolean | null | undefined };

const AT = 'feature_extractor';

/** input_mappings as extractor input → source field path, every path in the source schema with a type the input accepts. */
export function resolveInputMappings(extractor: ExtractorDefinition, input: InputMappingsInput | null | undefined, schema: OutputFields): Record<string, string> {
  const raw: Record<string, string> = {};
  if (Array.isArray(input)) {
    (input as readonly InputMappingItem[]).forEach((item, i) => {
      const at = `${AT}.input_mappings[${i}]`;
      const sourceType = item.source_type ?? 'payload';
      if (sourceType !== 'payload') throw bad(`${at}.source_type`, `'${String(sourceType)}' is not supported: only 'payload' (a field of the source) is`);
      if (typeof item.path !== 'string' || item.path.length === 0) throw bad(`${at}.path`, 'is required for a payload mapping');
      if (raw[item.input_key] !== undefined) throw bad(`${at}.input_key`, `'${item.input_key}' is mapped twice`);
      raw[item.input_key] = item.path;
    });
  } else if (input) {
    Object.assign(raw, input);
  }
  const inputs = Object.keys(extractor.inputs);
  const out: Record<string, string> = {};
  for (const [key, rawPath] of Object.entries(raw)) {
    const at = `${AT}.input_mappings.${key}`;
    const accepted = extractor.inputs[key];
    if (!accepted) {
      throw new BadRequestError(`${at}: ${extractor.name} has no input '${key}'${inputs.length > 0 ? `; its inputs are ${inputs.join(', ')}` : ' (it takes no inputs)'}`, { field: at, inputs });
    }
    const path = resolvePath(rawPath, schema);
    if (path === null) throw unknownField(at, rawPath, schema);
    const type = schema[path]!.type;
    if (!accepted.types.includes(type)) {
      throw new BadRequestError(`${at}: source field '${path}' is ${type}, but input '${key}' of ${extractor.name} takes ${accepted.types.join(' or ')}`, { field: at, source_field: path, type, accepted_types: accepted.types });
    }
    out[key] = path;
  }
  for (const [key, spec] of Object.entries(extractor.inputs)) {
    if (spec.required && out[key] === undefined) {
      throw bad(`${AT}.input_mappings.${key}`, `is required: map ${extractor.name}'s input '${key}' to a source field of type ${spec.types.join(' or ')}`);
    }
  }
  return out;
}

/** field_passthrough normalised: target_path defaults to the last segment of source_path. */
export function resolvePassthrough(input: readonly PassthroughInput[] | null | undefined, schema: OutputFields, taken: ReadonlySet<string>): FieldPassthrough[] {
  const targets = new Set<string>();
  return (input ?? []).map((item, i) => {
    const at = `${AT}.field_passthrough[${i}]`;
    const spec = typeof item === 'string' ? { source_path: item } : item;
    const source = resolvePath(spec.source_path, schema);
    if (source === null) throw unknownField(`${at}.source_path`, spec.source_path, schema);
    const target = spec.target_path ?? source.split('.').at(-1)!;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/.test(target) || target.length > 255) throw bad(`${at}.target_path`, `'${target}' is not a valid field path`);
    const head = target.split('.')[0]!;
    if (SYSTEM_DOCUMENT_FIELDS.has(head)) throw bad(`${at}.target_path`, `'${target}' clashes with the system field '${head}'`);
    if (taken.has(head)) throw bad(`${at}.target_path`, `'${target}' clashes with the extractor output '${head}'`);
    if (targets.has(target)) throw bad(`${at}.target_path`, `'${target}' is the target of two passthrough fields`);
    targets.add(target);
    return { source_path: source, target_path: target, default: spec.default ?? null, required: spec.required ?? false };
  });
}

export interface ResolvedExtractorConfig {
  parameters: Record<string, unknown>;
  inputMappings: Record<string, string>;
  passthrough: FieldPassthrough[];
  outputSchema: OutputFields;
}

export function resolveExtractorConfig(
  extractor: ExtractorDefinition,
  input: { parameters?: Record<string, unknown> | null | undefined; input_mappings?: InputMappingsInput | null | undefined; field_passthrough?: readonly PassthroughInput[] | null | undefined; include_all_source_fields: boolean },
  schema: OutputFields,
  vectorIndexNames: readonly string[],
): ResolvedExtractorConfig {
  const parameters = resolveParameters(extractor, input.parameters, `${AT}.parameters`);
  const outputs = extractor.outputFields(parameters);
  const inputMappings = resolveInputMappings(extractor, input.input_mappings, schema);
  const taken = new Set([...Object.keys(outputs), ...vectorIndexNames]);
  const passthrough = resolvePassthrough(input.field_passthrough, schema, taken);
  const outputSchema: OutputFields = {};
  if (input.include_all_source_fields) {
    // Every source field the platform and the extractor do not write themselves (they win).
    for (const [path, field] of Object.entries(schema)) if (!SYSTEM_DOCUMENT_FIELDS.has(path.split('.')[0]!) && !taken.has(path.split('.')[0]!)) outputSchema[path] = field;
  }
  for (const p of passthrough) outputSchema[p.target_path] = schema[p.source_path]!;
  Object.assign(outputSchema, outputs);
  return { parameters, inputMappings, passthrough, outputSchema };
}

/** The schema key a path names: as given, or without Mixpeek docs' "payload." prefix. */
function resolvePath(path: string, schema: OutputFields): string | null {
  if (schema[path]) return path;
  if (path.startsWith('payload.') && schema[path.slice('payload.'.length)]) return path.slice('payload.'.length);
  return null;
}

function unknownField(at: string, path: string, schema: OutputFields): BadRequestError {
  const fields = Object.keys(schema);
  return new BadRequestError(`${at}: '${path}' is not a field of the source schema (fields: ${fields.join(', ') || 'none'})`, { field: at, source_field: path, source_fields: fields });
}

function bad(field: string, problem: string): BadRequestError {
  return new BadRequestError(`${field} ${problem}`, { field });
}
