/**
 * `npm run demo`: serves the demo shop and the collector service (development
 * mode, embedded store, no setup) on 127.0.0.1 and prints the URL. Options:
 * `--port N` (or PORT), `--data DIR` (or O2O_DATA_DIR), `--model FILE` (or
 * O2O_MODEL_FILE; default `demo/model/model.json`, the built-in model when
 * missing), `--write-keys a,b` (or O2O_WRITE_KEYS; default: any key accepted).
 * The QA route `/v1/received` is open; protocol v1 bodies are served for
 * devices without a credential, so an older build of the SDK keeps working.
 */
import { startServer } from './server.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

const port = Number(option('--port', process.env.PORT ?? '8080'));
const dataDir = option('--data', process.env.O2O_DATA_DIR ?? '.o2o-data');
const modelFile = option('--model', process.env.O2O_MODEL_FILE ?? 'demo/model/model.json');
const writeKeys = option('--write-keys', process.env.O2O_WRITE_KEYS ?? '').split(',').filter(Boolean);

startServer({ port, dataDir, modelFile, writeKeys, staticRoots: { '/': 'demo/public', '/dist/': 'dist' }, rateLimits: {} })
  .then((running) => {
    console.log(`OneToOne demo and collector: ${running.url}/`);
    console.log(`collector data: ${dataDir} (${running.store.raw.kind}; Ctrl-C to stop)`);
    const stop = (): void => void running.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch((error: unknown) => {
    console.error(`could not start the demo server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
