// Builds a floor bundle (preact + idb-keyval; bench/floor/) with the same minifier as ours.
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { mkdirSync } from 'node:fs';

export async function buildFloor(outFile = 'bench/.build/floor.min.js', input = 'bench/floor/floor.js') {
  mkdirSync('bench/.build', { recursive: true });
  const bundle = await rollup({ input, plugins: [nodeResolve({ browser: true }), terser({ ecma: 2020, compress: { passes: 3 } })] });
  await bundle.write({ file: outFile, format: 'iife' });
  await bundle.close();
  return outFile;
}
