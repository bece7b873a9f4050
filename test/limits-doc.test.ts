import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { renderLimitTables } from '../scripts/limits-tables.ts';
import path from 'node:path';
import { REPO_ROOT } from './helpers/run-node.ts';

test('docs/limits-and-credits.md shows the catalogue and tier tables as the code has them (run `npm run docs:limits`)', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/limits-and-credits.md'), 'utf8');
  const generated = doc.split('<!-- generated:begin -->\n')[1]?.split('<!-- generated:end -->')[0];
  assert.equal(generated, renderLimitTables());
});
