// Prints what each build weighs (raw, gzip, brotli) and fails when a budget is exceeded.
// Usage: node scripts/size.mjs [--json] [--report-only]
import { readFileSync, readdirSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Budgets in bytes of brotli; see the README's size section. */
export const BUDGETS = {
  'dist/onetoone.min.js': 7 * 1024,
};

function weigh(file) {
  const body = readFileSync(file);
  return {
    file,
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const files = readdirSync('dist').filter((f) => /\.(c?js)$/.test(f)).map((f) => `dist/${f}`);
const rows = files.map(weigh);
const failures = rows.filter((r) => BUDGETS[r.file] !== undefined && r.brotli > BUDGETS[r.file]);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ rows, budgets: BUDGETS }, null, 2));
} else {
  console.log('| file | raw | gzip | brotli | budget (brotli) |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const r of rows) {
    const budget = BUDGETS[r.file];
    console.log(`| ${r.file} | ${r.raw} | ${r.gzip} | ${r.brotli} | ${budget === undefined ? '' : budget + (r.brotli > budget ? ' OVER' : ' ok')} |`);
  }
}
if (failures.length && !process.argv.includes('--report-only')) {
  for (const f of failures) console.error(`${f.file}: ${f.brotli} B brotli exceeds its budget of ${BUDGETS[f.file]} B`);
  process.exit(1);
}
