#!/usr/bin/env node
// What each feature costs a script-tag site, in brotli bytes: the second stage (and the core) rebuilt with
// one feature's modules replaced by stubs (every export a no-op), against the full build. Tree-shaking then
// drops whatever only that feature used. The stubbed builds are never run: this measures bytes, nothing else.
// Figures inform the product call on issue #16's budgets (what a budget means in features).
// Usage: node scripts/feature-cost.mjs [--json]   (run from the repository root)
import { rollup } from 'rollup';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import config from '../rollup.config.mjs';

/** Feature → the modules that are that feature (paths under src/, without extension). */
export const FEATURES = {
  'collectors (clicks, scroll, engagement, item views, commerce, search, forms, video, routes)': ['collect/start'],
  'GA4 dataLayer mapping': ['collect/data-layer'],
  'video collector': ['collect/video'],
  'sync (registration, credential, batches, pull, lock, backoff), the decision log below included': ['second/sync-start', 'sync/connect'],
  'decision log (records, attribution, propensities, sending)': ['log/decision-logger'],
  'exit-intent offers (triggers, caps, conversion; dialog file excluded)': ['second/offer-flow'],
  'recommendations': ['core/recommend', 'render/catalog'],
  'event validation': ['core/events'],
  'model validation (parseModel)': ['core/model'],
  'debug panel loader': ['debug/loader'],
  'multi-tab reload (BroadcastChannel)': ['store/tabs'],
  'together: decision log, exit-intent offers, recommendations, dataLayer, video (the features a site could opt into)': [
    'log/decision-logger', 'second/offer-flow', 'core/recommend', 'render/catalog', 'collect/data-layer', 'collect/video',
  ],
};

/** A module's stub: its own value exports (functions, constants, classes) become no-ops; re-exports stay. */
const stubOf = (source) => {
  const own = [
    ...[...source.matchAll(/^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm)].map((m) => m[1]),
    ...[...source.matchAll(/^export \{([^}]*)\};/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim().split(/\s+as\s+/).pop()).filter((n) => n && !n.startsWith('type '))),
  ];
  const reexports = [...source.matchAll(/^export (?:\*|\{[^}]*\}) from '[^']+';/gm)].map((m) => m[0]);
  return [...own.map((n) => `export const ${n} = () => undefined;`), ...reexports].join('\n');
};

const stubbing = (paths) => {
  const ids = new Set(paths.map((p) => resolve('src', p + '.ts')));
  return {
    name: 'stub-feature',
    async load(id) {
      if (!ids.has(id)) return null;
      return stubOf(readFileSync(id, 'utf8'));
    },
  };
};

async function brotliOf(input, plugins) {
  const bundle = await rollup({ input, plugins, onwarn: () => undefined });
  const { output } = await bundle.generate(config.find((c) => c.input === input).output);
  const code = output.map((c) => (c.type === 'chunk' ? c.code : '')).join('');
  return brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

const builds = ['src/script-tag.ts', 'src/stage/stage-entry.ts'];
const pluginsOf = (input) => config.find((c) => c.input === input).plugins;
const full = {};
for (const input of builds) full[input] = await brotliOf(input, pluginsOf(input));
const rows = [];
for (const [feature, paths] of Object.entries(FEATURES)) {
  let saved = 0;
  for (const input of builds) saved += full[input] - (await brotliOf(input, [stubbing(paths), ...pluginsOf(input)]));
  rows.push({ feature, brotli: saved });
}
if (process.argv.includes('--json')) console.log(JSON.stringify({ full, rows }, null, 2));
else {
  console.log(`full build: core ${full[builds[0]]} B + stage ${full[builds[1]]} B brotli`);
  console.log('| feature | brotli bytes it costs (core + stage) |\n| --- | --: |');
  for (const r of rows) console.log(`| ${r.feature} | ${r.brotli} |`);
}
