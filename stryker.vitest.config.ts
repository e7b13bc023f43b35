/**
 * The vitest configuration Stryker runs (`npm run test:mutation`): the `unit` project of
 * vitest.config.ts and nothing else. Stryker runs every test of the configuration for a mutant it
 * cannot attribute to single tests (a static mutant), and must not start the browser, server or
 * reliability suites then. The unit files that check the build output are left out: the sandbox has no build.
 */
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config';

/** Unit test files that read dist/ (the build), not the code under mutation. */
const NEEDS_BUILD = ['test/unit/package-exports.test.ts', 'test/unit/readme-sizes.test.ts'];

const unit = base.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'unit');
if (!unit || typeof unit !== 'object' || !('test' in unit) || !unit.test) throw new Error('vitest.config.ts has no unit project');

export default defineConfig({
  esbuild: base.esbuild,
  test: { ...unit.test, exclude: [...configDefaults.exclude, ...NEEDS_BUILD] },
});
