/**
 * `npm run bench:latency [-- --json]`: decision latency in headless Chromium
 * for 50 candidates and 64 features (p50, p99; the issue #16 target is a
 * single-decision p99 under 0.5 ms), and the bytes the model code adds: the
 * minified + brotli size of the decision path alone (snapshot → decide, what
 * the script tag's first file bundles), of every decision module with the
 * validator, reducer and view, and of the same at the foundation commit.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const FOUNDATION = 'be440d8';
const CORE = ['context', 'decide', 'events', 'features', 'field', 'merge', 'model', 'offer', 'profile', 'view'];
/** p99 target of one decision, 50 candidates × 64 features (issue #16). */
const TARGET_P99_MS = 0.5;

async function bundle(entry: string, format: 'iife' | 'esm'): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format, target: 'es2020', write: false, logLevel: 'error' });
  return result.outputFiles[0]?.text ?? '';
}

const brotli = (text: string): number => brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** Bundles `source` (an entry written to bench/.build) and returns its minified and brotli sizes. */
async function sizeOf(name: string, source: string): Promise<{ minified: number; brotli: number }> {
  mkdirSync('bench/.build', { recursive: true });
  const file = `bench/.build/${name}.ts`;
  writeFileSync(file, source);
  const code = await bundle(file, 'esm');
  return { minified: code.length, brotli: brotli(code) };
}

async function modelBytes() {
  const old = 'bench/.build/foundation-core';
  mkdirSync(old, { recursive: true });
  for (const name of CORE) writeFileSync(`${old}/${name}.ts`, execFileSync('git', ['show', `${FOUNDATION}:src/core/${name}.ts`]));
  writeFileSync(`${old}/model-entry.ts`, `export { decideSlot } from './decide.js'; export { parseModel } from './model.js'; export { viewProfile } from './view.js';`);
  const before = brotli(await bundle(`${old}/model-entry.ts`, 'esm'));
  const core = '../../src/core';
  const decidePath = await sizeOf('decide-path-entry', `export { decideSlot, choose } from '${core}/decide.js';`);
  const all = await sizeOf('model-entry', `export { decideSlot } from '${core}/decide.js'; export { decideOffer } from '${core}/offers.js'; export { recommend } from '${core}/recommend.js'; export { parseModel } from '${core}/model.js'; export { viewProfile } from '${core}/view.js'; export { snapshotOf } from '${core}/snapshot.js';`);
  return { decidePath, foundationBrotli: before, nowBrotli: all.brotli, addedBrotli: all.brotli - before };
}

interface PageResult {
  candidates: number;
  features: number;
  singleMs: { p50: number; p99: number; max: number };
}

async function main(): Promise<void> {
  const script = await bundle('bench/model/latency-page.ts', 'iife');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const runs: PageResult[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      await page.addScriptTag({ content: script });
      runs.push(await page.evaluate(() => (globalThis as unknown as { o2oLatency: () => PageResult }).o2oLatency()));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const result = { chromium: 'headless, 3 fresh pages × (3000 single + 200×50 batched decisions)', runs, bytes: await modelBytes() };
  if (process.argv.includes('--json')) return console.log(JSON.stringify(result));
  console.log(JSON.stringify(result, null, 2));
  const p99 = runs.map((r) => r.singleMs.p99);
  console.log(`decide(): ${runs[0]?.candidates} candidates × ${runs[0]?.features} features, single-decision p99 ${Math.min(...p99)}–${Math.max(...p99)} ms over ${runs.length} pages ` +
    `(target < ${TARGET_P99_MS} ms: ${Math.max(...p99) < TARGET_P99_MS ? 'met' : 'NOT met'}); decide path alone ${result.bytes.decidePath.brotli} B brotli (${result.bytes.decidePath.minified} B minified)`);
}

await main();
