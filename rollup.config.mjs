// Builds: the script-tag IIFE (minified), the npm ESM/CJS entry, the Preact
// entry, and the demo server. Declarations come from `tsc -p tsconfig.build.json`.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

// The script-tag core reaches the second stage by loading its file; npm builds bundle it (src/stage/with-stage.ts).
const loadStageLazily = () => ({
  name: 'load-stage-lazily',
  resolveId: (id, importer) => (id.endsWith('/with-stage.js') && importer ? resolve('src/stage/with-stage-script.ts') : null),
});
// Modules the second stage takes from the core (src/stage/with-stage-script.ts lends them), so they ship once
// and the Trusted Types policy is created once (a second 'onetoone' policy is refused under strict CSP).
const SHARED = /\/(core\/field|render\/script-url|store\/state|store\/store)(\.js|\.ts)?$/;
const lent = () => /OneToOneShared = \{([^}]*)\}/.exec(readFileSync('src/stage/with-stage-script.ts', 'utf8'))[1].split(',').map((n) => n.trim());
const checkShared = () => ({
  name: 'check-shared',
  generateBundle(_, bundle) {
    const missing = Object.values(bundle).flatMap((c) => Object.values(c.importedBindings ?? {}).flat()).filter((n) => !lent().includes(n));
    if (missing.length) this.error(`the second stage imports ${missing.join(', ')} from the core, which does not lend them`);
  },
});

// Server bundles: node builtins and installed packages (fastify, pg, better-sqlite3…) stay imports.
const serverExternal = (id) => id.startsWith('node:') || builtinModules.includes(id) || /^(@[\w-][\w.-]*\/)?[\w-][\w.-]*(\/.*)?$/.test(id);

// The head rule as a stylesheet next to the core, for sites whose CSP forbids inline style (src/render/anti-flicker.css).
const emitHeadRule = () => ({
  name: 'emit-head-rule',
  generateBundle() {
    const css = readFileSync('src/render/anti-flicker.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s*\n\s*/g, '');
    this.emitFile({ type: 'asset', fileName: 'onetoone.css', source: css + '\n' });
  },
});

// Source maps of the minified script-tag files stay in dist/ for local debugging, without a
// sourceMappingURL comment, and out of the npm tarball (package.json "files"): they were 1.4 MB of
// its 1.9 MB. The npm builds (index, preact, debug) are unminified, readable as they are: no map.
const MIN_MAP = 'hidden';

const transpile = () => esbuild({ target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact', tsconfig: 'tsconfig.json' });
const minify = () =>
  terser({ ecma: 2020, module: false, compress: { passes: 3, pure_getters: true }, mangle: { properties: false }, format: { comments: false } });

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/onetoone.min.js', format: 'iife', name: 'OneToOne', exports: 'default', sourcemap: MIN_MAP },
    plugins: [loadStageLazily(), nodeResolve({ browser: true }), transpile(), minify(), emitHeadRule()],
  },
  {
    // The second stage (sync, exit-intent offers), loaded by the script-tag core after the page's first decisions.
    input: 'src/stage/stage-entry.ts',
    external: (id) => SHARED.test(id),
    output: { file: 'dist/onetoone-stage.min.js', format: 'iife', globals: () => 'OneToOneShared', sourcemap: MIN_MAP },
    plugins: [nodeResolve({ browser: true }), transpile(), minify(), checkShared()],
  },
  {
    // The offer dialog (plain DOM, no Preact), loaded by the script-tag core only when an offer is shown.
    input: 'src/render/dialog-entry.ts',
    output: { file: 'dist/onetoone-dialog.min.js', format: 'iife', sourcemap: MIN_MAP },
    plugins: [nodeResolve({ browser: true }), transpile(), minify()],
  },
  {
    // The debug panel (Preact included), loaded by the script-tag core only when QA opens it.
    input: 'src/debug/panel-entry.ts',
    output: { file: 'dist/onetoone-debug.min.js', format: 'iife', sourcemap: MIN_MAP },
    plugins: [nodeResolve({ browser: true }), transpile(), minify()],
  },
  {
    input: 'src/debug/index.ts',
    external: (id) => id === 'idb-keyval' || id === 'preact' || id.startsWith('preact/'),
    output: [
      { file: 'dist/debug.js', format: 'es' },
      { file: 'dist/debug.cjs', format: 'cjs' },
    ],
    plugins: [transpile()],
  },
  {
    input: 'src/index.ts',
    external: ['idb-keyval'],
    output: [
      { file: 'dist/index.js', format: 'es' },
      { file: 'dist/index.cjs', format: 'cjs' },
    ],
    plugins: [transpile()],
  },
  {
    input: 'src/preact/index.ts',
    external: (id) => id === 'idb-keyval' || id === 'preact' || id.startsWith('preact/'),
    output: [
      { file: 'dist/preact.js', format: 'es' },
      { file: 'dist/preact.cjs', format: 'cjs' },
    ],
    plugins: [transpile()],
  },
  {
    input: 'demo/collector/main.ts',
    external: serverExternal,
    output: { file: 'build/demo-server.mjs', format: 'es' },
    plugins: [nodeResolve(), transpile()],
  },
  {
    // The collector service (npm run server): its own code bundled, node_modules packages imported at run time.
    input: 'server/main.ts',
    external: serverExternal,
    output: { file: 'build/server.mjs', format: 'es' },
    plugins: [nodeResolve(), transpile()],
  },
];
