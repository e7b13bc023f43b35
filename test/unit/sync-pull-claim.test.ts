import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import type { TrackedEvent } from '../../src/core/events.js';
import { type Profile, applyAll } from '../../src/core/profile.js';
import { createDebugLog } from '../../src/debug/log.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startSync } from '../../src/sync/connect.js';

const config = resolveConfig({ endpoint: 'http://127.0.0.1:9/', flushIntervalMs: 600_000 });
const host = { reduce: (p: Profile, events: readonly TrackedEvent[]) => applyAll(p, events), exclusive: (task: () => Promise<void>) => task() };

afterEach(() => vi.unstubAllGlobals());

describe('profile and model pull', () => {
  it.each([
    ['a network error releases the claim so the next page pulls again', () => Promise.reject(new TypeError('Failed to fetch')), false],
    ['a successful pull keeps its time so tabs do not pull again for the interval', () => Promise.resolve(new Response('{}', { status: 200, headers: { etag: '"1"' } })), true],
  ])('%s', async (_label, answer, claimed) => {
    vi.stubGlobal('fetch', vi.fn(answer));
    const store = createMemoryStore();
    const sync = startSync(config, store, createDebugLog(false), () => undefined, false, host);
    await sync.pull(true);
    sync.stop();
    expect((await store.update<number>('pulled', (at) => at)) !== undefined).toBe(claimed);
  });

  it('a device this page created pulls the model but not its profile, which the backend cannot have, until a forced pull', async () => {
    const fetch = vi.fn(async () => new Response('{}', { status: 200, headers: { etag: '"1"' } }));
    vi.stubGlobal('fetch', fetch);
    const store = createMemoryStore();
    const sync = startSync(config, store, createDebugLog(false), () => undefined, true, host);
    const paths = (): string[] => fetch.mock.calls.map((call) => new URL(String((call as unknown[])[0])).pathname);
    await sync.pull();
    // Registration (protocol v2) precedes any pull of the device's data; the profile is not asked for.
    expect(paths().sort()).toEqual(['/v1/device', '/v1/model']);
    await sync.pull(true);
    expect(paths()).toContain('/v1/profile');
    expect(paths().filter((p) => p === '/v1/device')).toHaveLength(1);
    sync.stop();
  });
});
