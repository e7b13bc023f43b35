/**
 * The client's side of verified identity and of the device key's life cycle
 * (protocol v2): identify()'s signature option, the `u.sig` register, the key
 * kept in memory only before consent and stored with the device id after,
 * and forget() erasing it remotely (proven) and locally.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { init } from '../../src/second/client.js';
import { takeSnapshot } from '../../src/debug/snapshot.js';
import { validateEvent } from '../../src/core/events.js';
import { applyAll, emptyProfile } from '../../src/core/profile.js';
import { createIdbStore } from '../../src/store/idb-store.js';
import { CREDENTIAL, type DeviceCredential } from '../../src/sync/credential.js';
import type { SyncRequest } from '../../src/sync/transport.js';

const SIG = 'a3f1'.repeat(16);
let db = 0;

const identifyEvent = (props: Record<string, unknown>) => {
  const result = validateEvent({ name: 'identify', props }, 1_700_000_000_000);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
};

describe('u.sig in the profile', () => {
  it('a valid signature is written next to u.id; a malformed one, and a trait named sig, are not', () => {
    const signed = applyAll(emptyProfile(), [identifyEvent({ userId: 'user-1', signature: SIG })]);
    expect(signed.profile.own.fields['u.id']).toMatchObject({ k: 'r', v: 'user-1' });
    expect(signed.profile.own.fields['u.sig']).toMatchObject({ k: 'r', v: SIG });
    expect(signed.deltas.map((d) => d.key).sort()).toEqual(expect.arrayContaining(['u.id', 'u.sig']));
    for (const signature of [SIG.toUpperCase(), SIG.slice(1), SIG + '0', 'g'.repeat(64), 42]) {
      expect(applyAll(emptyProfile(), [identifyEvent({ userId: 'user-1', signature })]).profile.own.fields['u.sig']).toBeUndefined();
    }
    const trait = applyAll(emptyProfile(), [identifyEvent({ userId: 'user-1', traits: { sig: SIG, plan: 'pro' } })]).profile.own.fields;
    expect(trait['u.sig']).toBeUndefined();
    expect(trait['u.plan']).toMatchObject({ v: 'pro' });
  });
});

describe('client', () => {
  const clients: Array<{ setConsent(s: string): Promise<void> }> = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.setConsent('denied');
    localStorage.clear();
  });

  const start = (consent: 'granted' | 'pending' = 'granted') => {
    const sent: SyncRequest[] = [];
    const databaseName = 'client-' + db++;
    const client = init({ endpoint: 'http://127.0.0.1:9', databaseName, consent, flushIntervalMs: 600_000, transport: async (request) => (sent.push(request), { status: 200 }) });
    clients.push(client);
    return { client, sent, databaseName };
  };
  const storedCredential = (name: string) => createIdbStore(name).update<DeviceCredential>(CREDENTIAL, (c) => c);

  it('identify(userId, traits, { signature }) writes u.id and u.sig; an invalid signature is refused, counted and writes nothing', async () => {
    const { client } = start();
    await client.ready;
    expect(await client.identify('user-1', { plan: 'pro' }, { signature: 'NOT-HEX' })).toBe(false);
    expect(await client.identify('user-1', undefined, { signature: SIG.toUpperCase() })).toBe(false);
    expect(client.counters['identify:bad-signature']).toBe(2);
    expect(client.profile()?.register('u.id')).toBeUndefined();
    // The old call shape still works, and options that are not an object carry no signature.
    expect(await client.identify('user-0', { plan: 'free' })).toBe(true);
    expect(await client.identify('user-0', undefined, 'junk' as never)).toBe(true);
    expect(client.profile()?.register('u.sig')).toBeUndefined();
    expect(await client.identify('user-1', { plan: 'pro' }, { signature: SIG })).toBe(true);
    expect(client.profile()?.register('u.id')).toBe('user-1');
    expect(client.profile()?.register('u.sig')).toBe(SIG);
    expect(client.profile()?.register('u.plan')).toBe('pro');
  });

  it('the debug panel shows neither the signature nor the device key whole', async () => {
    const { client, databaseName } = start();
    await client.ready;
    await client.identify('user-1', undefined, { signature: SIG });
    await client.flush();
    const key = (await storedCredential(databaseName))?.key as string;
    expect(key).toMatch(/^[\w-]{43}$/);
    await client.identify('user-1', undefined, { signature: SIG });
    const snapshot = await takeSnapshot(client, new Map());
    expect(snapshot.facts).toContainEqual(['identity signature', 'a3f1…']);
    // Neither in the facts, the queue, the event list nor anywhere else the panel renders.
    expect(snapshot.queue.some((d) => d.key === 'u.sig')).toBe(true);
    expect(snapshot.events.some((e) => e.name === 'identify')).toBe(true);
    expect(JSON.stringify(snapshot)).not.toContain(SIG);
    expect(JSON.stringify(snapshot)).not.toContain(key);
  });

  it('before consent no key is stored (no database at all); once granted the key is stored with the device id and sent; forget() sends it and erases it', async () => {
    const { client, sent, databaseName } = start('pending');
    await client.ready;
    await client.track('newsletter_signup');
    await client.flush();
    expect(sent).toEqual([]);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(databaseName);

    await client.setConsent('granted');
    await client.flush();
    const credential = (await storedCredential(databaseName)) as DeviceCredential;
    const device = (await createIdbStore(databaseName).loadStart()).device;
    expect(credential).toEqual({ device, key: expect.stringMatching(/^[\w-]{43}$/) });
    expect(sent.map((r) => [r.kind, r.deviceKey])).toEqual([['batch', credential.key]]);
    expect(JSON.stringify(client.counters)).not.toContain(credential.key);

    await client.forget();
    expect(sent.at(-1)).toMatchObject({ kind: 'forget', device, deviceKey: credential.key });
    // Erased with everything else: the next device id gets its own key.
    await client.setConsent('granted');
    await client.track('page_view');
    await client.flush();
    const next = await storedCredential(databaseName);
    expect(next?.device).not.toBe(device);
    expect(next?.key).not.toBe(credential.key);
  });
});
