/**
 * The IndexedDB event log: a ring of per-commit chunks that always holds
 * exactly the newest STORE_LIMITS.eventLog events, whatever the mix of batch
 * sizes, including chunks that straddle the bound and version-2 single-event entries.
 */
import 'fake-indexeddb/auto';
import { createStore, promisifyRequest } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/core/events.js';
import { applyAll } from '../../src/core/profile.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { STORE_LIMITS } from '../../src/store/state.js';

const LIMIT = STORE_LIMITS.eventLog;
const reduce = applyAll;
const event = (i: number): TrackedEvent => ({ name: 'tick', ts: 1_700_000_000_000 + i, props: { i } });
let n = 0;

async function logKeys(name: string): Promise<IDBValidKey[]> {
  const raw = createStore(name, 'kv');
  return raw('readonly', (s) => promisifyRequest(s.getAllKeys(IDBKeyRange.bound(['e', 0], ['e', Infinity]))));
}

// Batch sizes (as data): each row commits these batches in order, then the log must hold the newest LIMIT events.
const cases: Array<[string, number[]]> = [
  ['one burst larger than the ring', [LIMIT * 2 + 7]],
  ['single events past the bound', Array.from({ length: LIMIT + 3 }, () => 1)],
  ['a chunk straddling the bound', [300, 300]],
  ['many chunks, one straddler', [100, 150, 200, 90, 60]],
  ['a burst after a full ring', [LIMIT, 1, LIMIT - 1, 2]],
  ['exactly the bound', [LIMIT / 2, LIMIT / 2]],
];

describe('event log ring', () => {
  it.each(cases)('%s keeps exactly the newest events, in order', async (_label, batches) => {
    const name = 'log-' + n++;
    const store = createIdbStore(name);
    let next = 0;
    for (const size of batches) {
      await store.commit(Array.from({ length: size }, () => event(next++)), reduce);
    }
    const log = await store.readEvents();
    const expected = Array.from({ length: Math.min(next, LIMIT) }, (_, i) => next - Math.min(next, LIMIT) + i);
    expect(log.map((e) => e.props.i)).toEqual(expected);
    // Bounded storage, not only a bounded read: no chunk holds a dropped event.
    const keys = (await logKeys(name)).map((k) => (k as [string, number])[1]);
    expect(Math.min(...keys)).toBe(expected[0]);
    expect((await store.loadProfile()).own.fields['n.tick']).toEqual({ k: 'c', v: next });
  });

  it('writes one chunk per commit, not one record per event', async () => {
    const name = 'log-' + n++;
    const store = createIdbStore(name);
    await store.commit(Array.from({ length: 40 }, (_, i) => event(i)), reduce);
    await store.commit([event(40)], reduce);
    expect(await logKeys(name)).toEqual([['e', 0], ['e', 40]]);
  });

  it('reads version-2 single-event entries as chunks of one and trims them', async () => {
    const name = 'log-' + n++;
    const raw = createStore(name, 'kv');
    await raw('readwrite', (s) => {
      s.put(2, 'schema');
      for (let i = 0; i < LIMIT; i++) s.put(event(i), ['e', i]);
      s.put(LIMIT, 'log');
      return promisifyRequest(s.transaction);
    });
    const store = createIdbStore(name);
    await store.commit([event(LIMIT), event(LIMIT + 1)], reduce);
    const log = await store.readEvents();
    expect(log).toHaveLength(LIMIT);
    expect(log[0]?.props.i).toBe(2);
    expect(log.at(-1)?.props.i).toBe(LIMIT + 1);
  });
});
