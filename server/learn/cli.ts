/**
 * `npm run train` and `npm run rollback`: one training run (or a rollback of
 * the live model by one version) against the configured store, as the
 * service would do it: `DATABASE_URL` (PostgreSQL) or the embedded store in
 * `O2O_DATA_DIR` (default `.o2o-data`), `O2O_MODEL_FILE` for version 1.
 * Prints the result as JSON; exits 1 when a rollback has nothing to go back to.
 */
import { openStore } from '../store/open-store.js';
import { rollback } from './registry.js';
import { DEFAULT_TRAINING_RUN, runTraining } from './training-run.js';

const command = process.argv[2];
if (command !== 'train' && command !== 'rollback') {
  console.error('usage: cli.ts train|rollback');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL || undefined;
const store = await openStore({ dataDir: process.env.O2O_DATA_DIR || '.o2o-data', ...(databaseUrl ? { databaseUrl } : {}) });
let code = 0;
try {
  if (command === 'train') {
    const modelFile = process.env.O2O_MODEL_FILE || undefined;
    const result = await runTraining(store, { ...DEFAULT_TRAINING_RUN, ...(modelFile ? { modelFile } : {}) }, Date.now());
    console.log(JSON.stringify(result, null, 2));
  } else {
    const done = await rollback(store, Date.now());
    if (done) console.log(JSON.stringify({ ok: true, ...done }));
    else {
      console.error('no earlier version to roll back to');
      code = 1;
    }
  }
} finally {
  await store.close();
}
process.exit(code);
