import { defineConfig } from 'vitest/config';

/**
 * A suite that runs in Node, one file at a time (its files start browsers, servers or databases of their
 * own), with timeouts for real work rather than unit-test ones.
 */
function nodeSuite(name: string, dir: string, testTimeout: number, hookTimeout: number, extra: { globalSetup?: string[] } = {}) {
  return {
    extends: true as const,
    test: { name, include: [`test/${dir}/**/*.test.ts`], environment: 'node', testTimeout, hookTimeout, fileParallelism: false, ...extra },
  };
}

// Fast unit tests in happy-dom; everything else against real parts on 127.0.0.1.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
      // Real Chromium (playwright-core) against the real collector service.
      nodeSuite('browser', 'browser', 60_000, 60_000),
      // The collector service and its stores (issue #14): the store contract suite runs against the
      // embedded store always and against PostgreSQL when DATABASE_URL is set (CI sets it).
      nodeSuite('server', 'server', 60_000, 60_000),
      // The same scenarios in Chromium, Firefox ESR and WebKitGTK (issue #13).
      nodeSuite('engines', 'engines', 120_000, 120_000),
      // Issue #8's hostile-world scenarios; O2O_RELIABILITY=full (npm run test:reliability) runs the full loads.
      nodeSuite('reliability', 'reliability', 600_000, 60_000, { globalSetup: ['test/reliability/summary.ts'] }),
    ],
  },
});
