// Stage parameter templates (src/engine/retrievers/template.ts): namespaces, access, filters,
// type preservation, interpolation, and what a template may never reach.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestError } from '../src/engine/errors.ts';
import { checkTemplates, compileTemplate, renderTemplate, renderValue, TemplateError, type TemplateScope } from '../src/engine/retrievers/template.ts';

const scope: TemplateScope = {
  INPUT: { query: 'Red Apples', k: 5, tags: ['a', 'b', 'c'], nested: { list: [{ name: 'x' }, { name: 'y' }] }, flag: false, nothing: null },
  CONTEXT: { budget_remaining: 12.5 },
  STAGE: { index: 2 },
  DOC: { title: 'T' },
};

describe('retriever templates', () => {
  test('namespaces are case-insensitive; an exact expression keeps its type', () => {
    assert.equal(renderTemplate('{{INPUT.query}}', scope), 'Red Apples');
    assert.equal(renderTemplate('{{ inputs.query }}', scope), 'Red Apples');
    assert.equal(renderTemplate('{{input.k}}', scope), 5);
    assert.deepEqual(renderTemplate('{{INPUT.tags}}', scope), ['a', 'b', 'c']);
    assert.deepEqual(renderTemplate('{{INPUT.nested}}', scope), scope.INPUT.nested);
    assert.equal(renderTemplate('{{INPUT.flag}}', scope), false);
    assert.equal(renderTemplate('{{context.budget_remaining}}', scope), 12.5);
    assert.equal(renderTemplate('{{Stage.index}}', scope), 2);
    assert.equal(renderTemplate('{{doc.title}}', scope), 'T');
  });

  test('dot, bracket and index access; negative indexes count from the end', () => {
    assert.equal(renderTemplate('{{INPUT.tags[0]}}', scope), 'a');
    assert.equal(renderTemplate('{{INPUT.tags[-1]}}', scope), 'c');
    assert.equal(renderTemplate('{{INPUT["query"]}}', scope), 'Red Apples');
    assert.equal(renderTemplate("{{INPUT.nested['list'][1].name}}", scope), 'y');
    assert.equal(renderTemplate('{{INPUT.nested.list.0.name}}', scope), 'x');
  });

  test('filters and chains', () => {
    assert.equal(renderTemplate('{{INPUT.tags | first}}', scope), 'a');
    assert.equal(renderTemplate('{{INPUT.tags | last | upper}}', scope), 'C');
    assert.equal(renderTemplate('{{INPUT.tags | join(", ")}}', scope), 'a, b, c');
    assert.equal(renderTemplate('{{INPUT.tags | join}}', scope), 'abc');
    assert.equal(renderTemplate('{{INPUT.tags | length}}', scope), 3);
    assert.equal(renderTemplate('{{INPUT.query | lower}}', scope), 'red apples');
    assert.equal(renderTemplate('{{INPUT.missing | default("x")}}', scope), 'x');
    assert.equal(renderTemplate('{{INPUT.nothing | default(7)}}', scope), 7);
    assert.equal(renderTemplate('{{INPUT.k | default(1)}}', scope), 5);
    assert.equal(renderTemplate('{{INPUT.nested | tojson}}', scope), JSON.stringify(scope.INPUT.nested));
    assert.equal(renderTemplate('{{ "lit" | upper }}', scope), 'LIT');
  });

  test('mixed strings interpolate; unknown inputs are undefined alone and empty inside text', () => {
    assert.equal(renderTemplate('q: {{INPUT.query}} (k={{INPUT.k}}, {{INPUT.flag}})', scope), 'q: Red Apples (k=5, false)');
    assert.equal(renderTemplate('{{INPUT.unknown}}', scope), undefined);
    assert.equal(renderTemplate('[{{INPUT.unknown}}]', scope), '[]');
    assert.equal(renderTemplate('{{INPUT.tags}}!', scope), '["a","b","c"]!');
    assert.equal(renderTemplate('{{INPUT.query.deeper}}', scope), undefined);
  });

  test('renderValue walks objects and lists and drops members that render to undefined', () => {
    const out = renderValue({ a: '{{INPUT.k}}', b: ['{{INPUT.query}}', 1], c: { d: '{{INPUT.unknown}}', e: 'plain' } }, scope);
    assert.deepEqual(out, { a: 5, b: ['Red Apples', 1], c: { e: 'plain' } });
  });

  test('prototypes, constructors and functions are unreachable', () => {
    for (const source of ['{{INPUT.__proto__}}', '{{INPUT.constructor}}', '{{INPUT.query.constructor.prototype}}', '{{INPUT["__proto__"]}}', '{{INPUT["constructor"]}}']) {
      assert.throws(() => compileTemplate(source), TemplateError, source);
    }
    // Own properties of plain objects only: a string's length or an array's methods are not reachable by path.
    assert.equal(renderTemplate('{{INPUT.query.length}}', scope), undefined);
    assert.equal(renderTemplate('{{INPUT.tags.map}}', scope), undefined);
    assert.equal(renderTemplate('{{INPUT.toString}}', scope), undefined);
    assert.equal(renderTemplate('{{INPUT.hasOwnProperty}}', scope), undefined);
  });

  test('anything but paths, literals and filters is refused, naming the parameter', () => {
    const bad = ['{{INPUT.a > 1 ? 2 : 3}}', '{{20 * inputs.page_size}}', '{% if x %}y{% endif %}', '{{INPUT.a | nope}}', '{{SECRET.key}}', '{{ }}', '{{INPUT.a', '{{process.env}}', '{{INPUT.a | join(1, 2)}}', '{{INPUT.a()}}'];
    for (const source of bad) assert.throws(() => compileTemplate(source), TemplateError, source);
    assert.throws(
      () => checkTemplates({ searches: [{ query: '{{INPUT.q | bogus}}' }] }, 'stages[0].config.parameters'),
      (err: unknown) => err instanceof BadRequestError && err.message.startsWith('stages[0].config.parameters.searches[0].query:'),
    );
  });

  test('sizes are bounded', () => {
    assert.throws(() => compileTemplate('x'.repeat(10_001)), TemplateError);
    assert.throws(() => compileTemplate('{{INPUT.a}}'.repeat(51)), TemplateError);
    const big: TemplateScope = { INPUT: { list: Array.from({ length: 20_000 }, () => 'abcdefghij') }, CONTEXT: {}, STAGE: {} };
    assert.throws(() => renderTemplate('{{INPUT.list | join(",")}}', big), TemplateError);
  });
});
