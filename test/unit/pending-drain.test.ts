/**
 * The pre-stage buffer as the second stage drains it: whatever storage holds
 * (another script may have written anything there), only well-formed calls of
 * the kinds the first file writes come out, in the order they were made;
 * everything else is dropped and counted, never thrown.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDebugLog } from '../../src/debug/log.js';
import { PENDING_MAX_AGE_MS, drainPending, pendingCalls } from '../../src/second/drain.js';
import { appendLocalPending, takeLocalPending } from '../../src/store/pending-local.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { PENDING_LIMIT } from '../../src/store/setup.js';

const NOW = 1_800_000_000_000;

describe('pendingCalls', () => {
  it('keeps well-formed calls and reads a future time as now', () => {
    const log = createDebugLog(false);
    const calls = pendingCalls([[NOW - 10, 'track', 'view_item', { value: 1 }], [NOW + 60_000, 'record', { name: 'page_view' }], [NOW - 5, 'forget']], log, NOW);
    expect(calls).toEqual([[NOW - 10, 'track', 'view_item', { value: 1 }], [NOW, 'record', { name: 'page_view' }], [NOW - 5, 'forget']]);
    expect(log.counters).toEqual({});
  });

  it('drops and counts what the first file never writes', () => {
    const log = createDebugLog(false);
    const hostile = [
      null, 'track', {}, [], ['track'], [NaN, 'track'], [NOW, 'setConsent', 'granted'], [NOW, 'constructor'], [NOW, '__proto__'],
      [NOW - PENDING_MAX_AGE_MS - 1, 'track', 'old'], [String(NOW), 'track', 'x'], [-Infinity, 'track', 'x'],
    ];
    expect(pendingCalls(hostile, log, NOW)).toEqual([]);
    expect(log.counters['pending:invalid']).toBe(hostile.length);
    expect(pendingCalls({ not: 'a list' }, log, NOW)).toEqual([]);
    expect(pendingCalls(undefined, log, NOW)).toEqual([]);
  });

  it('drops malformed entries without throwing when the clock reads 1970 (a device whose clock was reset)', () => {
    const log = createDebugLog(false);
    const early = 1_000;
    const hostile = [null, 'track', {}, [], ['track'], [NaN, 'track'], [String(early), 'track', 'x']];
    expect(pendingCalls([...hostile, [early - 10, 'track', 'kept']], log, early)).toEqual([[early - 10, 'track', 'kept']]);
    expect(log.counters['pending:invalid']).toBe(hostile.length);
  });

  it('never throws, whatever is stored', () => {
    fc.assert(fc.property(fc.anything(), (stored) => {
      const calls = pendingCalls(stored, createDebugLog(false), NOW);
      for (const call of calls) expect(['track', 'identify', 'record', 'forget']).toContain(call[1]);
    }));
  });

  it('keeps the newest calls beyond the limit', () => {
    const stored = Array.from({ length: PENDING_LIMIT + 5 }, (_, i) => [NOW - 10_000 + i, 'track', 'e' + i]);
    const calls = pendingCalls(stored, createDebugLog(false), NOW);
    expect(calls).toHaveLength(PENDING_LIMIT);
    expect(calls[0]?.[2]).toBe('e5');
  });
});

describe('drainPending', () => {
  it('takes the localStorage copy in call order with the store chunks, once', async () => {
    const database = 'drain-test';
    const now = Date.now();
    appendLocalPending(database, [[now - 20, 'track', 'second'], [now - 10, 'track', 'third']]);
    const store = { ...createMemoryStore(), takePending: async () => [[now - 30, 'track', 'first'], [now - 5, 'record', { name: 'page_view' }]] };
    const log = createDebugLog(false);
    expect((await drainPending(store, database, log)).map((call) => call[2])).toEqual(['first', 'second', 'third', { name: 'page_view' }]);
    expect(takeLocalPending(database)).toEqual([]);
  });

  it('reads an unreadable localStorage copy as nothing', () => {
    localStorage.setItem('o2o.pending.broken', '{not json');
    expect(takeLocalPending('broken')).toEqual([]);
  });
});
