/**
 * The lifecycle every cross-engine test file shares: per engine, one browser
 * launch and one shop/collector for the whole file (launches are the
 * expensive part), and a fresh isolated session per scenario.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { type Engine, type EngineBrowser, type EngineSession, installedEngines } from './drivers/index.js';
import { type Shop, startShop } from './shop.js';

/** What {@link useEngine} started, readable in hooks and tests. */
export interface EngineEnv {
  readonly browser: EngineBrowser;
  readonly shop: Shop;
  /** A new visitor: a session with storage of its own; closed after the test by the caller. */
  session(): Promise<EngineSession>;
}

/** Launches `engine` and starts a shop for it in `beforeAll`, closes both in `afterAll`. */
export function useEngine(engine: Engine): EngineEnv {
  let browser: EngineBrowser | undefined;
  let shop: Shop | undefined;
  beforeAll(async () => {
    const [launched, started] = await Promise.allSettled([engine.launch(), startShop(engine)]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'fulfilled') shop = started.value;
    if (launched.status === 'rejected') throw launched.reason;
    if (started.status === 'rejected') throw started.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useEngine(${engine.name}): no ${name} yet`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'browser');
    },
    get shop() {
      return started(shop, 'shop');
    },
    session: () => started(browser, 'browser').newIsolatedSession(),
  };
}

/**
 * `describe` once per installed engine (`describe.each`), titled
 * `<title> in <engine>`; with no engine installed, one skipped block says so.
 */
export function describeEngines(title: string, body: (engine: Engine) => void): void {
  const engines = installedEngines();
  if (!engines.length) {
    describe.skip(`${title}: no engine installed`, () => undefined);
    return;
  }
  describe.each(engines.map((e) => [e.name, e] as const))(`${title} in %s`, (_name, engine) => body(engine));
}
