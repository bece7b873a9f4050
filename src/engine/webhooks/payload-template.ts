// payload_template (Mixpeek: a Jinja2 template of the JSON payload). Tessera renders a subset: in
// every string of the template object, `{{ name }}` is replaced by the event's value at that path
// (event_id, event_type, occurred_at, namespace_id, subject.id, metadata.<field>, cache_scope.scope,
// `event` for the whole event). A string that is exactly one placeholder takes the value with its
// JSON type; inside other text, objects are written as JSON. Unknown names render as empty (Jinja's
// default). Filters, conditions and loops are not supported: they are left as written.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;
const MAX_DEPTH = 32;

function lookup(event: Record<string, unknown>, path: string): unknown {
  if (path === 'event') return event;
  let value: unknown = event;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function renderString(template: string, event: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(template);
  if (whole) return lookup(event, whole[1]!) ?? null;
  return template.replace(PLACEHOLDER, (_, path: string) => {
    const value = lookup(event, path);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

export function renderTemplate(template: unknown, event: Record<string, unknown>, depth = 0): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof template === 'string') return renderString(template, event);
  if (Array.isArray(template)) return template.map((t) => renderTemplate(t, event, depth + 1));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, event, depth + 1)]));
  }
  return template;
}
