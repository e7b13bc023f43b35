#!/usr/bin/env node
// Where a script-tag file's bytes come from: each module's rendered code (after tree-shaking), minified
// alone with the build's terser settings. Module sizes do not add up to the file's size exactly (names
// and whitespace shared across modules), but they rank what to cut.
// Usage: node scripts/size-breakdown.mjs [core|stage|dialog|npm] [--top N]
import { rollup } from 'rollup';
import { minify } from 'terser';
import { relative } from 'node:path';
import config from '../rollup.config.mjs';

const which = process.argv[2] ?? 'core';
const inputs = { core: 'src/script-tag.ts', stage: 'src/stage/stage-entry.ts', dialog: 'src/render/dialog-entry.ts' };
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 40;
const options = config.find((c) => c.input === inputs[which]);
const bundle = await rollup({ input: options.input, plugins: options.plugins.filter((p) => p.name !== 'terser'), onwarn: () => undefined });
const { output } = await bundle.generate({ format: 'iife', name: 'X' });
const rows = [];
for (const [id, mod] of Object.entries(output[0].modules)) {
  if (!mod.code) continue;
  const min = await minify(mod.code, { ecma: 2020, module: false, toplevel: false, compress: { passes: 2, pure_getters: true }, mangle: true });
  rows.push({ module: relative(process.cwd(), id.replace(/^\0lent:/, '')), bytes: min.code?.length ?? 0 });
}
rows.sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((s, r) => s + r.bytes, 0);
console.log(`${which}: ${rows.length} modules, ${total} B minified alone`);
for (const r of rows.slice(0, top)) console.log(String(r.bytes).padStart(6), r.module);
