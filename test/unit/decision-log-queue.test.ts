import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Decision, decideSlot } from '../../src/core/decide.js';
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { parseModel } from '../../src/core/model.js';
import { attribute, eventId } from '../../src/core/outcomes.js';
import { emptyProfile } from '../../src/core/profile.js';
import { snapshotAt } from './support/snapshot-at.js';
import { createDebugLog } from '../../src/debug/log.js';
import { LOG_KEY, type LogState, MAX_QUEUED_DECISIONS, MAX_REQUEST_BYTES, appendToLog, cutRequest, settleRequest } from '../../src/log/decision-queue.js';
import { type DecisionLog, LOG_KEEPALIVE_BYTES, startDecisionLog } from '../../src/log/decision-logger.js';
import { validateTrack } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { type EventWriter, eventWriter } from '../../src/second/event-writer.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import type { Store } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const MIN = 60_000;
const ev = (name: string, ts: number, props: TrackedEvent['props'] = {}, value?: number): TrackedEvent => ({ name, ts, props, ...(value === undefined ? {} : { value }) });
const parsed = parseModel({ version: 1, id: 'm1', holdout: 0, slots: { hero: [{ id: 'a', tags: [] }, { id: 'b', tags: [] }], side: [{ id: 'c', tags: [] }] } });
if (!parsed.ok) throw new Error(parsed.reason);
const model = parsed.model;
const decide = (slot: string): Decision => decideSlot(slot, [], snapshotAt(emptyProfile(), T0), model, { visitor: 'v' });

describe('attribution (pure)', () => {
  const page = [{ id: 'd-hero', slot: 'hero', variant: 'default' }, { id: 'd-side', slot: 'side', variant: 'default' }];

  it('impressions and clicks go to the page\'s decision of that slot; a purchase goes last-touch to every slot seen within 30 minutes, once per event id', () => {
    let last = {};
    const out: OutcomeRecord[] = [];
    for (const e of [
      ev('view_promotion', T0, { slot: 'hero', variant: 'default', group: 'personalized' }),
      ev('select_promotion', T0 + 1, { slot: 'side', variant: 'default' }),
      ev('view_promotion', T0 + 2, { slot: 'hero', variant: 'other' }),
      ev('purchase', T0 + 10 * MIN, {}, 42),
      ev('conversion', T0 + 40 * MIN),
    ]) {
      const step = attribute(e, page, last);
      last = step.last;
      out.push(...step.outcomes);
    }
    expect(out.map((o) => [o.d, o.k, o.v])).toEqual([
      ['d-hero', 'impression', undefined], ['d-side', 'click', undefined], ['d-hero', 'purchase', 42], ['d-side', 'purchase', 42],
    ]);
    const purchases = out.filter((o) => o.k === 'purchase');
    expect(new Set(purchases.map((o) => o.id)).size).toBe(1);
    expect(purchases[0]!.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('an event named like an Object.prototype member is no outcome, and the touch state stays as it was', () => {
    const last = { hero: { d: 'd-hero', t: T0 } };
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const step = attribute(ev(name, T0 + 1, { slot: 'hero', variant: 'default' }), page, last);
      expect(step).toEqual({ outcomes: [], last });
      expect(step.last).toBe(last);
    }
  });

  it('offers: offer_shown and offer_clicked go to the offer decision', () => {
    const step = attribute(ev('offer_clicked', T0, { offer: 'ten' }), [{ id: 'o', slot: 'offer', variant: 'ten' }], {});
    expect(step.outcomes).toEqual([{ id: eventId(ev('offer_clicked', T0, { offer: 'ten' })), d: 'o', k: 'click', t: T0 }]);
  });

  it('bounds the queue, dropping the oldest, and cuts requests within the count and byte bounds', () => {
    const record = (i: number): DecisionRecord => ({ id: `d${i}`, t: i, slot: 'hero', model: 'm', group: 'personalized', variant: 'a', candidates: ['default', 'a'], p: 0.5, pm: 'exact', f: { 'ctx.mobile': 1 }, cf: { a: { 'match.long': 0.5 } } });
    const many = Array.from({ length: MAX_QUEUED_DECISIONS + 20 }, (_, i) => record(i));
    const [state, dropped] = appendToLog(undefined, many, [], []);
    expect(dropped).toBe(20);
    expect(state.d[0]!.id).toBe('d20');
    const cut = cutRequest(state, 'r1');
    expect(cut[0].out!.decisions.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(cut[0].out).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(cut[0].d.length + cut[0].out!.decisions.length).toBe(MAX_QUEUED_DECISIONS);
    // A request is cut once, then resent as it is until answered.
    expect(cutRequest(cut[0], 'r2')[0].out!.id).toBe('r1');
    const small = cutRequest(state, 'k', LOG_KEEPALIVE_BYTES);
    expect(JSON.stringify(small[0].out).length).toBeLessThanOrEqual(LOG_KEEPALIVE_BYTES);
  });

  it('never sends an outcome before its decision (the collector would refuse it): it waits, in order, for the request that carries the decision', () => {
    const record = (i: number): DecisionRecord => ({ id: `d${i}`, t: i, slot: 'hero', model: 'm', group: 'personalized', variant: 'a', candidates: ['default', 'a'], p: 0.5, pm: 'exact', f: {}, cf: {} });
    const outcome = (d: string, i: number): OutcomeRecord => ({ id: `e${i}`, d, k: 'impression', t: i });
    const state: LogState = { d: Array.from({ length: 150 }, (_, i) => record(i)), o: [outcome('d149', 1), outcome('d0', 2), outcome('d120', 3), outcome('d1', 4)], last: {} };
    const [first] = cutRequest(state, 'r1');
    expect(first.out!.decisions.length).toBeGreaterThan(90);
    expect(first.out!.decisions.length).toBeLessThan(120);
    expect(first.out!.outcomes.map((o) => o.id)).toEqual(['e2', 'e4']);
    expect(first.o.map((o) => o.id)).toEqual(['e1', 'e3']);
    const [second] = cutRequest(settleRequest(first, 'r1'), 'r2');
    expect(second.out!.decisions.map((d) => d.id)).toContain('d149');
    expect(second.out!.outcomes.map((o) => o.id)).toEqual(['e1', 'e3']);
    expect([second.d, second.o]).toEqual([[], []]);
  });
});

describe('decision log queue (IndexedDB, fake fetch)', () => {
  let store: Store;
  let answers: Array<{ status: number; headers?: Record<string, string> }>;
  let bodies: Array<Record<string, unknown> & { decisions: DecisionRecord[]; outcomes: OutcomeRecord[] }>;
  let decisions: Decision[];
  const logs: DecisionLog[] = [];
  const counters = createDebugLog(false);
  let db = 0;

  const start = (s = store, own?: Decision[], background?: EventWriter['background']): DecisionLog => {
    const l = startDecisionLog({
      endpoint: 'http://127.0.0.1:1', writeKey: 'wk', store: s, log: counters, prove: async () => 'key-1',
      decisions: () => own ?? decisions, flushIntervalMs: 50, lockName: 'log-test-' + db, background,
    });
    logs.push(l);
    return l;
  };
  const queued = async (s = store): Promise<LogState | undefined> => s.update<LogState>(LOG_KEY, (x) => x);

  beforeEach(() => {
    store = createIdbStore('log-test-' + ++db);
    answers = [];
    bodies = [];
    decisions = [decide('hero'), decide('side')];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      expect(url).toBe('http://127.0.0.1:1/v1/decisions');
      bodies.push(JSON.parse(String(init.body)));
      const a = answers.shift() ?? { status: 200 };
      return new Response(JSON.stringify({ ok: a.status === 200 }), { status: a.status, headers: a.headers });
    });
  });
  afterEach(() => {
    logs.splice(0).forEach((l) => l.stop());
    vi.unstubAllGlobals();
  });

  it('sends decisions and attributed outcomes with the device credential, and empties the queue on 200', async () => {
    const l = start();
    l.observe([ev('view_promotion', Date.now(), { slot: 'hero', variant: 'default' }), ev('purchase', Date.now() + 1, {}, 10)]);
    await l.flush();
    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(body).toMatchObject({ v: 2, device: await store.deviceId(), deviceKey: 'key-1', writeKey: 'wk' });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(body.decisions.map((d) => [d.slot, d.variant, d.p, d.group])).toEqual([['hero', 'default', 1, 'personalized'], ['side', 'default', 1, 'personalized']]);
    const hero = body.decisions[0]!.id;
    expect(body.outcomes.map((o) => [o.d, o.k, o.v])).toEqual([[hero, 'impression', undefined], [hero, 'purchase', 10]]);
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const state = await queued();
    expect([state?.d, state?.o, state?.out]).toEqual([[], [], undefined]);
    // Each decision is logged once per page, however often the page flushes.
    await l.flush();
    expect(bodies).toHaveLength(1);
  });

  it('retries 5xx, 429 and network errors with the same request id; drops and counts a 4xx', async () => {
    answers = [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200 }];
    const l = start();
    l.observe([]);
    await l.flush();
    expect(counters.counters['log:retry']).toBeGreaterThanOrEqual(1);
    expect((await queued())?.out?.id).toBe(bodies[0]!.id);
    await l.flush();
    await l.flush();
    expect(bodies.map((b) => b.id)).toEqual([bodies[0]!.id, bodies[0]!.id, bodies[0]!.id]);
    expect((await queued())?.out).toBeUndefined();

    decisions = [decide('hero')];
    answers = [{ status: 400 }];
    const before = counters.counters['log:dropped-request'] ?? 0;
    await l.flush();
    expect(counters.counters['log:dropped-request']).toBe(before + 1);
    expect(await queued()).toMatchObject({ d: [], o: [] });
    expect((await queued())?.out).toBeUndefined();
  });

  it('survives a reload while offline: the next page sends what the last one queued', async () => {
    answers = [{ status: 0 }];
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('offline');
    });
    const first = start();
    first.observe([ev('select_promotion', Date.now(), { slot: 'hero', variant: 'default' })]);
    await first.flush();
    first.stop();
    expect((await queued())?.out?.decisions).toHaveLength(2);
    // A new page on the same database, back online.
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{}', { status: 200 });
    });
    decisions = [];
    const second = start(createIdbStore('log-test-' + db));
    await second.flush();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.decisions).toHaveLength(2);
    expect(bodies[0]!.outcomes.map((o) => o.k)).toEqual(['click']);
  });

  it('two tabs share one queue: every decision and outcome is sent once, one tab at a time', async () => {
    // Each tab has its own page, decisions and connection; they share the database and the lock.
    const tabA = start(store, [decide('hero'), decide('side')]);
    const tabB = start(createIdbStore('log-test-' + db), [decide('side')]);
    tabA.observe([ev('view_promotion', Date.now(), { slot: 'hero', variant: 'default' })]);
    tabB.observe([ev('view_promotion', Date.now(), { slot: 'side', variant: 'default' })]);
    await Promise.all([tabA.flush(), tabB.flush(), tabA.flush(), tabB.flush()]);
    await tabA.flush();
    await tabB.flush();
    const sent = bodies.flatMap((b) => b.decisions.map((d) => d.id));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(bodies.length);
    expect(new Set(sent).size).toBe(sent.length);
    expect(bodies.flatMap((b) => b.decisions.map((d) => d.slot)).sort()).toEqual(['hero', 'side', 'side']);
    expect(bodies.flatMap((b) => b.outcomes.map((o) => o.k))).toEqual(['impression', 'impression']);
    expect(await queued()).toMatchObject({ d: [], o: [] });
  });

  it('holdout and preview decisions are logged with p = 1 and get their outcomes too', async () => {
    const held = parseModel({ version: 1, id: 'm1', holdout: 0.5, slots: model.slots });
    if (!held.ok) throw new Error(held.reason);
    const visitor = Array.from({ length: 50 }, (_, i) => `v${i}`).find((v) => decideSlot('hero', [], snapshotAt(emptyProfile(), T0), held.model, { visitor: v }).group === 'holdout')!;
    const holdout = decideSlot('hero', [], snapshotAt(emptyProfile(), T0), held.model, { visitor });
    const preview = decideSlot('side', [], snapshotAt(emptyProfile(), T0), model, { visitor: 'v', preview: 'c' });
    const l = start(store, [holdout, preview]);
    l.observe([
      ev('view_promotion', Date.now(), { slot: 'hero', variant: 'default', group: 'holdout' }),
      ev('select_promotion', Date.now() + 1, { slot: 'side', variant: 'c', group: 'preview' }),
      ev('purchase', Date.now() + 2, {}, 30),
    ]);
    await l.flush();
    const body = bodies[0]!;
    expect(body.decisions.map((d) => [d.slot, d.group, d.variant, d.p])).toEqual([['hero', 'holdout', 'default', 1], ['side', 'preview', 'c', 1]]);
    const [h, p] = body.decisions.map((d) => d.id);
    expect(body.outcomes.map((o) => [o.d, o.k, o.v])).toEqual([[h, 'impression', undefined], [p, 'click', undefined], [h, 'purchase', 30], [p, 'purchase', 30]]);
  });

  it('events attribution does nothing with (a page view, a scroll) cost the log no write', async () => {
    const updates: string[] = [];
    const { update } = store;
    store.update = (key, fn) => (updates.push(key), update(key, fn));
    const l = start(store, []);
    l.observe([ev('page_view', Date.now()), ev('scroll', Date.now() + 1, { depth: 50 })]);
    await l.flush();
    // The send's own read of the queue only: nothing was written for those events.
    expect(updates).toEqual([LOG_KEY]);
    expect(bodies).toEqual([]);
    l.observe([ev('purchase', Date.now() + 2, {}, 10)]);
    await l.flush();
    expect(updates).toEqual([LOG_KEY, LOG_KEY, LOG_KEY]);
  });

  it('a page without decisions sends what an earlier page queued once it records anything', async () => {
    const earlier = start();
    await vi.waitFor(async () => expect((await queued())?.d).toHaveLength(2));
    earlier.stop();
    const l = start(store, []);
    l.observe([ev('page_view', Date.now())]);
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0]!.decisions.map((d) => d.slot)).toEqual(['hero', 'side']);
  });

  it('a keepalive flush sends one small request', async () => {
    const l = start();
    l.observe([]);
    await l.flush(true);
    expect(bodies).toHaveLength(1);
    expect(new TextEncoder().encode(JSON.stringify(bodies[0])).length).toBeLessThanOrEqual(LOG_KEEPALIVE_BYTES);
  });

  it('a stopped log (consent withdrawn, forget) records and sends nothing', async () => {
    const l = start();
    l.stop();
    l.observe([ev('view_promotion', Date.now(), { slot: 'hero', variant: 'default' })]);
    await l.flush();
    expect(bodies).toEqual([]);
    expect(await queued()).toBeUndefined();
  });

  describe('behind the page\'s own events (the event writer\'s background turn)', () => {
    /** A writer on `store` and what IndexedDB was asked to write, in the order the writes finished. */
    const pageWriter = (): { writer: EventWriter; writes: string[]; track: (name: string) => Promise<boolean> } => {
      const writes: string[] = [];
      const { commit, update } = store;
      store.commit = async (events, reduce) => {
        const result = await commit(events, reduce);
        writes.push('commit:' + events.map((e) => e.name).join('+'));
        return result;
      };
      store.update = async (key, fn) => {
        const value = await update(key, fn);
        writes.push('update:' + key);
        return value;
      };
      const writer = eventWriter({ store: () => store, reduce: (p, e) => applyAll(p, e), log: counters, committed: () => undefined });
      writer.start();
      const track = (name: string): Promise<boolean> => writer.accept(validateTrack(name, { items: [{ id: 'sku-1' }] }, Date.now(), 0), {}, name);
      return { writer, writes, track };
    };

    it('writes the page\'s decisions at start after an add to cart that was waiting behind the page\'s previous commit', async () => {
      const { writer, writes, track } = pageWriter();
      const viewed = track('view_item');
      await Promise.resolve();
      // The view's commit runs; the add waits for it when the log starts.
      const added = track('add_to_cart');
      start(store, undefined, writer.background);
      await expect(Promise.all([viewed, added])).resolves.toEqual([true, true]);
      await vi.waitFor(() => expect(writes).toContain('update:decision-log'));
      expect(writes).toEqual(['commit:view_item', 'commit:add_to_cart', 'update:decision-log']);
      expect((await queued())?.d.map((d) => d.slot)).toEqual(['hero', 'side']);
    });

    it('writes nothing once stopped while it waited (forget() may have erased the store meanwhile)', async () => {
      const { writer, writes, track } = pageWriter();
      const added = track('add_to_cart');
      const l = start(store, undefined, writer.background);
      await Promise.resolve();
      l.stop();
      await added;
      await writer.settled();
      await l.flush();
      expect(writes).toEqual(['commit:add_to_cart']);
      expect(await queued()).toBeUndefined();
    });
  });
});
