// Bundles the TypeScript benchmark bench/engines/returning.ts with esbuild (a dev dependency) and runs it,
// passing the command-line arguments through. Run `npm run build` first: it measures dist/ as built.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const outfile = 'bench/.build/engines-returning.mjs';
await build({ entryPoints: ['bench/engines/returning.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
await import(pathToFileURL(outfile).href);
