/**
 * The npm package as its users install it (issue #17, point 3): the tarball
 * `npm pack` makes is unpacked into a consumer's node_modules, then
 * - a CommonJS TypeScript file (`.cts`, `module: node16`) and an ES module
 *   one (`.mts`) that import `onetoone` and `onetoone/preact` type-check with
 *   tsc (the `.cts` one failed with TS1479 while only ESM types shipped);
 * - `require('onetoone')` and `require('onetoone/preact')` load in Node
 *   (`onetoone/preact` failed with ERR_PACKAGE_PATH_NOT_EXPORTED).
 * Needs a build (`npm test` builds first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Inside the worktree, so the unpacked package finds its peer `preact` and `idb-keyval` in node_modules above.
const consumer = resolve('node_modules/.cache', `o2o-consumer-${process.pid}`);
const installed = join(consumer, 'node_modules/onetoone');

beforeAll(() => {
  if (!existsSync('dist/index.cjs')) throw new Error('dist/ is missing: run npm run build first');
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  // Its own package.json ends the lookup of the enclosing package: without it, "onetoone" would resolve
  // to this worktree itself (a self-reference) instead of the unpacked tarball.
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'o2o-consumer', private: true }));
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', consumer], { stdio: 'ignore' });
  const tarball = readdirSync(consumer).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  execFileSync('tar', ['-xzf', join(consumer, tarball), '-C', installed, '--strip-components=1']);
});
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

/** Where Node's require() finds `specifier` from the consumer folder. */
function resolveFrom(specifier: string): string {
  return spawnSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(specifier)})`], { cwd: consumer, encoding: 'utf8' }).stdout.trim();
}

/** Type-checks `file` (written into the consumer folder) with tsc under `module: node16`; returns tsc's output. */
function typecheck(file: string, source: string): { status: number | null; output: string } {
  writeFileSync(join(consumer, file), source);
  const config = { compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: [file] };
  writeFileSync(join(consumer, `tsconfig.${file}.json`), JSON.stringify(config));
  const tsc = resolve('node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', `tsconfig.${file}.json`], { cwd: consumer, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** The same code for both module systems: the core API and the Preact door with its types. */
const USES = `
const client: OneToOne = init({ endpoint: 'https://o2o.example.com', writeKey: 'site-1' });
const decision: Decision | undefined = client.decide('hero');
const props: SlotProps = { name: 'hero', variants: { running: 'Run further' }, tags: { running: ['running'] }, eligibility: { running: { 'ctx.mobile': [null, 0] } } };
const variants: VariantSpec[] = [{ id: 'running', tags: ['running'] }];
export const banner = () => useDecision('banner', variants);
export const used = [decision?.variant, Slot, OneToOneProvider, useDecision, props, ConfigError];
`;

/** The same consumer, compiled as CommonJS (.cts) and as an ES module (.mts). */
const CONSUMER = `import { ConfigError, init, type Decision, type OneToOne, type VariantSpec } from 'onetoone';\nimport { OneToOneProvider, Slot, useDecision, type SlotProps } from 'onetoone/preact';\n${USES}`;

describe('the packed package in a consumer project', () => {
  it('type-checks from a CommonJS .cts file under module node16', () => {
    // Run the checks against the installed copy, not a worktree self-reference.
    expect(resolveFrom('onetoone')).toBe(join(installed, 'dist/index.cjs'));
    const result = typecheck(
      'consumer.cts',
      CONSUMER,
    );
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('type-checks from an ES module .mts file under module node16', () => {
    const result = typecheck(
      'consumer.mts',
      CONSUMER,
    );
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('loads onetoone and onetoone/preact with require() and with import', () => {
    const script = `
      const core = require('onetoone');
      const door = require('onetoone/preact');
      const debug = require('onetoone/debug');
      import('onetoone/preact').then((esm) => console.log(JSON.stringify({
        init: typeof core.init, config: typeof core.ConfigError, slot: typeof door.Slot, hook: typeof door.useDecision,
        debug: typeof debug.installDebugPanel, esmSlot: typeof esm.Slot,
        variant: core.init({ endpoint: '/o2o' }).decide('hero').variant,
      })));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ init: 'function', config: 'function', slot: 'function', hook: 'function', debug: 'function', esmSlot: 'function', variant: 'default' });
  });
});
