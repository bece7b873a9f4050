// Regenerates the generated tables of docs/limits-and-credits.md from the operations catalogue and
// the tier table: `npm run docs:limits`. test/limits-doc.test.ts fails when the doc drifts.
import fs from 'node:fs';
import { renderLimitTables } from './limits-tables.ts';

const path = 'docs/limits-and-credits.md';
const doc = fs.readFileSync(path, 'utf8');
const start = '<!-- generated:begin -->';
const end = '<!-- generated:end -->';
const [head, rest] = doc.split(start);
const tail = rest?.split(end)[1];
if (head === undefined || tail === undefined) throw new Error(`${path} lacks the ${start} / ${end} markers`);
fs.writeFileSync(path, `${head}${start}\n${renderLimitTables()}${end}${tail}`);
console.log(`${path} updated`);
