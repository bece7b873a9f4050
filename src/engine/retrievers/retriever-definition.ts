// What a retriever is made of (name, collections, input schema, stages, budget), read from any form
// clients send (SPEC §15.1, §23.3) and normalised to the stored shape:
//   collections   `collection_identifiers` (spec) or `collection_ids` (docs): ids or names
//   input_schema  a flat map {input: field} (spec) or {properties: {...}, required: [...]} (docs)
//   stages        {stage_name, stage_type?, config: {stage_id, parameters}} (spec),
//                 {stage_type?, stage_id, parameters, stage_name?} (docs, flat),
//                 {stage_name: "<stage id>", version, parameters} (tutorials),
//                 {name, stage_type, config: {stage_name: "<stage id>", parameters}} (the RetrieverConfig example)
// Every refusal is a BadRequestError naming the offending part by its path in the request.
import { BadRequestError } from '../errors.ts';
import { INPUT_TYPES } from './input-schema.ts';
import type { StageDefinition } from './stages/stage-definition.ts';
import type { BudgetLimits, FeatureAddress, RetrieverInputField, StageCategory, StageConfig } from './types.ts';

/** The stage catalogue as the service needs it (StageRegistry implements it). */
export interface StageCatalogue {
  resolve(stageIdOrAlias: string): StageDefinition | undefined;
  list(category?: StageCategory): readonly StageDefinition[];
}

export const MAX_STAGES = 32;
export const MAX_INPUTS = 64;
export const MAX_COLLECTIONS = 64;
export const MAX_TAGS = 64;
const MAX_LABEL = 100;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9 _.-]{0,98}[A-Za-z0-9_.-])?$/;
const ID_SHAPED = /^ret_[a-z0-9]{20}$/;
const CATEGORIES: readonly string[] = ['filter', 'sort', 'reduce', 'apply', 'enrich', 'group'];

/** The types execute checks inputs against (input-schema.ts), plus Mixpeek's `excel` (any value, like a file). */
export const INPUT_FIELD_TYPES: readonly string[] = [...INPUT_TYPES, 'excel'];

function bad(at: string, message: string, details: Record<string, unknown> = {}, code = 'invalid_retriever'): never {
  throw new BadRequestError(`${at}: ${message}`, { field: at, ...details }, code);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function assertRetrieverName(name: unknown, at = 'retriever_name'): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    bad(at, 'a retriever name is 1-100 letters, digits, spaces, "_", "-" or ".", starting with a letter or digit and not ending with a space', { value: typeof name === 'string' ? name.slice(0, 120) : null });
  }
  if (ID_SHAPED.test(name)) bad(at, 'a retriever name may not have the shape of a retriever id (ret_ + 20 letters or digits)', { value: name });
  return name;
}

/** The collection identifiers a request names (either spelling); duplicates dropped. */
export function collectionIdentifiers(body: { collection_identifiers?: unknown; collection_ids?: unknown }): string[] {
  const spec = body.collection_identifiers;
  const legacy = body.collection_ids;
  const [value, at] = spec !== undefined && spec !== null ? [spec, 'collection_identifiers'] : [legacy, 'collection_ids'];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) bad(at, 'expected a list of collection ids or names');
  if (value.length > MAX_COLLECTIONS) bad(at, `at most ${MAX_COLLECTIONS} collections`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v === '' || v.length > 255) bad(`${at}[${i}]`, 'expected a collection id or name');
  });
  return [...new Set(value as string[])];
}

/** input_schema as a flat map or `{properties, required}`; `required` lists mark inputs required. */
export function normaliseInputSchema(input: unknown, at = 'input_schema'): Record<string, RetrieverInputField> {
  if (input === undefined || input === null) return {};
  if (!isObject(input)) bad(at, 'expected an object of input fields');
  let fields: Record<string, unknown> = input;
  let required = new Set<string>();
  let fieldsAt = at;
  if (isLegacySchema(input)) {
    fields = input.properties as Record<string, unknown>;
    fieldsAt = `${at}.properties`;
    if (input.required !== undefined && input.required !== null) {
      if (!Array.isArray(input.required) || input.required.some((r) => typeof r !== 'string')) bad(`${at}.required`, 'expected a list of input names');
      required = new Set(input.required as string[]);
      for (const name of required) if (!Object.hasOwn(fields, name)) bad(`${at}.required`, `'${name.slice(0, 100)}' is not one of the inputs`);
    }
  }
  const names = Object.keys(fields);
  if (names.length > MAX_INPUTS) bad(fieldsAt, `at most ${MAX_INPUTS} inputs`);
  const out: Record<string, RetrieverInputField> = {};
  for (const name of names) {
    const fieldAt = `${fieldsAt}.${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name)) bad(fieldAt, 'an input name is letters, digits and "_" (up to 100), starting with a letter or "_", so templates can name it ({{INPUT.name}})');
    out[name] = normaliseField(fields[name], fieldAt, required.has(name));
  }
  return out;
}

/**
 * The docs' `{properties: {...}, required: [...]}`. A flat map may have an input named
 * `properties`, but then that entry is a field (its `type` is a string), not a map of fields.
 */
function isLegacySchema(input: Record<string, unknown>): boolean {
  const properties = input.properties;
  if (!isObject(properties) || typeof properties.type === 'string') return false;
  return Object.keys(input).every((k) => ['properties', 'required', 'type', 'title', 'description', 'additionalProperties'].includes(k));
}

function normaliseField(value: unknown, at: string, requiredByList: boolean): RetrieverInputField {
  if (!isObject(value)) bad(at, 'expected a field {type, description, required, default, examples}');
  const type = typeof value.type === 'string' ? value.type.toLowerCase() : undefined;
  if (type === undefined || !INPUT_FIELD_TYPES.includes(type)) {
    bad(`${at}.type`, `expected one of ${INPUT_FIELD_TYPES.join(', ')}`, { allowed: INPUT_FIELD_TYPES });
  }
  if (value.required !== undefined && value.required !== null && typeof value.required !== 'boolean') bad(`${at}.required`, 'expected a boolean');
  if (value.description !== undefined && value.description !== null && (typeof value.description !== 'string' || value.description.length > 2000)) {
    bad(`${at}.description`, 'expected a string of at most 2000 characters');
  }
  if (value.examples !== undefined && value.examples !== null && !Array.isArray(value.examples)) bad(`${at}.examples`, 'expected a list');
  const field: RetrieverInputField = { type, required: requiredByList || value.required === true };
  if (typeof value.description === 'string') field.description = value.description;
  if (value.default !== undefined && value.default !== null) field.default = value.default;
  if (Array.isArray(value.examples)) field.examples = value.examples;
  return field;
}

export function normaliseBudget(input: unknown, at = 'budget_limits'): BudgetLimits {
  if (input === undefined || input === null) return { max_credits: null, max_time_ms: null };
  if (!isObject(input)) bad(at, 'expected {max_credits, max_time_ms}');
  const credits = input.max_credits ?? null;
  const time = input.max_time_ms ?? null;
  if (credits !== null && (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > 1e9)) bad(`${at}.max_credits`, 'expected a number from 0 to 1e9, or null');
  if (time !== null && (typeof time !== 'number' || !Number.isInteger(time) || time < 0 || time > 3_600_000)) bad(`${at}.max_time_ms`, 'expected an integer from 0 to 3600000 (one hour), or null');
  return { max_credits: credits, max_time_ms: time };
}

export function normaliseTags(input: unknown, at = 'tags'): string[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) bad(at, 'expected a list of strings');
  if (input.length > MAX_TAGS) bad(at, `at most ${MAX_TAGS} tags`);
  input.forEach((tag, i) => {
    if (typeof tag !== 'string' || tag === '' || tag.length > 100) bad(`${at}[${i}]`, 'expected a string of 1-100 characters');
  });
  return [...new Set(input as string[])];
}

export function normaliseDisplayConfig(input: unknown, at = 'display_config'): Record<string, unknown> | null {
  if (input === undefined || input === null) return null;
  if (!isObject(input)) bad(at, 'expected an object or null');
  return input;
}

export function normaliseDescription(input: unknown, at = 'description'): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'string' || input.length > 2000) bad(at, 'expected a string of at most 2000 characters, or null');
  return input;
}

/** Stages in any accepted form → StageConfig, each resolved in the catalogue and its parameters validated. */
export function normaliseStages(input: unknown, catalogue: StageCatalogue, at = 'stages'): StageConfig[] {
  if (!Array.isArray(input) || input.length === 0) bad(at, 'expected a list of at least one stage');
  if (input.length > MAX_STAGES) bad(at, `at most ${MAX_STAGES} stages`);
  const labels = new Set<string>();
  const pending: { stage: Omit<StageConfig, 'stage_name'>; label: string | null }[] = [];
  input.forEach((raw, i) => {
    const stageAt = `${at}[${i}]`;
    if (!isObject(raw)) bad(stageAt, 'expected a stage {stage_name, stage_type, config: {stage_id, parameters}}');
    const form = readForm(raw, stageAt, catalogue);
    const definition = catalogue.resolve(form.stageId);
    if (!definition) {
      const known = catalogue.list().map((s) => s.stageId);
      bad(form.idAt, `unknown stage '${form.stageId.slice(0, 100)}'; known stages: ${known.join(', ')}`, { stage_id: form.stageId.slice(0, 100), known_stage_ids: known }, 'unknown_stage');
    }
    const stageType = raw.stage_type;
    if (stageType !== undefined && stageType !== null && (typeof stageType !== 'string' || !CATEGORIES.includes(stageType))) {
      bad(`${stageAt}.stage_type`, `expected one of ${CATEGORIES.join(', ')} (or leave it out: it is inferred from the stage)`);
    }
    if (!isObject(form.parameters)) bad(form.parametersAt, 'expected an object of the stage\'s parameters');
    const parameters = definition.validate(form.parameters, form.parametersAt);
    const stage: Omit<StageConfig, 'stage_name'> = { stage_type: definition.category, config: { stage_id: definition.stageId, parameters } };
    const batchSize = raw.batch_size;
    if (batchSize !== undefined && batchSize !== null) {
      if ((typeof batchSize !== 'string' && typeof batchSize !== 'number') || String(batchSize).length > 500) bad(`${stageAt}.batch_size`, 'expected a number or a template string');
      stage.batch_size = String(batchSize);
    }
    const description = raw.description;
    if (description !== undefined && description !== null) stage.description = normaliseDescription(description, `${stageAt}.description`);
    if (form.label !== null) {
      if (form.label === '' || form.label.length > MAX_LABEL) bad(form.labelAt, `a stage name is 1-${MAX_LABEL} characters`);
      if (labels.has(form.label)) bad(form.labelAt, `'${form.label}' names another stage of this retriever: stage names are unique (they key stage_statistics)`, {}, 'duplicate_stage_name');
      labels.add(form.label);
    }
    pending.push({ stage, label: form.label });
  });
  // Stages without a name (the flat legacy form) are named after their stage id, numbered when needed.
  return pending.map(({ stage, label }) => {
    let name = label;
    if (name === null) {
      const base = stage.config.stage_id;
      name = base;
      for (let n = 2; labels.has(name); n++) name = `${base}_${n}`;
      labels.add(name);
    }
    return { stage_name: name, ...stage };
  });
}

interface StageForm {
  stageId: string;
  idAt: string;
  parameters: unknown;
  parametersAt: string;
  label: string | null;
  labelAt: string;
}

function readForm(raw: Record<string, unknown>, at: string, catalogue: StageCatalogue): StageForm {
  const label = (key: 'stage_name' | 'name'): string | null => {
    const v = raw[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') bad(`${at}.${key}`, 'expected a string');
    return v;
  };
  if (raw.config !== undefined && raw.config !== null) {
    const config = raw.config;
    if (!isObject(config)) bad(`${at}.config`, 'expected {stage_id, parameters}');
    const idKey = config.stage_id !== undefined ? 'stage_id' : config.stage_name !== undefined ? 'stage_name' : 'stage_id';
    const stageId = config[idKey];
    if (typeof stageId !== 'string' || stageId === '') bad(`${at}.config.stage_id`, 'expected the id of a registered stage (GET /v1/retrievers/stages)', {}, 'unknown_stage');
    // Parameters belong under `parameters`; a config that spreads them beside stage_id is read the same way.
    const { stage_id: _id, stage_name: _name, version: _version, parameters, ...spread } = config;
    const params = parameters !== undefined && parameters !== null ? parameters : spread;
    const name = label('stage_name') ?? label('name');
    return { stageId, idAt: `${at}.config.${idKey}`, parameters: params, parametersAt: `${at}.config.parameters`, label: name, labelAt: `${at}.${raw.stage_name !== undefined ? 'stage_name' : 'name'}` };
  }
  if (raw.stage_id !== undefined && raw.stage_id !== null) {
    if (typeof raw.stage_id !== 'string' || raw.stage_id === '') bad(`${at}.stage_id`, 'expected the id of a registered stage (GET /v1/retrievers/stages)', {}, 'unknown_stage');
    return { stageId: raw.stage_id, idAt: `${at}.stage_id`, parameters: raw.parameters ?? {}, parametersAt: `${at}.parameters`, label: label('stage_name') ?? label('name'), labelAt: `${at}.stage_name` };
  }
  // The tutorials' {stage_name: "knn_search", version, parameters}: stage_name is the stage id, and the stage's name too.
  const named = label('stage_name');
  if (named !== null && catalogue.resolve(named)) {
    return { stageId: named, idAt: `${at}.stage_name`, parameters: raw.parameters ?? {}, parametersAt: `${at}.parameters`, label: label('name') ?? named, labelAt: `${at}.stage_name` };
  }
  const known = catalogue.list().map((s) => s.stageId);
  return bad(`${at}.config.stage_id`, named === null ? 'every stage needs config.stage_id (a registered stage)' : `unknown stage '${named.slice(0, 100)}' and no config.stage_id; known stages: ${known.join(', ')}`, { known_stage_ids: known }, 'unknown_stage');
}

const FEATURE_URI = /^mixpeek:\/\/([^@/\s]+)@([^/\s]+)(?:\/(\S+))?$/;

/** The feature addresses the stages' parameters name (feature_uri / feature_uris, templates skipped), each once. */
export function featureDependencies(stages: readonly StageConfig[]): FeatureAddress[] {
  const seen = new Map<string, FeatureAddress>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 12) return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, v] of Object.entries(value)) {
      const uris = key === 'feature_uri' ? [v] : key === 'feature_uris' && Array.isArray(v) ? v : [];
      for (const uri of uris) {
        const m = typeof uri === 'string' ? FEATURE_URI.exec(uri) : null;
        if (m && !seen.has(uri as string)) seen.set(uri as string, { scheme: 'mixpeek', extractor: m[1]!, version: m[2]!, output: m[3] ?? '' });
      }
      visit(v, depth + 1);
    }
  };
  for (const stage of stages) visit(stage.config.parameters, 0);
  return [...seen.values()];
}
