// What every response must be, judged only by openapi.json: below 500, a status the operation
// declares, a body that validates against the schema declared for that status, the error envelope
// on every non-2xx, 401 for every request without a valid key on a secured operation, and never a
// 2xx for a request the document itself forbids. Ajv here runs with its defaults (strict, so
// `Infinity` is not a number), whatever the server's own validator is configured to do.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { declaredResponse, type OpenApiDocument, type Operation, type Parameter, type Schema } from './openapi-document.ts';
import { toJsonText } from './raw-json.ts';
import type { AuthKind, FuzzBody, FuzzRequest } from './request-arbitrary.ts';
import { IGNORED_FIELDS_HEADER, parseIgnoredFieldsHeader } from '../../src/api/unknown-fields.ts';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body text exactly as sent, or undefined for none. */
  payload: string | undefined;
}

export interface ReceivedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

const REFUSED_AUTH: ReadonlySet<AuthKind> = new Set(['revoked', 'wrong', 'none', 'malformed']);

export class ContractChecker {
  private readonly ajv: Ajv2020;
  /** Text parameters validated the way a server coerces them (`"5"` → 5), still strictly finite. */
  private readonly textAjv: Ajv2020;
  private readonly compiled = new Map<Schema, ValidateFunction>();
  private readonly parameterValidators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    const extensions = extensionKeywords(doc.raw);
    this.ajv = withComponents(addFormats(new Ajv2020({ allErrors: true, strictTypes: false })), doc.components, extensions);
    this.textAjv = withComponents(addFormats(new Ajv2020({ allErrors: true, strictTypes: false, coerceTypes: 'array' })), doc.components, extensions);
  }

  /** Everything wrong with this exchange; empty when it conforms. */
  check(op: Operation, request: FuzzRequest, sent: SentRequest, res: ReceivedResponse): string[] {
    const problems: string[] = [];
    const status = res.statusCode;
    if (status >= 500) problems.push(`status ${status}: a server error`);
    const declared = declaredResponse(op, status);
    if (!declared) problems.push(`status ${status} is not declared in openapi.json for ${op.operationId} (declared: ${Object.keys(op.responses).join(', ')})`);

    let body: unknown;
    let parsed = false;
    try {
      body = JSON.parse(res.body);
      parsed = true;
    } catch {
      if (status < 200 || status >= 300 || declared?.schema) problems.push('the body is not JSON');
    }
    if (parsed && (status < 200 || status >= 300)) problems.push(...envelopeProblems(body, status));
    if (parsed && declared?.schema) {
      const validate = this.compile(declared.schema);
      if (!validate(body)) problems.push(`the body does not match the declared ${declared.key} schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`);
    }

    if (op.secured && REFUSED_AUTH.has(request.auth) && status !== 401 && !refusedByRouter(body, status)) {
      problems.push(`a request with ${request.auth === 'none' ? 'no' : `a ${request.auth}`} key got ${status}, not 401`);
    }
    if ((request.auth === 'admin' || request.auth === 'read') && status === 401) problems.push(`the ${request.auth} key was refused (401): it should still be valid`);
    if (status >= 200 && status < 300) {
      const ignored = res.headers[IGNORED_FIELDS_HEADER];
      const reasons = this.forbiddenBy(op, request, sent, typeof ignored === 'string' ? ignored : undefined);
      if (reasons.length > 0) problems.push(`accepted (${status}) a request that openapi.json forbids: ${reasons.join('; ')}`);
    }
    return problems;
  }

  /** Why the document does not allow this request (empty when it does). */
  forbiddenBy(op: Operation, request: FuzzRequest, sent: SentRequest, ignoredFields?: string): string[] {
    const reasons: string[] = [];
    for (const place of ['path', 'query', 'header'] as const) {
      const params = op.parameters.filter((p) => p.in === place);
      if (params.length === 0) continue;
      const values = place === 'path' ? { ...request.path } : place === 'query' ? collect(request.query) : { ...request.headers };
      const validate = this.parameterValidator(op, place, params);
      if (!validate(values)) reasons.push(`${place} parameters: ${this.textAjv.errorsText(validate.errors, { separator: '; ' })}`);
    }
    if (op.body) reasons.push(...this.bodyForbiddenBy(op, request.body, sent.payload, ignoredFields));
    return reasons;
  }

  private bodyForbiddenBy(op: Operation, body: FuzzBody | null, payload: string | undefined, ignoredFields: string | undefined): string[] {
    if (payload === undefined || payload.trim() === '') return op.bodyRequired ? ['the required body is missing'] : [];
    const contentType = body?.contentType ?? null;
    if (contentType === null || contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json') return [`the body is ${contentType ?? 'untyped'}, not application/json`];
    let value: unknown;
    try {
      // RFC 8259 lets a parser ignore a byte order mark, and Fastify's does.
      value = JSON.parse(payload.replace(/^\ufeff/, ''));
    } catch {
      return ['the body is not JSON'];
    }
    const validate = this.compile(op.body!);
    if (validate(value)) return ignoredFields === undefined ? [] : [`the document allows the body, yet ${IGNORED_FIELDS_HEADER} names ${ignoredFields}`];
    if (ignoredFields === undefined) return [`body: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`];
    // The server ignored undeclared fields (docs/api.md, unknown fields): each one it named must be
    // one the document does not declare, and the body without them must be one the document allows.
    const undeclared = new Set((validate.errors ?? []).filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath}/${escapePointer(String(e.params.additionalProperty))}`));
    const { paths, truncated } = parseIgnoredFieldsHeader(ignoredFields);
    const reasons: string[] = [];
    for (const path of paths) {
      const pointer = path.map((s) => `/${escapePointer(String(s))}`).join('');
      if (!undeclared.has(pointer)) reasons.push(`${IGNORED_FIELDS_HEADER} names ${pointer}, which the document declares`);
      removePath(value, path);
    }
    if (truncated) return reasons;
    return validate(value) ? reasons : [...reasons, `body without the ignored fields: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`];
  }

  private compile(schema: Schema): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  private parameterValidator(op: Operation, place: string, params: Parameter[]): ValidateFunction {
    const key = `${op.operationId} ${place}`;
    let validate = this.parameterValidators.get(key);
    if (!validate) {
      // Header names are case-insensitive; the generator writes them as declared.
      validate = this.textAjv.compile({
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required).map((p) => p.name),
      });
      this.parameterValidators.set(key, validate);
    }
    return validate;
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function removePath(value: unknown, path: (string | number)[]): void {
  let node = value;
  for (const segment of path.slice(0, -1)) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  if (node !== null && typeof node === 'object') delete (node as Record<string | number, unknown>)[path.at(-1)!];
}

function withComponents(ajv: Ajv2020, components: Record<string, Schema>, extensions: string[]): Ajv2020 {
  // OpenAPI's `x-` extensions are annotations to a generic validator; strict Ajv must know their names.
  for (const keyword of extensions) ajv.addKeyword({ keyword });
  // Keyed by the very `$ref` string the document uses, so every reference resolves as written.
  for (const [name, schema] of Object.entries(components)) ajv.addSchema(schema, `#/components/schemas/${name}`);
  return ajv;
}

/** Every `x-…` key anywhere in the document. */
function extensionKeywords(node: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(node)) for (const item of node) extensionKeywords(item, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeywords(value, found);
    }
  }
  return [...found];
}

/** `{success:false, status:<HTTP status>, error:{message, type, ...}}`, plus FastAPI's `detail` on 422. */
function envelopeProblems(body: unknown, status: number): string[] {
  const problems: string[] = [];
  const b = body as Record<string, any> | null;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return ['the error body is not an object'];
  if (b.success !== false) problems.push('envelope: success is not false');
  if (b.status !== status) problems.push(`envelope: status ${JSON.stringify(b.status)} differs from the HTTP status ${status}`);
  if (typeof b.error !== 'object' || b.error === null) problems.push('envelope: no error object');
  else {
    if (typeof b.error.message !== 'string') problems.push('envelope: error.message is not a string');
    if (typeof b.error.type !== 'string') problems.push('envelope: error.type is not a string');
  }
  if (status === 422 && !Array.isArray(b.detail)) problems.push('envelope: a 422 without FastAPI `detail`');
  return problems;
}

/** The router answers before authentication for URLs it cannot route (too long, undecodable). */
function refusedByRouter(body: unknown, status: number): boolean {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return (status === 414 || status === 400) && (code === 'path_too_long' || code === 'invalid_url');
}

function collect(pairs: [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const existing = out[k];
    out[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return out;
}

/** The request and response as a developer needs them to reproduce a failure (no credentials). */
export function describeExchange(op: Operation, request: FuzzRequest, sent: SentRequest, res: ReceivedResponse | null): string {
  const { authorization: _omitted, ...headers } = sent.headers;
  const lines = [
    `operation: ${op.operationId} (${op.method} ${op.path})`,
    `request:   ${sent.method} ${sent.url}`,
    `auth:      ${request.auth}${request.authHeader && request.auth !== 'wrong' ? ` (Authorization: ${clip(request.authHeader, 80)})` : ''}`,
    `headers:   ${JSON.stringify(headers)}`,
    `body:      ${sent.payload === undefined ? '(none)' : clip(sent.payload, 2_000)}`,
  ];
  if (res) lines.push(`response:  ${res.statusCode} ${clip(res.body, 2_000)}`);
  return lines.join('\n');
}

export function payloadOf(body: FuzzBody | null): string | undefined {
  if (body === null) return undefined;
  return 'text' in body ? body.text : toJsonText(body.json);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars in all)` : text;
}
