/**
 * `npm run server`: the collector service, configured by environment variables
 * (docs/deploy.md). Logs are JSON lines (pino). SIGTERM/SIGINT stop accepting
 * connections, let in-flight requests finish, close the store and exit 0, or
 * exit 1 after O2O_SHUTDOWN_TIMEOUT_MS.
 */
import { buildApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const app = buildApp({ ...config.app, store });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close()
      .then(() => store.close())
      .then(() => {
        app.log.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ store: store.kind, production: config.app.production }, 'collector ready');
}

main().catch((error: unknown) => {
  console.error(`could not start the collector: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
