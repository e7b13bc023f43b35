#!/usr/bin/env node
/**
 * Development aid (not a test): the issue #13 returning-runner browse in one
 * engine with its page cache on, printing the hero, storage mode and counters
 * on every page and the batches the collector received.
 *
 *   npm run build
 *   xvfb-run -a node bench/engines-dev/browse.mjs webkit   (or webkit-private: MiniBrowser --private)
 *   node bench/engines-dev/browse.mjs firefox          (or firefox-private: private browsing)
 *   node bench/engines-dev/browse.mjs chromium
 *   … webkit 1 0,100,300,1000   (then the home page with the script held back by each delay)
 *
 * Starts build/demo-server.mjs on 127.0.0.1 with the demo model minus holdout
 * and exploration, so "default" on the home page means the SDK could not use
 * what the visitor did, not chance.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const engine = process.argv[2] ?? 'webkit';
const rounds = Number(process.argv[3] ?? 2);
// Optional: hold the core script back by this many ms (a proxy in front of the demo server), e.g. 0,100,300,1000.
const delays = (process.argv[4] ?? '').split(',').filter(Boolean).map(Number);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(check, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {}
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'o2o-dev-'));
const model = JSON.parse(readFileSync('demo/model/model.json', 'utf8'));
writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...model, holdout: 0, explore: { ...model.explore, noise: 0 } }));
const port = await freePort();
const server = spawn(process.execPath, ['build/demo-server.mjs', '--port', String(port), '--data', join(dir, 'data'), '--model', join(dir, 'model.json')], { stdio: 'inherit' });
const origin = `http://127.0.0.1:${port}`;
await waitFor(async () => (await fetch(origin + '/v1/received')).ok, 10000, 'server');

/** A proxy to the demo server that answers the core script `delay.ms` late. */
const delay = { ms: 0 };
const { createServer: createHttpServer, request: httpRequest } = await import('node:http');
const proxy = createHttpServer((req, res) => {
  const forward = () =>
    req.pipe(
      httpRequest({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      }),
    );
  if (req.url.startsWith('/dist/onetoone.min.js')) setTimeout(forward, delay.ms);
  else forward();
}).listen(0, '127.0.0.1');
await new Promise((r) => proxy.once('listening', r));
const base = `http://127.0.0.1:${proxy.address().port}`;

/** A driver with goto(url) and run(fn-source) returning JSON-able values. */
async function open() {
  if (engine === 'chromium' || engine.startsWith('firefox')) {
    const puppeteer = (await import('puppeteer-core')).default;
    const browser =
      engine.startsWith('firefox')
        ? await puppeteer.launch({
            browser: 'firefox',
            executablePath: '/usr/bin/firefox-esr',
            headless: true,
            userDataDir: join(dir, 'ff'),
            // firefox-private: every window private (IndexedDB kept in memory by Firefox).
            extraPrefsFirefox: engine === 'firefox-private' ? { 'browser.privatebrowsing.autostart': true } : {},
          })
        : await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, userDataDir: join(dir, 'cr'), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log('  pageerror', e.message));
    return {
      goto: (url) => page.goto(url, { waitUntil: 'load' }),
      click: (selector) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]),
      back: () => page.goBack({ waitUntil: 'load' }),
      run: (source) => page.evaluate(`(${source})()`),
      close: () => browser.close(),
    };
  }
  const { Builder } = await import('selenium-webdriver');
  const wdPort = await freePort();
  const wd = spawn('/usr/bin/WebKitWebDriver', ['--port=' + wdPort], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${wdPort}/status`)).ok, 10000, 'WebKitWebDriver');
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${wdPort}`)
    .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: engine === 'webkit-private' ? ['--automation', '--private'] : ['--automation'] } })
    .build();
  return {
    goto: (url) => driver.get(url),
    click: async (selector) => {
      const before = await driver.executeScript('return performance.timeOrigin');
      await driver.executeScript(`document.querySelector(${JSON.stringify(selector)}).click()`);
      await waitFor(async () => (await driver.executeScript('return document.readyState === "complete" && performance.timeOrigin')) !== before, 10000, 'navigation');
    },
    back: () => driver.navigate().back(),
    run: (source) => driver.executeScript(`return (${source})()`),
    close: async () => {
      await driver.quit().catch(() => undefined);
      wd.kill();
    },
  };
}

const state = `() => {
  const c = window.OneToOne;
  // Keep the detail of every counted reason on this page (survives the back/forward cache).
  if (c && c.inspect && !window.__details) {
    window.__details = [];
    const log = c.inspect().log;
    const count = log.count;
    log.count = (reason, detail) => (window.__details.push(reason + ': ' + String(detail && (detail.name || '') + ' ' + (detail.message || detail))), count(reason, detail));
  }
  const hero = document.querySelector('[data-o2o-slot="hero"]');
  const nav = performance.getEntriesByType('navigation')[0];
  return JSON.stringify({
    hero: hero && hero.getAttribute('data-o2o-shown'),
    heroState: hero && hero.getAttribute('data-o2o-state'),
    mode: c && c.storageMode,
    counters: c && c.counters,
    nav: nav && nav.type,
    paint: (performance.getEntriesByType('paint')[0] || {}).startTime,
    details: window.__details,
    // Firefox turns service workers off in private browsing: a cheap way to see the mode took effect.
    sw: 'serviceWorker' in navigator && !!navigator.serviceWorker,
    views: c && c.profile && c.profile() ? [c.profile().number('n.page_view'), c.profile().number('n.view_item')].join('/') : undefined,
    why: hero && c && c.decide ? JSON.stringify((c.decide('hero') || {}).explanation).slice(0, 400) : undefined,
    decision: hero && c && c.decide ? (({ variant, group, model }) => [variant, group, model].join('/'))(c.decide('hero') || {}) : undefined,
  });
}`;

async function settle(driver, label) {
  // Decided (or given up) and the storage mode known: the state worth printing.
  let last;
  try {
    await waitFor(async () => {
      last = JSON.parse(await driver.run(state));
      return last.mode && (!last.hero ? true : last.heroState && last.heroState !== 'late' ? true : last.heroState === 'late');
    }, 6000, label);
  } catch {}
  // Give the page time to commit its events before leaving, as a reader would.
  await new Promise((r) => setTimeout(r, 1200));
  last = JSON.parse(await driver.run(state));
  console.log(`  ${label.padEnd(28)} hero=${last.hero ?? '-'}(${last.heroState ?? '-'}${last.decision ? ' ' + last.decision : ''}) mode=${last.mode} sw=${last.sw} pv/vi=${last.views} nav=${last.nav} paint=${last.paint?.toFixed?.(0)} counters=${JSON.stringify(last.counters)}`);
  if (last.why) console.log('    why: ' + last.why);
  if (last.details && last.details.length) console.log('    ' + last.details.join('\n    '));
}

const driver = await open();
try {
  const products = ['sku-road-1', 'sku-road-2', 'sku-run-jacket', 'sku-run-vest'];
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round} (${engine})`);
    await driver.goto(base + '/');
    await settle(driver, 'home');
    await driver.click('a[href="/category/running.html"]');
    await settle(driver, 'category running');
    for (const sku of products) {
      await driver.click(`a[href="/product/${sku}.html"]`);
      await settle(driver, sku);
      await driver.back();
      await settle(driver, 'back: category');
    }
    await driver.click('a.logo');
    await settle(driver, 'home');
  }
  for (const ms of delays) {
    delay.ms = ms;
    // A fresh home page each time (a query string defeats any cache of the page itself).
    await driver.goto(base + '/?delay=' + ms);
    await settle(driver, `home, script +${ms} ms`);
  }
  delay.ms = 0;
  await new Promise((r) => setTimeout(r, 3000));
  const received = await (await fetch(base + '/v1/received')).json();
  console.log(`collector received ${received.batches.length} batches`);
} finally {
  await driver.close();
  server.kill();
  proxy.close();
  rmSync(dir, { recursive: true, force: true });
}
