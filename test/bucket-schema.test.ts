// Bucket schemas, unique keys and object fields: the pure domain rules the bucket and object
// services call (SPEC §7, §8).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketSchemaToJson, normaliseBucketSchema, RESERVED_FIELD_NAMES } from '../src/engine/buckets/bucket-schema.ts';
import { normaliseUniqueKey, resolveUniqueKeyPolicy } from '../src/engine/buckets/unique-key.ts';
import { assertRequiredBlobs, collectUserFields, uniqueKeyValue, validateObjectFields } from '../src/engine/objects/object-fields.ts';
import { BadRequestError } from '../src/engine/errors.ts';

/** Asserts a 400 whose details name `path` (details.field, or one of details.errors[].path). */
function rejects400(fn: () => unknown, path: string | RegExp): BadRequestError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof BadRequestError, `expected a BadRequestError, got ${String(caught)}`);
  const d = caught.details as { field?: string; errors?: { path: string }[] };
  const paths = [d.field, ...(d.errors ?? []).map((e) => e.path)].filter((p): p is string => p !== undefined);
  assert.ok(paths.some((p) => (typeof path === 'string' ? p === path : path.test(p))), `no path ${String(path)} in ${JSON.stringify(caught.details)}`);
  return caught;
}

const schema = (properties: Record<string, unknown>) => normaliseBucketSchema({ properties });

describe('bucket_schema', () => {
  test('every type, in any case, normalises to lower case; json means text; document and binary stay', () => {
    const types = ['string', 'NUMBER', 'Integer', 'float', 'boolean', 'object', 'array', 'date', 'DateTime', 'text', 'IMAGE', 'audio', 'Video', 'pdf', 'EXCEL', 'JSON', 'Document', 'binary'];
    const s = schema(Object.fromEntries(types.map((t, i) => [`f${i}`, { type: t }])));
    assert.deepEqual(
      Object.values(s.properties).map((f) => f.type),
      ['string', 'number', 'integer', 'float', 'boolean', 'object', 'array', 'date', 'datetime', 'text', 'image', 'audio', 'video', 'pdf', 'excel', 'text', 'document', 'binary'],
    );
    assert.equal(s.properties.f0!.required, false);
  });

  test('unknown and non-string types are refused, naming the field', () => {
    rejects400(() => schema({ a: { type: 'uuid' } }), 'bucket_schema.properties.a.type');
    rejects400(() => schema({ a: { type: 3 } }), 'bucket_schema.properties.a.type');
    rejects400(() => schema({ a: {} }), 'bucket_schema.properties.a.type');
    rejects400(() => schema({ a: 'string' }), 'bucket_schema.properties.a');
    rejects400(() => normaliseBucketSchema({}), 'bucket_schema.properties');
    rejects400(() => normaliseBucketSchema([]), 'bucket_schema');
  });

  test('reserved and malformed names are refused at the top; reserved names are fine nested', () => {
    for (const name of RESERVED_FIELD_NAMES) rejects400(() => schema({ [name]: { type: 'string' } }), `bucket_schema.properties.${name}`);
    for (const name of ['a.b', '$where', '', 'x'.repeat(256), 'tab\there']) rejects400(() => schema({ [name]: { type: 'string' } }), /^bucket_schema\.properties\./);
    const nested = schema({ info: { type: 'object', properties: { status: { type: 'string' } } } });
    assert.equal(nested.properties.info!.properties!.status!.type, 'string');
    assert.ok(schema({ ['x'.repeat(255)]: { type: 'string' } }));
  });

  test('items, properties, enum, default, required, description and examples are checked and kept', () => {
    const s = schema({
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, description: 'Tags', examples: [['a']] },
      address: { type: 'object', properties: { city: { type: 'string', required: true } }, required: true },
      rating: { type: 'integer', enum: [1, 2, 3], default: 2, ui_hint: 'stars' },
      when: { type: 'date', default: '2024-02-29' },
      note: { type: 'string', default: null, enum: null, items: null, required: null },
    });
    assert.deepEqual(s.properties.tags!.items, { type: 'string', required: false, enum: ['a', 'b'] });
    assert.equal(s.properties.address!.properties!.city!.required, true);
    assert.deepEqual(s.properties.rating!.extra, { ui_hint: 'stars' });
    assert.deepEqual(s.properties.note, { type: 'string', required: false });
    // The stored JSON reads back to the same schema.
    assert.deepEqual(normaliseBucketSchema(bucketSchemaToJson(s)), s);
    assert.equal((bucketSchemaToJson(s).properties.rating as { ui_hint: string }).ui_hint, 'stars');
  });

  test('options that do not fit the type are refused', () => {
    rejects400(() => schema({ a: { type: 'string', items: { type: 'string' } } }), 'bucket_schema.properties.a.items');
    rejects400(() => schema({ a: { type: 'array', properties: {} } }), 'bucket_schema.properties.a.properties');
    rejects400(() => schema({ a: { type: 'integer', enum: [1, 1.5] } }), 'bucket_schema.properties.a.enum[1]');
    rejects400(() => schema({ a: { type: 'object', enum: [{}] } }), 'bucket_schema.properties.a.enum');
    rejects400(() => schema({ a: { type: 'string', enum: [] } }), 'bucket_schema.properties.a.enum');
    rejects400(() => schema({ a: { type: 'integer', enum: [1, 2], default: 3 } }), 'bucket_schema.properties.a.default');
    rejects400(() => schema({ a: { type: 'date', default: '2023-02-29' } }), 'bucket_schema.properties.a.default');
    rejects400(() => schema({ a: { type: 'image', default: 'x' } }), 'bucket_schema.properties.a.default');
    rejects400(() => schema({ a: { type: 'string', required: 'yes' } }), 'bucket_schema.properties.a.required');
    rejects400(() => schema({ a: { type: 'object', properties: { img: { type: 'image' } } } }), 'bucket_schema.properties.a.properties.img.type');
    rejects400(() => schema({ a: { type: 'array', items: { type: 'video' } } }), 'bucket_schema.properties.a.items.type');
  });

  test('the number of fields and their depth are bounded', () => {
    assert.ok(schema(Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`f${i}`, { type: 'string' }]))));
    rejects400(() => schema(Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, { type: 'string' }]))), 'bucket_schema.properties.f256');
    const nest = (levels: number): Record<string, unknown> => (levels === 1 ? { type: 'string' } : { type: 'array', items: nest(levels - 1) });
    assert.ok(schema({ deep: nest(8) }));
    rejects400(() => schema({ deep: nest(9) }), /^bucket_schema\.properties\.deep(\.items)+$/);
    rejects400(() => schema({ deep: nest(5000) }), 'bucket_schema');
  });
});

describe('unique_key', () => {
  const s = schema({ sku: { type: 'string' }, size: { type: 'integer' }, meta: { type: 'object' }, photo: { type: 'image' } });

  test('scalar top-level fields with an optional default policy', () => {
    assert.deepEqual(normaliseUniqueKey({ fields: ['sku', 'size'], default_policy: 'UPSERT' }, s), { fields: ['sku', 'size'], defaultPolicy: 'upsert' });
    assert.deepEqual(normaliseUniqueKey({ fields: ['sku'] }, s), { fields: ['sku'], defaultPolicy: null });
    assert.equal(normaliseUniqueKey(null, s), null);
  });

  test('empty, unknown, non-scalar, blob, repeated fields and bad policies are refused', () => {
    rejects400(() => normaliseUniqueKey({ fields: [] }, s), 'unique_key.fields');
    rejects400(() => normaliseUniqueKey({}, s), 'unique_key.fields');
    rejects400(() => normaliseUniqueKey({ fields: ['nope'] }, s), 'unique_key.fields[0]');
    rejects400(() => normaliseUniqueKey({ fields: ['sku', 'meta'] }, s), 'unique_key.fields[1]');
    rejects400(() => normaliseUniqueKey({ fields: ['photo'] }, s), 'unique_key.fields[0]');
    rejects400(() => normaliseUniqueKey({ fields: ['sku', 'sku'] }, s), 'unique_key.fields[1]');
    rejects400(() => normaliseUniqueKey({ fields: [''] }, s), 'unique_key.fields[0]');
    rejects400(() => normaliseUniqueKey({ fields: ['sku'], default_policy: 'replace' }, s), 'unique_key.default_policy');
  });

  test('policy: ?policy= first, then default_policy, else 400; none without a unique key', () => {
    const withDefault = { fields: ['sku'], defaultPolicy: 'insert' as const };
    const without = { fields: ['sku'], defaultPolicy: null };
    assert.equal(resolveUniqueKeyPolicy('update', withDefault), 'update');
    assert.equal(resolveUniqueKeyPolicy(undefined, withDefault), 'insert');
    assert.equal(resolveUniqueKeyPolicy('Upsert', without), 'upsert');
    assert.throws(() => resolveUniqueKeyPolicy(undefined, without), (e: unknown) => e instanceof BadRequestError && e.status === 400);
    rejects400(() => resolveUniqueKeyPolicy('merge', without), 'policy');
    assert.equal(resolveUniqueKeyPolicy('insert', null), null);
  });
});

describe('object fields', () => {
  const s = schema({
    title: { type: 'string', required: true },
    count: { type: 'integer' },
    price: { type: 'number' },
    day: { type: 'date' },
    at: { type: 'datetime' },
    color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
    dims: { type: 'object', properties: { w: { type: 'float', required: true } } },
    tags: { type: 'array', items: { type: 'string' } },
    photo: { type: 'image', required: true },
  });

  test('declared fields are type-checked, undeclared ones kept, defaults filled on create', () => {
    const out = validateObjectFields(s, { title: 't', count: 3, price: 2.5, day: '2024-01-31', at: '2024-01-31T10:00:00.123+02:00', dims: { w: 1, extra: true }, tags: ['a'], free_form: { any: [1] } }, 'create');
    assert.equal(out.color, 'red');
    assert.deepEqual(out.free_form, { any: [1] });
  });

  test('each kind of mismatch is a 400 naming the path', () => {
    const base = { title: 't' };
    rejects400(() => validateObjectFields(s, { ...base, count: 1.5 }, 'create'), 'count');
    rejects400(() => validateObjectFields(s, { ...base, price: '2' }, 'create'), 'price');
    rejects400(() => validateObjectFields(s, { ...base, day: '2024-13-01' }, 'create'), 'day');
    rejects400(() => validateObjectFields(s, { ...base, at: '2024-01-31' }, 'create'), 'at');
    rejects400(() => validateObjectFields(s, { ...base, at: '2024-01-31T25:00:00Z' }, 'create'), 'at');
    rejects400(() => validateObjectFields(s, { ...base, color: 'green' }, 'create'), 'color');
    rejects400(() => validateObjectFields(s, { ...base, dims: {} }, 'create'), 'dims.w');
    rejects400(() => validateObjectFields(s, { ...base, tags: ['a', 2] }, 'create'), 'tags[1]');
    rejects400(() => validateObjectFields(s, { ...base, photo: 'https://x/y.png' }, 'create'), 'photo');
    rejects400(() => validateObjectFields(s, {}, 'create'), 'title');
    rejects400(() => validateObjectFields(s, { title: null }, 'update'), 'title');
    rejects400(() => validateObjectFields(s, { ...base, object_id: 'obj_x' }, 'create'), 'object_id');
    rejects400(() => validateObjectFields(s, { ...base, 'a.b': 1 }, 'create'), 'a.b');
  });

  test('update checks only what it is given', () => {
    assert.deepEqual(validateObjectFields(s, { count: 4 }, 'update'), { count: 4 });
  });

  test('metadata members join the flat fields; a conflicting value is a 400', () => {
    assert.deepEqual(collectUserFields({ key_prefix: '/p', blobs: [], title: 't', metadata: { year: 2024, title: 't' } }), { title: 't', year: 2024 });
    rejects400(() => collectUserFields({ title: 't', metadata: { title: 'u' } }), 'title');
    rejects400(() => collectUserFields({ metadata: [1] }), 'metadata');
  });

  test('required blob fields must be filled', () => {
    assertRequiredBlobs(s, ['photo']);
    rejects400(() => assertRequiredBlobs(s, []), 'blobs[property=photo]');
  });

  test('the unique-key value is stable across field order and requires non-empty scalars', () => {
    const a = uniqueKeyValue({ fields: ['title', 'count'], defaultPolicy: null }, { count: 1, title: 'x', other: 2 });
    const b = uniqueKeyValue({ fields: ['count', 'title'], defaultPolicy: null }, { title: 'x', count: 1 });
    assert.equal(a, b);
    assert.notEqual(a, uniqueKeyValue({ fields: ['title', 'count'], defaultPolicy: null }, { count: '1', title: 'x' }));
    rejects400(() => uniqueKeyValue({ fields: ['title'], defaultPolicy: null }, {}), 'title');
    rejects400(() => uniqueKeyValue({ fields: ['title'], defaultPolicy: null }, { title: '' }), 'title');
    rejects400(() => uniqueKeyValue({ fields: ['title'], defaultPolicy: null }, { title: 'x'.repeat(256) }), 'title');
  });
});
