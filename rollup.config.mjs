// Builds: the script-tag IIFE (minified), the npm ESM/CJS entry, the Preact
// entry, and the demo server. Declarations come from `tsc -p tsconfig.build.json`.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { builtinModules } from 'node:module';

const transpile = () => esbuild({ target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact', tsconfig: 'tsconfig.json' });
const minify = () =>
  terser({ ecma: 2020, module: false, compress: { passes: 3, pure_getters: true }, mangle: { properties: false }, format: { comments: false } });

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/onetoone.min.js', format: 'iife', name: 'OneToOne', exports: 'default', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), transpile(), minify()],
  },
  {
    // The offer dialog (Preact included), loaded by the script-tag core only when an offer is shown.
    input: 'src/render/dialog-entry.ts',
    output: { file: 'dist/onetoone-dialog.min.js', format: 'iife', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), transpile(), minify()],
  },
  {
    // The debug panel (Preact included), loaded by the script-tag core only when QA opens it.
    input: 'src/debug/panel-entry.ts',
    output: { file: 'dist/onetoone-debug.min.js', format: 'iife', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), transpile(), minify()],
  },
  {
    input: 'src/debug/index.ts',
    external: (id) => id === 'idb-keyval' || id === 'preact' || id.startsWith('preact/'),
    output: { file: 'dist/debug.js', format: 'es', sourcemap: true },
    plugins: [transpile()],
  },
  {
    input: 'src/index.ts',
    external: ['idb-keyval'],
    output: [
      { file: 'dist/index.js', format: 'es', sourcemap: true },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: true },
    ],
    plugins: [transpile()],
  },
  {
    input: 'src/preact/index.ts',
    external: (id) => id === 'idb-keyval' || id === 'preact' || id.startsWith('preact/'),
    output: { file: 'dist/preact.js', format: 'es', sourcemap: true },
    plugins: [transpile()],
  },
  {
    input: 'demo/collector/main.ts',
    external: (id) => id.startsWith('node:') || builtinModules.includes(id),
    output: { file: 'build/demo-server.mjs', format: 'es' },
    plugins: [nodeResolve(), transpile()],
  },
];
