// Shared benchmark plumbing: Debian Chromium via playwright-core, a static
// server on 127.0.0.1, and robust statistics (medians and ranges, never one run).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
];

/** Launches headless Chromium or exits with a clear message. */
export async function launch() {
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`No Chromium at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH.`);
    process.exit(2);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', json: 'application/json' };

/**
 * Serves `routes` (path → { body | file, type }) on 127.0.0.1 and accepts any POST
 * (as a collector stand-in that counts bytes). Returns { url, posts, close }.
 */
export function serve(routes) {
  const posts = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (req.method === 'POST') {
      let size = 0;
      req.on('data', (c) => (size += c.length));
      req.on('end', () => {
        posts.push({ path, bytes: size });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      return;
    }
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const body = route.file ? readFileSync(route.file) : route.body;
    res.writeHead(200, { 'content-type': TYPES[route.type] ?? route.type, 'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, posts, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
    });
  });
}

/** Total main-thread task time (ms) Chromium has recorded for a page so far. */
export async function taskMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value * 1000;
}

/** Main-thread CPU time (ms, Chromium's ThreadTime) so far: unlike TaskDuration it leaves out time the OS gave other processes. */
export async function threadMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ThreadTime').value * 1000;
}

/** Median, min, max, p99 of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n) => Math.round(n * 100) / 100;
  return { median: round(at(0.5)), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), p99: round(at(0.99)), n: values.length };
}

/** `--runs N` from the command line, or the default. */
export function runsArg(fallback) {
  const i = process.argv.indexOf('--runs');
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Where the script-tag build is read from: `dist`, or a snapshot of it named by `BENCH_DIST`. */
export const DIST = process.env.BENCH_DIST ?? 'dist';

/** Routes serving the script-tag build as a site would: the core and the files it loads from its folder. */
export function sdkRoutes(prefix = '/') {
  const routes = {};
  for (const name of ['onetoone.min.js', 'onetoone-stage.min.js', 'onetoone-dialog.min.js']) {
    if (existsSync(`${DIST}/${name}`)) routes[prefix + name] = { type: 'js', file: `${DIST}/${name}` };
  }
  return routes;
}
