// Mutation testing of the pure core and the sync path (issue #18): `npm run test:mutation`.
// Not part of `npm test`: it re-runs the unit tests once per mutant (minutes, not seconds).
// Stryker 9.6 (10.x needs Node 22) with its vitest runner, against vitest 4.

/** Files whose mutants must die; each is reported on its own line. */
const mutate = [
  'src/core/events.ts',
  'src/core/merge.ts',
  'src/core/decide.ts',
  'src/core/bandit.ts',
  'src/core/profile.ts',
  'src/core/features.ts',
  'src/sync/backoff.ts',
  'src/sync/batch.ts',
];

/** Report name: `mutation` for the whole run, else STRYKER_REPORT (e.g. one file's name while working on it). */
const report = process.env.STRYKER_REPORT ?? 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // STRYKER_MUTATE=src/sync/batch.ts narrows a run to one file while working on its tests.
  mutate: process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(',') : mutate,
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // All unit tests (stryker.vitest.config.ts); STRYKER_TEST_FILES=a.test.ts,b.test.ts narrows them while working on one file.
  ...(process.env.STRYKER_TEST_FILES ? { testFiles: process.env.STRYKER_TEST_FILES.split(',') } : {}),
  // Only the unit project, even when Stryker runs every test (see stryker.vitest.config.ts).
  vitest: { configFile: 'stryker.vitest.config.ts', related: false },
  // Each mutant runs only the tests that executed its code during the first (dry) run.
  coverageAnalysis: 'perTest',
  // Static mutants (in code that runs when a module is imported: module-level constants such as
  // EVENT_LIMITS) cannot be measured with this runner under vitest 4.1: a test file's imports are
  // evaluated before Stryker's setup file switches the mutant on, so every static mutant "survives"
  // (checked: a direct test of `byteLength` kills its static mutant only when it imports batch.ts
  // dynamically). They are left out of the score and counted as ignored in the report.
  ignoreStatic: true,
  // The machine is shared: two workers at most (the npm script also runs under `nice`).
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // Generous: a busy shared machine makes a slow mutant look like an infinite loop.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // A mutant that would not type-check still runs (the type checker is a separate step). Only source files
  // get the `// @ts-nocheck` banner: on demo files it would break the committed-pages check.
  disableTypeChecks: 'src/**/*.ts',
  // Build output, artifacts and local data are not needed by the unit tests; leave them out of the sandbox.
  ignorePatterns: ['/dist', '/build', '/coverage', '/test-artifacts', '/.o2o-data', '/bench/results'],
  tempDirName: `test-artifacts/stryker-tmp-${report}`,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: true, reportScoreTable: true },
  jsonReporter: { fileName: `test-artifacts/mutation/${report}.json` },
  htmlReporter: { fileName: `test-artifacts/mutation/${report}.html` },
  thresholds: { high: 90, low: 80, break: null },
};
