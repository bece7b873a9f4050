// JSON texts that JSON.stringify cannot produce: `1e309`, bare `NaN`, duplicated keys, escapes of
// lone surrogates, nesting deeper than JSON.stringify's stack allows. A generated body is a tree of
// ordinary values with `RawJson` leaves and `RawObject` nodes; `toJsonText` writes it out.
import fc from 'fast-check';

/** A piece of JSON text inserted verbatim where a value goes. */
export class RawJson {
  constructor(readonly text: string) {}
  // Counterexamples print the text itself, not a class dump (long texts are cut).
  [fc.toStringMethod](): string {
    return `raw(${this.text.length > 200 ? `${this.text.slice(0, 200)}…[${this.text.length} chars]` : this.text})`;
  }
}

/** An object whose entries are written in order, so a key may appear twice. */
export class RawObject {
  constructor(readonly entries: [string, unknown][]) {}
  [fc.toStringMethod](): string {
    return `rawObject(${fc.stringify(this.entries)})`;
  }
}

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof RawObject) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${parts.join(',')}}`;
  }
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return JSON.stringify(value) ?? 'null';
}

/** Nesting built as text: JSON.stringify itself overflows the stack at a few thousand levels. */
export function deeplyNested(depth: number, kind: 'object' | 'array'): RawJson {
  return kind === 'object' ? new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) : new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
}

/** A flat object with many keys, built as text for speed. */
export function wideObject(keys: number): RawJson {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`"k${i}":${i}`);
  return new RawJson(`{${parts.join(',')}}`);
}

/** Number tokens that no JS number serializes to, plus JSON's own edge spellings. */
export const RAW_NUMBER_TOKENS = [
  '1e309',
  '-1e309',
  '1E400',
  'NaN',
  'Infinity',
  '-Infinity',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1' + '0'.repeat(400),
  '1e-400',
  '-0',
  '-0.0',
  '0.0',
  '1.0',
  '1e2',
  '2.5e0',
  '0x10',
  '01',
  '+1',
  '.5',
  '1.',
];

/** Tokens in other places a value goes: literals JSON does not have, strings with lone surrogates. */
export const RAW_VALUE_TOKENS = ['undefined', 'None', 'True', "'single'", '"\\ud800"', '"\\udc00x"', '"\\u0000"', '"a\\u0000b"', '"\\/"', '{}', '[]', '""'];
