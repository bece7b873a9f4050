// The committed openapi.json as the fuzz test sees it: its operations in document order, each
// with its parameters and JSON body schema. Everything is read from the document, so a route added
// later (and written with `npm run openapi:write`) is fuzzed without touching the test.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/run-node.ts';

export type Schema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The templated path, e.g. `/v1/organizations/users/{user_email}`. */
  path: string;
  parameters: Parameter[];
  /** The application/json request body schema, or null when the operation takes no body. */
  body: Schema | null;
  bodyRequired: boolean;
  /** Status code (or `default`, `4XX`) → declared response. */
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  /** False when the operation declares `security: []` or none at all (public). */
  secured: boolean;
}

export interface OpenApiDocument {
  raw: Schema;
  components: Record<string, Schema>;
  operations: Operation[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function loadOpenApi(url: URL = pathToFileURL(path.join(REPO_ROOT, 'openapi.json'))): OpenApiDocument {
  const raw = JSON.parse(fs.readFileSync(url, 'utf8')) as Schema;
  const components = (raw.components?.schemas ?? {}) as Record<string, Schema>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(raw.paths as Record<string, Schema>)) {
    const shared = (item.parameters ?? []) as Parameter[];
    for (const method of METHODS) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      // Operation-level parameters override path-level ones of the same name and location.
      const own = (op.parameters ?? []) as Parameter[];
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own].map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required === true,
        schema: p.schema ?? {},
      }));
      const security = (op.security ?? raw.security ?? []) as unknown[];
      operations.push({
        operationId: String(op.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        parameters,
        body: (op.requestBody?.content?.['application/json']?.schema as Schema | undefined) ?? null,
        bodyRequired: op.requestBody?.required === true,
        responses: op.responses ?? {},
        secured: security.length > 0,
      });
    }
  }
  return { raw, components, operations };
}

/** Follows `#/components/schemas/...` references until a concrete schema. */
export function resolveRef(schema: Schema, components: Record<string, Schema>): Schema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    const name = String(current.$ref).replace('#/components/schemas/', '');
    const target = components[name];
    if (!target || hops > 32) throw new Error(`cannot resolve ${String(current.$ref)}`);
    current = target;
  }
  return current;
}

/** The declared response for a status: the exact code, then `4XX`-style ranges, then `default`. */
export function declaredResponse(op: Operation, status: number): { key: string; schema: Schema | null } | null {
  const keys = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default'];
  for (const key of keys) {
    const response = op.responses[key];
    if (response) return { key, schema: response.content?.['application/json']?.schema ?? null };
  }
  return null;
}
