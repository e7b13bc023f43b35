// Writes a CommonJS twin (`.d.cts`) beside every declaration file in dist/types, so TypeScript
// users who `require('onetoone')` (a `.cts` file, or `module: node16` without `"type": "module"`)
// get types that describe dist/index.cjs rather than ESM-only ones (TS1479). Relative specifiers
// `./x.js` become `./x.cjs`, so each twin resolves to its own `.d.cts` sibling.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = 'dist/types';
const RELATIVE = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.js(['"])/g;

function* declarations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarations(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

let count = 0;
for (const file of declarations(ROOT)) {
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), readFileSync(file, 'utf8').replace(RELATIVE, '$1$2.cjs$3'));
  count++;
}
if (!count) throw new Error(`no declarations under ${ROOT}: run tsc -p tsconfig.build.json first`);
