// Runs scripts/migrate-json.ts (bundled by esbuild, a dev dependency), passing the arguments through.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const outfile = 'bench/.build/migrate-json.mjs';
await build({ entryPoints: ['scripts/migrate-json.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
await import(pathToFileURL(outfile).href);
