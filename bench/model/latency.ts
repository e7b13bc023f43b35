/**
 * `npm run bench:latency [-- --json]`: decision latency in headless Chromium
 * for 50 candidates and 64 features (p50, p99), and the bytes the model code
 * adds: the minified + brotli size of the decision modules now and at the
 * foundation commit, bundled the same way.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const FOUNDATION = 'be440d8';
const CORE = ['context', 'decide', 'events', 'features', 'field', 'merge', 'model', 'offer', 'profile', 'view'];

async function bundle(entry: string, format: 'iife' | 'esm'): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format, target: 'es2020', write: false, logLevel: 'error' });
  return result.outputFiles[0]?.text ?? '';
}

const brotli = (text: string): number => brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

async function modelBytes() {
  const entry = (dir: string, now: boolean) => {
    const file = `${dir}/model-entry.ts`;
    writeFileSync(file, now
      ? `export { decideSlot } from './decide.js'; export { decideOffer } from './offers.js'; export { recommend } from './recommend.js'; export { parseModel } from './model.js'; export { viewProfile } from './view.js';`
      : `export { decideSlot } from './decide.js'; export { parseModel } from './model.js'; export { viewProfile } from './view.js';`);
    return file;
  };
  const old = 'bench/.build/foundation-core';
  mkdirSync(old, { recursive: true });
  for (const name of CORE) writeFileSync(`${old}/${name}.ts`, execFileSync('git', ['show', `${FOUNDATION}:src/core/${name}.ts`]));
  const nowDir = 'bench/.build/current-core';
  mkdirSync(nowDir, { recursive: true });
  execFileSync('cp', ['-r', ...CORE.concat(['lifecycle', 'bandit', 'explain', 'random', 'offers', 'recommend']).map((n) => `src/core/${n}.ts`), nowDir]);
  const before = brotli(await bundle(entry(old, false), 'esm'));
  const after = brotli(await bundle(entry(nowDir, true), 'esm'));
  return { foundationBrotli: before, nowBrotli: after, addedBrotli: after - before };
}

async function main(): Promise<void> {
  const script = await bundle('bench/model/latency-page.ts', 'iife');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const runs = [];
  try {
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      await page.addScriptTag({ content: script });
      runs.push(await page.evaluate(() => (globalThis as unknown as { o2oLatency: () => unknown }).o2oLatency()));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const result = { chromium: 'headless, 3 fresh pages × (3000 single + 200×50 batched decisions)', runs, bytes: await modelBytes() };
  console.log(process.argv.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
}

await main();
