// Builds: the script-tag IIFE (minified), the npm ESM/CJS entry, the Preact
// entry, and the demo server. Declarations come from `tsc -p tsconfig.build.json`.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

// The second stage takes from the core what the core lends it (src/first/shared.ts), so it ships once and
// the Trusted Types policy is created once (a second 'onetoone' policy is refused under strict CSP). Each
// module a lent name comes from is replaced, in the stage build only, by one that reads the lent names from
// `window.OneToOneShared` (by index: SHARED is an array) and re-exports the module's other exports from the module itself.
const lentNames = () => {
  const text = readFileSync('src/first/shared.ts', 'utf8');
  const byModule = new Map();
  for (const [, names, from] of text.matchAll(/^import \{([^}]*)\} from '([^']+)';$/gm)) {
    byModule.set(resolve('src/first', from.replace(/\.js$/, '.ts')), names.split(',').map((n) => n.trim()).filter(Boolean));
  }
  const lent = /SHARED = \[([^\]]*)\]/.exec(text)[1].split(',').map((n) => n.trim()).filter(Boolean);
  const imported = [...byModule.values()].flat();
  if ([...imported].sort().join() !== [...lent].sort().join()) throw new Error('src/first/shared.ts: SHARED must list exactly the names it imports');
  return { byModule, index: new Map(lent.map((name, i) => [name, i])) };
};
const LENT = '\0lent:';
const lend = () => {
  const { byModule, index } = lentNames();
  return {
    name: 'lend',
    async resolveId(source, importer, options) {
      if (!importer || importer.startsWith(LENT)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && byModule.has(resolved.id) ? LENT + resolved.id : null;
    },
    async load(id) {
      if (!id.startsWith(LENT)) return null;
      const real = id.slice(LENT.length);
      const names = byModule.get(real);
      const rest = (await this.load({ id: real })).exports.filter((name) => !names.includes(name));
      return names.map((name) => `export const ${name} = window.OneToOneShared[${index.get(name)}];`).join('\n') +
        (rest.length ? `\nexport { ${rest.join(', ')} } from ${JSON.stringify(real)};` : '');
    },
  };
};

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
    plugins: [nodeResolve({ browser: true }), transpile(), minify(), emitHeadRule()],
  },
  {
    // The second stage (the full client: validation, reducer, collectors, store, sync, offers, decision log),
    // loaded by the script-tag core right after the page's first decisions or at the first interaction.
    input: 'src/stage/stage-entry.ts',
    output: { file: 'dist/onetoone-stage.min.js', format: 'iife', sourcemap: MIN_MAP },
    plugins: [lend(), nodeResolve({ browser: true }), transpile(), minify()],
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
