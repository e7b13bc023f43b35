import { defineConfig } from 'vitest/config';

// Two suites: fast unit tests in happy-dom, and browser tests that drive real
// Chromium (playwright-core) against the real collector on 127.0.0.1.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The collector service and its stores (issue #14): the store contract suite runs against the
        // embedded store always and against PostgreSQL when DATABASE_URL is set (CI sets it).
        extends: true,
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The same scenarios in Chromium, Firefox ESR and WebKitGTK (issue #13).
        extends: true,
        test: {
          name: 'engines',
          include: ['test/engines/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Issue #8's hostile-world scenarios; O2O_RELIABILITY=full (npm run test:reliability) runs the full loads.
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          globalSetup: ['test/reliability/summary.ts'],
        },
      },
    ],
  },
});
