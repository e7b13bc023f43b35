/**
 * A Chromium the test can kill like a crash: launched as a child process with
 * a persistent profile directory and driven over CDP, so `kill()` (SIGKILL)
 * ends it with no `pagehide`, no `unload` and no chance to flush, and a new
 * launch on the same directory finds whatever IndexedDB made durable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browser/harness.js';

/** A running Chromium process and its default (persistent) context. */
export interface KillableBrowser {
  browser: Browser;
  context: BrowserContext;
  /** SIGKILLs the browser process and waits for it to exit. */
  kill(): Promise<void>;
}

/** Launches Chromium on `userDataDir`. */
export async function launchKillable(userDataDir: string): Promise<KillableBrowser> {
  const child: ChildProcess = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Chromium did not print its DevTools endpoint: ' + text.slice(-500))), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match?.[1]) (clearTimeout(timer), resolve(match[1]));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`Chromium exited with ${code}: ${text.slice(-500)}`))));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0] as BrowserContext;
  return {
    browser,
    context,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
