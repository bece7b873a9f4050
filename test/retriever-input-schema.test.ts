// Execute inputs against a retriever's input_schema (src/engine/retrievers/input-schema.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../src/engine/errors.ts';
import { validateInputs } from '../src/engine/retrievers/input-schema.ts';
import type { RetrieverInputField } from '../src/engine/retrievers/types.ts';

const f = (type: string, required = false, extra: Partial<RetrieverInputField> = {}): RetrieverInputField => ({ type, required, ...extra });

function failure(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err;
  }
  assert.fail('expected a ValidationError');
}

describe('retriever input schema', () => {
  test('required inputs, defaults, optional inputs absent, undeclared inputs kept', () => {
    const schema = { query: f('text', true), k: f('integer', false, { default: 10 }), lang: f('string') };
    assert.deepEqual(validateInputs(schema, { query: 'q', extra: { a: 1 } }), { query: 'q', k: 10, extra: { a: 1 } });
    assert.deepEqual(validateInputs({ k: f('integer', true, { default: 3 }) }, {}), { k: 3 });
    const err = failure(() => validateInputs(schema, { k: 'x' }));
    assert.equal(err.status, 422);
    assert.equal(err.type, 'ValidationError');
    const items = (err.details as { validation_errors: { type: string; location: unknown[] }[] }).validation_errors;
    assert.deepEqual(
      items.map((i) => [i.type, i.location]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [['int_type', ['body', 'inputs', 'k']], ['missing', ['body', 'inputs', 'query']]],
    );
    assert.equal(err.items.length, 2);
    assert.deepEqual(validateInputs({}, null), {});
    assert.throws(() => validateInputs({}, [1]), ValidationError);
  });

  test('types as Mixpeek clients write them', () => {
    const ok: [string, unknown, unknown][] = [
      ['text', 'hello', 'hello'],
      ['string', '', ''],
      ['integer', 5, 5],
      ['integer', '42', 42],
      ['number', 2.5, 2.5],
      ['float', '-1e3', -1000],
      ['boolean', true, true],
      ['image', 'https://example.com/a.png', 'https://example.com/a.png'],
      ['video', 's3://bucket/key.mp4', 's3://bucket/key.mp4'],
      ['pdf', 'JVBERi0xLjQK', 'JVBERi0xLjQK'],
      ['url', 'http://x.test/a', 'http://x.test/a'],
      ['object', { a: 1 }, { a: 1 }],
      ['json', [1, 'x'], [1, 'x']],
      ['array', [1, 2], [1, 2]],
      ['date', '2024-05-01', '2024-05-01'],
      ['datetime', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z'],
      ['datetime', '2024-05-01T10:00:00.123+02:00', '2024-05-01T10:00:00.123+02:00'],
      ['document_reference', { collection_id: 'col_a', document_id: 'doc_b', junk: 1 }, { collection_id: 'col_a', document_id: 'doc_b' }],
    ];
    for (const [type, value, expected] of ok) assert.deepEqual(validateInputs({ v: f(type, true) }, { v: value }).v, expected, `${type} ${JSON.stringify(value)}`);
    const bad: [string, unknown][] = [
      ['text', 5],
      ['integer', 2.5],
      ['integer', 'abc'],
      ['integer', 1e16],
      ['number', 'NaN'],
      ['boolean', 'true'],
      ['image', 'not a url or base64!'],
      ['url', 'ftp:/x'],
      ['object', [1]],
      ['array', { a: 1 }],
      ['date', '2024-13-45'],
      ['date', '01/05/2024'],
      ['datetime', 'yesterday'],
      ['document_reference', { collection_id: 'col_a' }],
      ['document_reference', 'doc_b'],
    ];
    for (const [type, value] of bad) assert.throws(() => validateInputs({ v: f(type, true) }, { v: value }), ValidationError, `${type} ${JSON.stringify(value)}`);
  });

  test('sizes are bounded everywhere, declared or not', () => {
    assert.throws(() => validateInputs({ q: f('text') }, { q: 'x'.repeat(100_001) }), ValidationError);
    assert.throws(() => validateInputs({}, { other: ['x'.repeat(100_001)] }), ValidationError);
    assert.throws(() => validateInputs({ a: f('array') }, { a: Array.from({ length: 10_001 }, () => 1) }), ValidationError);
    assert.throws(() => validateInputs({}, Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]))), ValidationError);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    assert.throws(() => validateInputs({}, { deep }), ValidationError);
    assert.throws(() => validateInputs({ o: f('object') }, { o: { n: Infinity } }), ValidationError);
  });
});

describe('a ValidationError on the wire', () => {
  test('renders the envelope with details.validation_errors and the FastAPI-style detail array', async () => {
    const { default: Fastify } = await import('fastify');
    const { installErrorHandlers } = await import('../src/api/errors/error-handler.ts');
    const app = Fastify();
    installErrorHandlers(app, () => []);
    app.post('/x', async () => validateInputs({ query: f('text', true) }, {}));
    try {
      const res = await app.inject({ method: 'POST', url: '/x', payload: {} });
      assert.equal(res.statusCode, 422);
      const body = res.json();
      assert.equal(body.success, false);
      assert.equal(body.error.type, 'ValidationError');
      assert.deepEqual(body.error.details.validation_errors, [{ type: 'missing', location: ['body', 'inputs', 'query'], message: 'Field required' }]);
      assert.deepEqual(body.detail, [{ loc: ['body', 'inputs', 'query'], msg: 'Field required', type: 'missing' }]);
    } finally {
      await app.close();
    }
  });
});
