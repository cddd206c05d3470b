// Renders the problem catalogue (src/errors.ts) into docs/api.md between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withProblemCatalogue } from '../src/api/problemDocs.js';

const page = fileURLToPath(new URL('../../../docs/api.md', import.meta.url));
writeFileSync(page, withProblemCatalogue(readFileSync(page, 'utf8')));
console.log(`wrote the problem catalogue into ${page}`);
