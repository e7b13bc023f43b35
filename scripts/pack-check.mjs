// Checks the npm tarball as users meet it, from `npm pack --dry-run --json` (run after `npm run build`):
//   - its size stays within budget (packed and unpacked);
//   - no source map ships (the minified files' maps stay local; the npm builds are unminified);
//   - LICENSE, README.md and every file package.json "exports" names are in it;
//   - every relative link in README.md and the packed docs/ resolves to a packed file, so the
//     links work on the npm page and in node_modules (no link to a file outside the package).
// Usage: node scripts/pack-check.mjs [--json]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, normalize } from 'node:path';

/**
 * Budgets in bytes. Measured 2026-11-30 on branch doors: 285,891 packed, 855,833 unpacked (223 files;
 * main had 639,921 / 2,133,672 with 1,584,423 of source maps). Raised the same day after the decision
 * log, the learning docs and the stage split merged: 338,686 packed, 1,013,335 unpacked (256 files,
 * of which types 314,632 — each declaration ships as .d.ts and .d.cts); headroom ~4 %.
 */
export const PACK_BUDGET = { packed: 376 * 1024, unpacked: 1136 * 1024 };

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const packed = new Set(pack.files.map((f) => f.path));
const problems = [];

if (pack.size > PACK_BUDGET.packed) problems.push(`tarball is ${pack.size} B, over its budget of ${PACK_BUDGET.packed} B`);
if (pack.unpackedSize > PACK_BUDGET.unpacked) problems.push(`unpacked package is ${pack.unpackedSize} B, over its budget of ${PACK_BUDGET.unpacked} B`);
for (const file of packed) if (file.endsWith('.map')) problems.push(`${file}: source maps stay out of the tarball`);
for (const file of ['LICENSE', 'README.md', 'package.json']) if (!packed.has(file)) problems.push(`${file} is not packed`);

/** Every file path named by package.json "exports", however deeply the conditions nest. */
function targets(entry) {
  return typeof entry === 'string' ? [entry] : Object.values(entry).flatMap(targets);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
for (const target of targets(pkg.exports)) {
  const file = normalize(target);
  if (!packed.has(file)) problems.push(`exports names ${target}, which is not packed (run npm run build first?)`);
}

// Markdown links: [text](target) with a relative target; anchors and absolute URLs are left to the reader.
const LINK = /\]\(([^)\s]+)\)/g;
for (const doc of [...packed].filter((f) => f.endsWith('.md'))) {
  for (const [, target] of readFileSync(doc, 'utf8').matchAll(LINK)) {
    if (/^([a-z][a-z0-9+.-]*:|#)/i.test(target)) continue;
    const file = normalize(`${dirname(doc)}/${target.replace(/#.*$/, '')}`);
    if (!packed.has(file)) problems.push(`${doc} links to ${target}, which is not in the package`);
  }
}

if (process.argv.includes('--json')) console.log(JSON.stringify({ size: pack.size, unpackedSize: pack.unpackedSize, files: packed.size, budget: PACK_BUDGET, problems }, null, 2));
else console.log(`npm tarball: ${pack.size} B packed (budget ${PACK_BUDGET.packed}), ${pack.unpackedSize} B unpacked (budget ${PACK_BUDGET.unpacked}), ${packed.size} files`);
if (problems.length) {
  for (const problem of problems) console.error(`pack-check: ${problem}`);
  process.exit(1);
}
