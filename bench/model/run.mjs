// Bundles the TypeScript benchmark with esbuild (a dev dependency) and runs it,
// passing the command-line arguments through.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2] ?? 'bench/model/main.ts';
const outfile = `bench/.build/${entry.replace(/\W+/g, '_')}.mjs`;
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
process.argv.splice(2, 1);
await import(pathToFileURL(outfile).href);
