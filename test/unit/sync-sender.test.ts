import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { createDebugLog } from '../../src/debug/log.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import type { Batch } from '../../src/sync/batch.js';
import { OUTBOX, createSender } from '../../src/sync/sender.js';
import type { SyncRequest, TransportResult } from '../../src/sync/transport.js';

async function track(store: Store, name: string, times = 1): Promise<void> {
  const result = validateEvent({ name, props: {} }, Date.now());
  if (!result.ok) throw new Error(result.reason);
  await store.commit(Array.from({ length: times }, () => result.event), (p, e) => applyAll(p, e));
}

describe('sender', () => {
  let store: Store;
  let answers: TransportResult[];
  let sent: Batch[];
  const log = createDebugLog(false);
  const transport = async (request: SyncRequest): Promise<TransportResult> => {
    if (request.kind === 'batch') sent.push(request.batch);
    return answers.shift() ?? { status: 200 };
  };
  const senders: Array<{ stop(): void }> = [];
  // The database name also names the cross-tab send lock: one per sender.
  const settings = (databaseName: string) => ({ flushIntervalMs: 100, databaseName });
  const sender = () => {
    const s = createSender(settings('test-lock-' + Math.random()), store, log, transport);
    senders.push(s);
    return s;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    store = createMemoryStore();
    answers = [];
    sent = [];
  });
  afterEach(() => {
    senders.splice(0).forEach((s) => s.stop());
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('removes deltas only after a 2xx, and compacts many events to one delta per key', async () => {
    await track(store, 'view', 50);
    await sender().flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.deltas.filter((d) => d.key === 'n.view')).toEqual([{ s: expect.any(Number), key: 'n.view', f: { k: 'c', v: 50 } }]);
    expect(await store.readQueue()).toEqual([]);
    expect(await store.update(OUTBOX, (b) => b)).toEqual([]);
  });

  it('retries a failed batch with the same id after the backoff, honouring Retry-After', async () => {
    await track(store, 'view');
    answers = [{ status: 503, retryAfterMs: 4000 }, { status: 0 }];
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const s = sender();
    await s.flush();
    expect((await store.readQueue()).length).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(3999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((b) => b.id)).size).toBe(1);
    expect(sent[2]!.sentAt).toBeGreaterThan(sent[0]!.sentAt);
    expect(await store.readQueue()).toEqual([]);
  });

  it('keeps writes made while a batch was in flight', async () => {
    await track(store, 'view');
    let release: (r: TransportResult) => void = () => undefined;
    const s = createSender(settings('l2'), store, log, (r) => {
      if (r.kind === 'batch') sent.push(r.batch);
      return sent.length > 1 ? Promise.resolve({ status: 200 }) : new Promise((resolve) => (release = resolve));
    });
    senders.push(s);
    const flushing = s.flush();
    for (let i = 0; i < 50 && !sent.length; i++) await vi.advanceTimersByTimeAsync(1);
    await track(store, 'view', 2);
    release({ status: 200 });
    await flushing;
    // The newer value of the same key survived the acknowledgement and went out in a second batch.
    expect(sent.map((b) => b.deltas.find((d) => d.key === 'n.view')?.f)).toEqual([{ k: 'c', v: 1 }, { k: 'c', v: 3 }]);
    expect(await store.readQueue()).toEqual([]);
  });

  it('drops a batch answered with another 4xx and counts it', async () => {
    await track(store, 'view');
    answers = [{ status: 400 }];
    const before = log.counters['sync:dropped-batch'] ?? 0;
    await sender().flush();
    expect(await store.readQueue()).toEqual([]);
    expect(log.counters['sync:dropped-batch']).toBe(before + 1);
  });

  it('a network error (the transport throws) is retried', async () => {
    await track(store, 'view');
    let calls = 0;
    const s = createSender(settings('l3'), store, log, async () => {
      if (++calls === 1) throw new TypeError('Failed to fetch');
      return { status: 200 };
    });
    senders.push(s);
    await s.flush();
    expect((await store.readQueue()).length).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(await store.readQueue()).toEqual([]);
  });

  it('the online event flushes at once', async () => {
    await track(store, 'view');
    answers = [{ status: 0 }];
    await sender().flush();
    expect(sent).toHaveLength(1);
    dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(2);
  });

  it('on pagehide sends only what fits in the keepalive budget, the rest later', async () => {
    const events = Array.from({ length: 1500 }, (_, i) => validateEvent({ name: `an_event_with_quite_a_long_name_${i}`, props: {} }, Date.now()));
    await store.commit(events.flatMap((r) => (r.ok ? [r.event] : [])), (p, e) => applyAll(p, e));
    const s = sender();
    await s.flush(true);
    const bytes = sent.reduce((sum, b) => sum + JSON.stringify(b).length, 0);
    expect(sent.length).toBeGreaterThan(1);
    expect(bytes).toBeLessThan(64 * 1024);
    expect((await store.readQueue()).length).toBeGreaterThan(0);
    await s.flush();
    expect(await store.readQueue()).toEqual([]);
  });
});
