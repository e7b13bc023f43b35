/**
 * server/main.ts as a process: configuration errors name the variable, JSON
 * logs without secrets, health and readiness, and a graceful SIGTERM that
 * lets an in-flight request finish before exiting 0. The entry is bundled
 * with esbuild into a temporary folder (packages stay imports), so the test
 * runs the current source.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let entry: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'o2o-process-'));
  // Inside the worktree, so the bundle's package imports resolve from node_modules.
  entry = resolve('node_modules/.cache/o2o-process-test', `server-${process.pid}.mjs`);
  await build({ entryPoints: ['server/main.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: entry, logLevel: 'silent', absWorkingDir: resolve('.') });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(entry, { force: true });
});

interface Running {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function run(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [entry], { cwd: resolve('.'), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => text, exit };
}

async function until<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('server/main.ts', () => {
  it('refuses a bad configuration with one line naming the variable, exit code 2', async () => {
    const running = run({ O2O_ENV: 'production', O2O_COOKIE_SECRET: 'x'.repeat(32) });
    expect(await running.exit).toBe(2);
    expect(running.output().trim()).toBe('configuration error: O2O_WRITE_KEYS: is required in production (the site keys to accept, comma-separated)');
  });

  it('logs JSON without secrets, answers health and readiness, and finishes in-flight requests on SIGTERM', async () => {
    const dataDir = join(dir, 'data');
    const cookieSecret = randomBytes(32).toString('base64url');
    const running = run({ PORT: '0', O2O_ENV: 'production', O2O_WRITE_KEYS: 'site-1', O2O_COOKIE_SECRET: cookieSecret, O2O_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const port = await until(() => /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(running.output())?.[1], 'the listening line');
    await until(() => (running.output().includes('collector ready') ? true : undefined), 'the ready line');
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(url + '/healthz')).status).toBe(200);
    expect(await (await fetch(url + '/readyz')).json()).toEqual({ ok: true, store: 'sqlite' });

    // A batch whose body is half sent when SIGTERM arrives still completes.
    const deviceKey = randomBytes(32).toString('base64url');
    const body = JSON.stringify({ v: 2, device: 'dev-1', deviceKey, writeKey: 'site-1', id: 'b1', sentAt: Date.now(), deltas: [{ s: 1, key: 'n.x', f: { k: 'c', v: 1 } }] });
    const answer = new Promise<{ status: number; text: string }>((done, fail) => {
      const req = request(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', fail);
      req.write(body.slice(0, 40));
      setTimeout(() => {
        running.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(40)), 300);
      }, 200);
    });
    const result = await answer;
    expect(result).toEqual({ status: 200, text: JSON.stringify({ ok: true, id: 'b1', duplicate: false, applied: 1 }) });
    expect(await running.exit).toBe(0);

    const lines = running.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const log = running.output();
    expect(log).toContain('"msg":"shutting down"');
    expect(log).toContain('"msg":"stopped"');
    expect(log).not.toContain(deviceKey);
    expect(log).not.toContain(cookieSecret);
    expect(log).not.toContain('n.x');
  });
});
