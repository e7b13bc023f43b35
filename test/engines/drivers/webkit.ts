/**
 * WebKitGTK through selenium-webdriver and WebKitWebDriver, driving
 * MiniBrowser in automation mode under an X display (ours when DISPLAY is
 * unset, see xvfb.ts). WebKitWebDriver starts one MiniBrowser per WebDriver
 * session, with ephemeral website data, so a session is a new visitor.
 *
 * Driver limitations (named in docs/browsers.md): no script runs before the
 * page's own (the test server puts the recorder in the page's markup
 * instead), no console access (errors are recorded in the page), and pointer
 * moves must stay inside the viewport (a top exit ends with a synthetic
 * `mouseout`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Builder, By, Origin, type WebDriver } from 'selenium-webdriver';
import { callExpression, poll } from './page-call.js';
import { ERRORS_KEY, readRecordedErrors } from './recorder.js';
import type { Engine, EngineBrowser, EngineSession, PageFunction, TopExit } from './types.js';
import { dispatchTopMouseout } from './top-exit.js';
import { ensureDisplay } from './xvfb.js';

/** WebKitGTK's WebDriver. */
export const WEBKIT_DRIVER_PATH = '/usr/bin/WebKitWebDriver';
/** The browser WebKitWebDriver launches. */
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * Session capabilities; the names are WebKitWebDriver's own (`webkitgtk:browserOptions`
 * with `binary` and `args`, as its binary and --help spell them; selenium has no WebKitGTK module).
 */
const CAPABILITIES = {
  browserName: 'MiniBrowser',
  'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
};

type Outcome<R> = { ok: R } | { error: string };

/** Async script wrapper: selenium passes the callback last; errors come back as values, not hangs. */
const ASYNC_WRAPPER = (expression: string): string =>
  `const done = arguments[arguments.length - 1];
   Promise.resolve().then(() => ${expression}).then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.stack || e) }));`;

class WebKitSession implements EngineSession {
  readonly engine = 'webkit' as const;
  constructor(private readonly driver: WebDriver) {}

  async goto(url: string): Promise<void> {
    // Page load strategy "normal": returns once the document is loaded.
    await this.driver.get(url);
  }

  async back(expectedUrl: string): Promise<void> {
    await this.driver.navigate().back();
    await this.settledAt(expectedUrl);
  }

  async forward(expectedUrl: string): Promise<void> {
    await this.driver.navigate().forward();
    await this.settledAt(expectedUrl);
  }

  private async settledAt(url: string): Promise<void> {
    await poll(`${url} shown`, 10_000, () => this.evaluate((u: string) => location.href === u && document.readyState === 'complete', url).catch(() => false));
  }

  async evaluate<A extends unknown[], R>(fn: PageFunction<A, R>, ...args: A): Promise<R> {
    const outcome = (await this.driver.executeAsyncScript(ASYNC_WRAPPER(callExpression(fn, args)))) as Outcome<R>;
    if ('error' in outcome) throw new Error(`in page: ${outcome.error}`);
    return outcome.ok;
  }

  waitFor<A extends unknown[], R>(what: string, timeoutMs: number, predicate: PageFunction<A, R>, ...args: A): Promise<NonNullable<R>> {
    return poll(what, timeoutMs, () => this.evaluate(predicate, ...args));
  }

  async pointerMove(x: number, y: number, steps = 1): Promise<void> {
    const actions = this.driver.actions({ async: true });
    // One pointerMove per step, 16 ms apart, like a hand-moved mouse.
    const from = (await this.evaluate(() => (window as unknown as { __enginesPointer?: [number, number] }).__enginesPointer ?? null)) ?? [x, y];
    for (let i = 1; i <= steps; i++) {
      actions.move({ origin: Origin.VIEWPORT, x: Math.round(from[0] + ((x - from[0]) * i) / steps), y: Math.round(from[1] + ((y - from[1]) * i) / steps), duration: 16 });
    }
    await actions.perform();
    await this.evaluate((px: number, py: number) => void ((window as unknown as { __enginesPointer?: [number, number] }).__enginesPointer = [px, py]), x, y);
  }

  async click(selector: string): Promise<void> {
    await this.driver.findElement(By.css(selector)).click();
  }

  async exitThroughTop(): Promise<TopExit> {
    // WebDriver rejects pointer moves outside the viewport: real moves up to the top row, then the browser's mouseout, synthetic.
    // One fast flick (500 px in one move): exit intent needs 0.2 px/ms upward, which small steps miss on a busy machine.
    await this.pointerMove(400, 500);
    await this.pointerMove(400, 1);
    await this.evaluate(dispatchTopMouseout);
    return 'real moves + synthetic mouseout';
  }

  pageErrors(): Promise<string[]> {
    return this.evaluate(readRecordedErrors, ERRORS_KEY);
  }

  async close(): Promise<void> {
    await this.driver.quit();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running WebKitWebDriver. */
interface DriverProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}

async function startDriver(display: string): Promise<DriverProcess> {
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore', env: { ...process.env, DISPLAY: display } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  try {
    await poll('WebKitWebDriver listening', 10_000, async () => {
      if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
      return fetch(url + '/status').then((r) => r.ok, () => false);
    });
  } catch (error) {
    await stopDriver({ url, child, exited });
    throw error;
  }
  return { url, child, exited };
}

async function stopDriver(driver: DriverProcess): Promise<void> {
  if (driver.child.exitCode !== null) return;
  driver.child.kill('SIGTERM');
  await driver.exited;
}

/** The MiniBrowser version, from the user agent's WebKit build and the installed library. */
async function versionOf(driver: WebDriver): Promise<string> {
  const ua = String(await driver.executeScript('return navigator.userAgent'));
  const caps = await driver.getCapabilities();
  return `WebKitGTK ${String(caps.get('browserVersion') ?? '')} (${ua.match(/AppleWebKit\/[\d.]+/)?.[0] ?? 'unknown'})`.trim();
}

/** WebKitGTK (selenium-webdriver + WebKitWebDriver + MiniBrowser). */
export const webkitEngine: Engine = {
  name: 'webkit',
  binary: MINIBROWSER_PATH,
  recorder: 'page-fixture',
  available: () => existsSync(MINIBROWSER_PATH) && existsSync(WEBKIT_DRIVER_PATH) && (!!process.env.DISPLAY || existsSync('/usr/bin/Xvfb')),
  async launch(): Promise<EngineBrowser> {
    const x = await ensureDisplay();
    // WebKitWebDriver holds one session at a time ("Maximum number of active sessions"): each session gets a
    // driver process of its own, so two visitors can be open at once.
    const open = new Set<{ driver: WebDriver; process: DriverProcess }>();
    const newSession = async (): Promise<{ driver: WebDriver; process: DriverProcess }> => {
      const process = await startDriver(x.display);
      try {
        const driver = await new Builder().usingServer(process.url).withCapabilities(CAPABILITIES).build();
        await driver.manage().setTimeouts({ script: 60_000, pageLoad: 30_000 });
        await driver.manage().window().setRect({ width: 1280, height: 900 }).catch(() => undefined);
        const entry = { driver, process };
        open.add(entry);
        return entry;
      } catch (error) {
        await stopDriver(process);
        throw error;
      }
    };
    const end = async (entry: { driver: WebDriver; process: DriverProcess }): Promise<void> => {
      open.delete(entry);
      await entry.driver.quit().catch(() => undefined);
      await stopDriver(entry.process);
    };
    let spare: { driver: WebDriver; process: DriverProcess } | undefined;
    let version: string;
    try {
      // One session up front: proves the setup works and reads the version.
      spare = await newSession();
      version = await versionOf(spare.driver);
    } catch (error) {
      if (spare) await end(spare);
      await x.stop();
      throw error;
    }
    return {
      engine: 'webkit',
      version,
      async newIsolatedSession() {
        const entry = spare ?? (await newSession());
        spare = undefined;
        const session = new WebKitSession(entry.driver);
        session.close = () => end(entry);
        return session;
      },
      async close() {
        await Promise.allSettled([...open].map(end));
        await x.stop();
      },
    };
  },
};
