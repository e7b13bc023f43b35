// Prints what each build weighs (raw, gzip, brotli) and fails when a budget is exceeded.
// Usage: node scripts/size.mjs [--json] [--report-only] [--ceilings] [--readme]
//   --report-only  print, never fail
//   --ceilings     fail only above the ceilings (the sizes reached so far, which only go down),
//                  not above the budgets: what `npm test`, and so CI, runs while the build is
//                  still over its budgets, so that nothing makes it bigger meanwhile
//   --readme       rewrite the figures of README.md's size table from this build
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { measureNpmApp } from './npm-app-size.mjs';

const CORE = 'dist/onetoone.min.js';
const DIALOG = 'dist/onetoone-dialog.min.js';
const STAGE = 'dist/onetoone-stage.min.js';

/** Pseudo-file: an npm app importing only `init` and `track`, bundled and minified (scripts/npm-app-size.mjs). */
const NPM_APP = 'npm app (init + track)';

/** Budgets in bytes of brotli (issue #16): one file, or the sum of several. */
export const BUDGETS = [
  { label: 'script-tag core (the first file)', files: [CORE], bytes: 7 * 1024, ceiling: 9_711 },
  { label: 'everything a script-tag site loads (core + second stage + offer dialog)', files: [CORE, STAGE, DIALOG], bytes: 20 * 1024, ceiling: 30_649 },
  { label: 'an npm app importing init and track', files: [NPM_APP], bytes: 20 * 1024, ceiling: 26_009 },
];

function weigh(file) {
  const body = readFileSync(file);
  return {
    file,
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const rows = readdirSync('dist').filter((f) => /\.(c?js)$/.test(f)).map((f) => weigh(`dist/${f}`));
const npmApp = await measureNpmApp('dist');
const brotliOf = (file) => (file === NPM_APP ? npmApp.brotli : rows.find((r) => r.file === file)?.brotli ?? 0);
const budgets = BUDGETS.map((b) => {
  const brotli = b.files.reduce((sum, f) => sum + brotliOf(f), 0);
  return { ...b, brotli, over: brotli > b.bytes, overCeiling: brotli > b.ceiling };
});
const ceilingsOnly = process.argv.includes('--ceilings');

if (process.argv.includes('--readme')) {
  const fmt = (n) => n.toLocaleString('en-US');
  const readme = readFileSync('README.md', 'utf8').split('\n').map((line) => {
    const match = /^\| `(dist\/[^`]+)`([^|]*)\| [\d,]+ \| [\d,]+ \| [\d,]+ \|(.*)$/.exec(line);
    const row = match && rows.find((r) => r.file === match[1]);
    return row ? `| \`${row.file}\`${match[2]}| ${fmt(row.raw)} | ${fmt(row.gzip)} | ${fmt(row.brotli)} |${match[3]}` : line;
  });
  writeFileSync('README.md', readme.join('\n'));
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows, budgets }, null, 2));
} else {
  console.log('| file | raw | gzip | brotli |');
  console.log('| --- | --: | --: | --: |');
  for (const r of rows) console.log(`| ${r.file} | ${r.raw} | ${r.gzip} | ${r.brotli} |`);
  console.log('\n| budget | brotli | budget | status | ceiling |\n| --- | --: | --: | --- | --: |');
  for (const b of budgets) console.log(`| ${b.label} | ${b.brotli} | ${b.bytes} | ${b.over ? `OVER by ${b.brotli - b.bytes}` : 'ok'} | ${b.ceiling} |`);
}
const over = budgets.filter((b) => (ceilingsOnly ? b.overCeiling : b.over));
if (over.length && !process.argv.includes('--report-only')) {
  for (const b of over) {
    console.error(ceilingsOnly
      ? `${b.label}: ${b.brotli} B brotli is above its ceiling of ${b.ceiling} B (the size reached so far): make it smaller, or if the growth is worth it, raise the ceiling in scripts/size.mjs with a note in the commit`
      : `${b.label}: ${b.brotli} B brotli exceeds its budget of ${b.bytes} B`);
  }
  process.exit(1);
}
