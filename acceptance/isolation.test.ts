// The acceptance suite must see Tessera only from the outside: no module here may import the
// implementation (src/) or the unit tests' helpers (test/), or it would pass on shared mistakes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

test('acceptance/ imports nothing from src/ or test/', () => {
  const files = fs.readdirSync(here).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const source = fs.readFileSync(path.join(here, file), 'utf8');
    const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    for (const specifier of specifiers) {
      const allowed = specifier.startsWith('node:') || (specifier.startsWith('./') && !specifier.includes('..'));
      assert.ok(allowed, `${file} imports ${specifier}: only node: built-ins and siblings in acceptance/ are allowed`);
    }
  }
});
