/**
 * Server faults, each against the rules of docs/protocol.md: 408, 429, 5xx,
 * a network error, a hung connection and a lost answer are retried with the
 * same batch id until delivered; 400 and 413 are dropped after one attempt
 * and counted; a malformed or slow 200 answer is a delivery. Attempts are
 * counted per batch id from the requests Chromium actually sent.
 */
import type { Page, Request } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { Fault } from '../../demo/collector/server.js';
import { describeBrowser, useBrowserAndServer, waitFor, watchErrors } from '../browser/harness.js';
import { call, openSyncPage, read, readStored, trackMany } from '../browser/sync-helpers.js';
import { report } from './scale.js';
import { startCollector } from './server.js';

/** A fault and what the protocol says must follow. */
interface Case {
  name: string;
  /** A collector fault, or a route that answers in the collector's place. */
  fault?: Fault;
  route?: (request: Request, answer: (status: number, body: string) => Promise<void>, forward: () => Promise<void>) => Promise<void>;
  /** Delivered to the collector in the end (false: dropped by design). */
  kept: boolean;
  attempts: number;
  /** Attempts the collector saw, when they differ from what the page sent (Chromium resends a 408 itself). */
  atCollector?: number;
  /** Least time from the first attempt to the second, ms. */
  waitsMs?: number;
}

const CASES: Case[] = [
  { name: '500', fault: { status: 500 }, kept: true, attempts: 2 },
  { name: '503 Retry-After: 2', fault: { status: 503, retryAfter: '2' }, kept: true, attempts: 2, waitsMs: 2000 },
  { name: '429 Retry-After: 1', fault: { status: 429, retryAfter: '1' }, kept: true, attempts: 2, waitsMs: 1000 },
  // Chromium's network stack answers a 408 on a reused connection by resending the request itself, so the page may see one attempt.
  { name: '408', fault: { status: 408 }, kept: true, attempts: 2, atCollector: 2 },
  { name: '502 after applying (answer lost)', fault: { status: 502, apply: true }, kept: true, attempts: 2 },
  { name: '400', fault: { status: 400 }, kept: false, attempts: 1 },
  { name: '413', fault: { status: 413 }, kept: false, attempts: 1 },
  { name: 'network error', route: async (r) => void r, kept: true, attempts: 2 },
  { name: '200 with malformed JSON', route: async (_r, answer, forward) => (await forward(), answer(200, '{"ok":tru')), kept: true, attempts: 1 },
  { name: '503 with malformed JSON', route: async (_r, answer) => answer(503, '<html>'), kept: true, attempts: 2 },
  { name: 'slow answer (4 s)', route: async (_r, answer, forward) => (await forward(), await new Promise((r) => setTimeout(r, 4000)), answer(200, '{"ok":true}')), kept: true, attempts: 1 },
  { name: 'hung connection', fault: { hang: true }, kept: true, attempts: 2 },
];

describeBrowser('reliability: server faults', () => {
  const env = useBrowserAndServer({ server: startCollector, context: true });
  let page: Page;
  let errors: string[];
  /** Batch ids of every POST /v1/batch Chromium sent, with the time. */
  const sent: Array<{ id: string; at: number; event: string }> = [];
  beforeAll(async () => {
    const { context, server } = env;
    context.on('request', (request) => {
      if (!request.url().endsWith('/v1/batch')) return;
      const body = JSON.parse(request.postData() ?? '{}') as { id: string; deltas: Array<{ key: string }> };
      sent.push({ id: body.id, at: Date.now(), event: body.deltas.map((d) => d.key).join(' ') });
    });
    page = await openSyncPage(context, server.url, { 'flush-interval-ms': '600000' });
    errors = watchErrors(page);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.kept ? `retried with the same id until delivered` : 'dropped after one attempt'}`, async () => {
      const event = 'fault_' + c.name.toLowerCase().replace(/\W+/g, '_');
      expect(await trackMany(page, event, 3)).toEqual([true, true, true]);
      const dropsBefore = (await read(page, 'counters'))['sync:dropped-batch'] ?? 0;
      let routed = false;
      if (c.fault) env.server.faults.push(c.fault);
      if (c.route) {
        const route = c.route;
        await page.route('**/v1/batch', async (r) => {
          if (routed) return r.continue();
          routed = true;
          if (c.name === 'network error') return r.abort('connectionreset');
          const forward = async (): Promise<void> => void (await r.fetch());
          await route(r.request(), (status, body) => r.fulfill({ status, body, headers: { 'access-control-allow-origin': '*' } }), forward);
        });
      }
      const started = Date.now();
      const seenBefore = env.server.requests.filter((r) => r.path === '/v1/batch').length;
      void call(page, 'flush');
      const stored = await waitFor(async () => {
        const s = await readStored(page);
        return s.queue.length === 0 && s.outbox.length === 0 ? s : undefined;
      }, 60_000, `${c.name} to settle`);
      if (c.route) await page.unroute('**/v1/batch');
      const mine = sent.filter((s) => s.event.includes('n.' + event));
      const ids = new Set(mine.map((s) => s.id));
      const device = stored.device as string;
      const remote = (await env.server.store.device(device))?.fields['n.' + event];
      const remoteCount = remote?.k === 'c' ? remote.v : 0;
      const atCollector = env.server.requests.filter((r) => r.path === '/v1/batch').length - seenBefore;
      const attemptsOk = c.atCollector ? atCollector === c.atCollector && mine.length <= c.attempts : mine.length === c.attempts;
      const drops = ((await read(page, 'counters'))['sync:dropped-batch'] ?? 0) - dropsBefore;
      const lost = c.kept ? 3 - remoteCount : 0;
      const violations = Number(ids.size !== 1) + Number(!attemptsOk) + Number(!c.kept && (remoteCount !== 0 || drops !== 1));
      report({
        scenario: `Server fault: ${c.name}`,
        load: '3 events, 1 batch',
        faults: c.name,
        lost,
        duplicated: Math.max(0, remoteCount - 3),
        violations,
        notes: `${mine.length} attempt(s) of ${ids.size} batch id(s) (${atCollector} at the collector)${mine.length > 1 ? `, retry after ${(mine[1]!.at - mine[0]!.at)} ms` : ''}; ${c.kept ? 'delivered' : `dropped, sync:dropped-batch +${drops}`}; settled in ${Date.now() - started} ms`,
      });
      expect(ids.size).toBe(1);
      expect(attemptsOk, `${mine.length} attempts from the page, ${atCollector} at the collector`).toBe(true);
      if (c.waitsMs) expect(mine[1]!.at - mine[0]!.at).toBeGreaterThanOrEqual(c.waitsMs - 50);
      expect(remoteCount).toBe(c.kept ? 3 : 0);
      if (!c.kept) expect(drops).toBe(1);
    });
  }

  it('never let a fault escape into the page', () => {
    // Chromium logs failed and aborted requests itself; anything else is the SDK's doing.
    expect(errors.filter((e) => !/Failed to load resource|net::ERR_|status of (4|5)\d\d/.test(e))).toEqual([]);
  });
});
