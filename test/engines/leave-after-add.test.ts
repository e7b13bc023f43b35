/**
 * The page's own events go ahead of the decision log (issue #16's known race),
 * in every engine. On a page with a decided slot, the visitor adds to cart at
 * the moment the decision log starts and wants to write the page's decisions,
 * while the page's previous commit (its product view) is still in flight, and
 * leaves the page in the same task without waiting for `track()` (see
 * test/pages/leave-after-add.js). Repeated {@link ROUNDS} times per engine,
 * one visitor:
 * - between the add and its commit, IndexedDB writes nothing but the page's
 *   own event commits (the decision log's and the pull's writes wait): read
 *   from the writes the page saw, in order;
 * - every add is in the next page's profile and event log, read back from
 *   IndexedDB.
 *
 * The next page answers after {@link NEXT_PAGE_MS} (a redirect through a
 * local server), as a real shop's next page does: an event is durable once its
 * IndexedDB commit is, and no script can make a commit finish before a
 * navigation that is faster than the commit itself. `O2O_NEXT_PAGE_MS=0`
 * navigates straight to the page on the test server (about 15–30 ms until the
 * old page is hidden), for measuring how often adds are lost then.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { poll } from './drivers/page-call.js';
import { profileNumber, sdkState, storedCounts } from './page.js';
import { describeEngines, useEngine } from './suite.js';

/** Adds per engine; each is one page left right after its add. */
const ROUNDS = 10;
/** How long the next page takes to answer, ms. */
const NEXT_PAGE_MS = Number(process.env.O2O_NEXT_PAGE_MS ?? 300);
/** Keys an event commit writes (`events:<names>` is a chunk of the event log; the decision snapshot is written in the same transaction; see src/store/idb-store.ts). */
const EVENT_COMMIT_KEYS = new Set(['profile', 'queue', 'log', 'snapshot']);

/** Page function: true once the page at `search` is loaded. */
function landed(search: string): boolean {
  return location.search === search && document.readyState === 'complete';
}

/** Page function: the writes the page that added `id` saw, in order (see test/pages/leave-after-add.js). */
function writesOf(id: string): string[] {
  return JSON.parse(sessionStorage.getItem('leave-after-add:' + id) ?? '[]') as string[];
}

/** The writes IndexedDB ran after the add was tracked and before its commit (or before the page was left), other than event commits. */
function aheadOfAdd(writes: readonly string[]): string[] {
  const after = writes.slice(writes.indexOf('track:add_to_cart') + 1);
  const commit = after.findIndex((w) => w.startsWith('events:') && w.split(/[:+]/).includes('add_to_cart'));
  return after.slice(0, commit < 0 ? undefined : commit).filter((w) => !w.startsWith('events:') && !EVENT_COMMIT_KEYS.has(w));
}

/** A local server whose every answer is a redirect to `?to=` after {@link NEXT_PAGE_MS}: a next page that takes its time. */
function slowNextPage(): { url: () => string; start: () => Promise<void>; close: () => Promise<void> } {
  let server: Server | undefined;
  return {
    url: () => `http://127.0.0.1:${(server?.address() as AddressInfo).port}/`,
    start: () =>
      new Promise((resolve) => {
        server = createServer((request, response) => {
          const to = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('to') ?? '';
          setTimeout(() => response.writeHead(302, { location: to }).end(), NEXT_PAGE_MS);
        });
        server.listen(0, '127.0.0.1', () => resolve());
      }),
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

const nextPage = slowNextPage();
beforeAll(() => (NEXT_PAGE_MS > 0 ? nextPage.start() : undefined));
afterAll(() => nextPage.close());

describeEngines('add to cart, then leave at once', (engine) => {
  const env = useEngine(engine);

  it(`writes each of ${ROUNDS} adds before the log's writes and keeps it across the navigation`, async () => {
    const session = await env.session();
    const page = `${env.shop.url}/test-pages/leave-after-add.html`;
    try {
      await session.goto(page);
      expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
      const rounds: Array<{ round: number; writes: string[]; ahead: string[]; inProfile: number | null; inLog: number }> = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const id = `sku-${round}`;
        const landing = `${page}?landed=${id}`;
        const next = NEXT_PAGE_MS > 0 ? `${nextPage.url()}?to=${encodeURIComponent(landing)}` : landing;
        // The landing page of the round before leaves for the page that adds and leaves (the driver does not wait for the latter).
        await session.evaluate((url: string) => void (location.href = url), `${page}?add=${id}&next=${encodeURIComponent(next)}`);
        // Evaluating while a navigation commits can fail (the old document is gone): that is "not yet".
        await poll(`round ${round}'s landing page`, 15_000, () => session.evaluate(landed, `?landed=${id}`).catch(() => false));
        expect(await session.evaluate(sdkState, 8000)).toMatchObject({ ready: true, storageMode: 'indexeddb' });
        const stored = await session.evaluate(storedCounts, 4000);
        const writes = await session.evaluate(writesOf, id);
        rounds.push({
          round,
          writes,
          ahead: aheadOfAdd(writes),
          inProfile: await session.evaluate(profileNumber, 'n.add_to_cart'),
          inLog: stored.eventNames.filter((n) => n === 'add_to_cart').length,
        });
      }
      // A round whose add is missing shifts the counts of every later round: each round must add exactly one.
      const lost = rounds.filter((r, i) => r.inLog !== (rounds[i - 1]?.inLog ?? 0) + 1).map((r) => r.round);
      const overtaken = rounds.filter((r) => r.ahead.length);
      console.info(`[leave-after-add] ${engine.name}, next page after ${NEXT_PAGE_MS} ms: ${lost.length} of ${ROUNDS} adds lost, ${overtaken.length} of ${ROUNDS} overtaken`
        + (overtaken.length ? ` (${overtaken.map((r) => `round ${r.round}: ${r.ahead.join(', ')}`).join('; ')})` : '')
        // What the page of a lost add wrote before it was left, for telling a slow commit from one overtaken.
        + lost.map((round) => `\n  round ${round} wrote: ${rounds[round - 1]?.writes.join(', ')}`).join(''));
      expect(rounds.map((r) => [r.round, r.ahead])).toEqual(rounds.map((r) => [r.round, []]));
      expect(lost).toEqual([]);
      expect(rounds.map((r) => [r.inProfile, r.inLog])).toEqual(rounds.map((r) => [r.round, r.round]));
      expect(await session.pageErrors()).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
