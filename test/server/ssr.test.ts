/**
 * Server rendering (issue #17, point 2): a Node process that imports the built
 * package (ESM `dist/index.js` and CommonJS `dist/index.cjs`) and calls
 * `init()` gets an inert client. Every method answers without throwing, the
 * configuration is still checked (`ConfigError`), nothing starts a timer, a
 * port, a channel or a request, and the process exits by itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Longest time the child may take to exit on its own; a leaked handle keeps it alive until killed. */
const EXIT_WITHIN_MS = 10_000;

/**
 * The child's script after `m` (the package's exports) is loaded: it spies on
 * every way to keep a process alive or reach out, calls the whole API, and
 * prints what it saw as one JSON line.
 */
const EXERCISE = `
const touched = [];
for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'MessageChannel', 'BroadcastChannel', 'Worker']) {
  const original = globalThis[name];
  if (typeof original !== 'function') continue;
  globalThis[name] = new Proxy(original, {
    apply: (target, self, args) => (touched.push(name), Reflect.apply(target, self, args)),
    construct: (target, args) => (touched.push(name), Reflect.construct(target, args)),
  });
}
const report = { touched };
try {
  m.init({ endpoint: '127.0.0.1:8080' });
  report.badConfig = 'returned';
} catch (error) {
  report.badConfig = { name: error.name, option: error.option, isConfigError: error instanceof m.ConfigError };
}
try {
  const o2o = m.init({ endpoint: 'https://o2o.example.com', writeKey: 'site-1', debug: true });
  await o2o.ready;
  report.storageMode = o2o.storageMode;
  report.counters = o2o.counters;
  report.track = await o2o.track('add_to_cart', { items: [{ id: 'sku-1' }] });
  report.identify = await o2o.identify('user-1', { plan: 'pro' });
  report.decision = o2o.decide('hero');
  report.recommend = o2o.recommend('recs', 3);
  let called = 0;
  const stop = o2o.onDecision(() => called++);
  stop();
  report.onDecisionCalls = called;
  report.profile = o2o.profile() ?? null;
  report.context = o2o.context() ?? null;
  await o2o.flush();
  await o2o.page({ path: '/x' });
  await o2o.setConsent('denied');
  report.consent = o2o.consent;
  await o2o.forget();
  o2o.debug();
  report.api = 'ok';
} catch (error) {
  report.api = String(error && error.stack || error);
}
console.log(JSON.stringify(report));
`;

interface Outcome {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `script` in a fresh Node process (no DOM globals), killing it if it has not exited within the bound. */
function runNode(args: string[]): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: resolve('.'), stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, EXIT_WITHIN_MS);
    // 'close' comes after the exit and after the pipes drained, so the output is complete.
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, timedOut, stdout, stderr });
    });
  });
}

const builds = [
  ['ESM', 'dist/index.js', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(resolve('dist/index.js'))});\n${EXERCISE}`]],
  ['CommonJS', 'dist/index.cjs', ['--input-type=commonjs', '-e', `const m = require(${JSON.stringify(resolve('dist/index.cjs'))});\n(async () => {${EXERCISE}})();`]],
] as const;

describe.each(builds)('init() under Node (%s build)', (_kind, file, args) => {
  it('returns an inert client whose every method is safe, and the process exits by itself', async () => {
    expect(existsSync(resolve(file)), `${file} is missing: run npm run build first`).toBe(true);
    const outcome = await runNode([...args]);
    expect(outcome.timedOut, `the process was still running after ${EXIT_WITHIN_MS} ms: something keeps it alive\n${outcome.stderr}`).toBe(false);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const report = JSON.parse(outcome.stdout.trim().split('\n').pop() ?? '{}');
    expect(report.api).toBe('ok');
    // Invalid configuration is still refused, naming the option.
    expect(report.badConfig).toEqual({ name: 'ConfigError', option: 'endpoint', isConfigError: true });
    expect(report).toMatchObject({
      storageMode: 'memory',
      counters: {},
      track: false,
      identify: false,
      recommend: [],
      onDecisionCalls: 0,
      profile: null,
      context: null,
      consent: 'denied',
    });
    expect(report.decision).toMatchObject({ slot: 'hero', variant: 'default', score: 0, model: 'none' });
    expect(report.decision.explanation).toEqual([expect.objectContaining({ feature: 'no-page', text: expect.stringContaining('server rendering') })]);
    // No timer, port, channel or request was started by init() or any call.
    expect(report.touched).toEqual([]);
  });
});
