#!/usr/bin/env node
// The size an npm app pays for OneToOne when it imports only `init` and calls
// `track`: the built `dist/index.js` bundled as an app would (node-resolve in
// browser mode, tree-shaken, minified with the same terser settings as the
// script tag), then brotli quality 11. Issue #16's budget is 20 KiB.
// Usage: node scripts/npm-app-size.mjs [DIST_DIR] [--json]   (build first)
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { brotliCompressSync, constants } from 'node:zlib';
import { resolve } from 'node:path';

const APP = "import { init } from 'onetoone';\nconst o2o = init({ endpoint: 'https://o2o.example.com' });\no2o.track('add_to_cart', { value: 1 });\n";

/** Bundles the app against the build in `dist` (every chunk, if a bundler would split it) and weighs it. */
export async function measureNpmApp(dist = 'dist') {
  const virtual = {
    name: 'app',
    resolveId: (id) => (id === 'app' ? id : id === 'onetoone' ? resolve(dist, 'index.js') : null),
    load: (id) => (id === 'app' ? APP : null),
  };
  const bundle = await rollup({ input: 'app', plugins: [virtual, nodeResolve({ browser: true })], onwarn: () => undefined });
  const { output } = await bundle.generate({ format: 'esm', plugins: [terser({ ecma: 2020, module: true, compress: { passes: 3, pure_getters: true }, format: { comments: false } })] });
  const code = output.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('');
  const brotli = brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: code.length, brotli };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { raw, brotli } = await measureNpmApp(resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'dist'));
  if (process.argv.includes('--json')) console.log(JSON.stringify({ raw, brotli }));
  else console.log(`npm app importing init + track: ${raw} B minified, ${brotli} B brotli (budget 20,480 B)`);
}
