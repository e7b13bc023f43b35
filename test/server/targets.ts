/**
 * Collectors the security tests attack over real HTTP on 127.0.0.1: the
 * service as deployed (production mode, embedded store), or, with
 * `O2O_ATTACKS_TARGET=main`, the reference collector of branch `main` (checked
 * out of git into a temporary folder), to show that the attacks succeed there.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppOptions } from '../../server/app.js';
import { openStore } from '../../server/store/open-store.js';

/** A collector under attack. */
export interface Target {
  url: string;
  /** True for the protocol v2 service; false for main's v1 collector. */
  v2: boolean;
  close(): Promise<void>;
}

/** The write key every target accepts. */
export const WRITE_KEY = 'site-1';
/** The identity secret of the service under test (the site's server signs user ids with it). */
export const IDENTITY_SECRET = 'identity-secret-of-the-site-'.padEnd(40, 'x');
/** The admin token of the service under test. */
export const ADMIN_TOKEN = 'admin-token-of-the-operator-'.padEnd(40, 'y');

/** Starts the service in production mode on the embedded store in a fresh folder. */
export async function startService(options: Partial<AppOptions> = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-attacks-'));
  const store = await openStore({ dataDir: dir });
  const app = buildApp({
    store,
    production: true,
    writeKeys: [WRITE_KEY],
    allowedOrigins: ['https://shop.example'],
    identitySecret: IDENTITY_SECRET,
    cookieSecret: randomBytes(32).toString('base64url'),
    forceCloseConnections: true,
    ...options,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    v2: true,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts branch main's collector (demo/collector at main) from a temporary copy beside the current one. */
export async function startMainCollector(): Promise<Target> {
  const folder = join('demo', `.collector-main-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  for (const file of ['server.ts', 'collector-store.ts', 'validate.ts']) {
    writeFileSync(join(folder, file), execFileSync('git', ['show', `main:demo/collector/${file}`], { encoding: 'utf8' }));
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'o2o-attacks-main-'));
  const module = (await import(/* @vite-ignore */ '../../' + folder + '/server.ts')) as {
    startServer(options: { port: number; dataDir: string; staticRoots: Record<string, string>; writeKeys: string[] }): Promise<{ url: string; close(): Promise<void> }>;
  };
  const running = await module.startServer({ port: 0, dataDir, staticRoots: {}, writeKeys: [WRITE_KEY] });
  return {
    url: running.url,
    v2: false,
    async close() {
      await running.close();
      rmSync(folder, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The target the security suite attacks (see the module comment). */
export function startTarget(options: Partial<AppOptions> = {}): Promise<Target> {
  return process.env.O2O_ATTACKS_TARGET === 'main' ? startMainCollector() : startService(options);
}
