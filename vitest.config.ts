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
