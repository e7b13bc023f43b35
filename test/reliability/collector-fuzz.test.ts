/**
 * The collector over real HTTP with fuzzed bodies: every body that is not
 * exactly the protocol's shape is answered 4xx and never stored (the
 * persisted file and the QA log are unchanged), and the server keeps
 * serving valid batches afterwards.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { checkBatch } from '../../server/validate.js';
import type { TestServer } from '../browser/harness.js';
import { load, report } from './scale.js';
import { startCollector } from './server.js';

const RUNS = load(2000, 200);
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'constructor.prototype'];
/** dev-1's device key (protocol v2): fuzzed bodies carry it, so they reach the checks past the credential. */
const KEY = 'k'.repeat(43);
const V2 = `"v":2,"deviceKey":"${KEY}",`;
const body = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.constantFrom(...HOSTILE).map((k) => `{${V2}"id":"b","device":"dev-1","sentAt":1,"deltas":[{"s":1,"key":"n.x","f":{"k":"c","v":1}}],"${k}":{"polluted":true}}`),
  fc.constantFrom(...HOSTILE).map((k) => `{${V2}"id":"b","device":"dev-1","sentAt":1,"deltas":[{"s":1,"key":"${k}","f":{"k":"c","v":1}}]}`),
  fc.constant(`{${V2}"id":"b","device":"dev-1","sentAt":1,"deltas":[` + '{"s":1,"key":"n.x","f":{"k":"c","v":1}},'.repeat(20_000) + '{}]}'),
  fc.constant('['.repeat(100_000)),
  fc.constant('"\\ud800"'),
);

it('the collector stores no rejected body', async () => {
  const server: TestServer = await startCollector();
  try {
    const snapshot = async () => JSON.stringify([await server.store.device('dev-1'), await server.store.received()]);
    const ok = await fetch(`${server.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ v: 2, deviceKey: KEY, id: 'valid-1', device: 'dev-1', sentAt: 1, deltas: [{ s: 1, key: 'n.x', f: { k: 'c', v: 1 } }] }) });
    expect(ok.status).toBe(200);
    const before = await snapshot();
    let rejected = 0;
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/batch', '/v1/forget'), async (text, path) => {
        let valid = false;
        try {
          valid = checkBatch(JSON.parse(text)).ok;
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        const response = await fetch(server.url + path, { method: 'POST', body: text });
        const answer = (await response.json()) as { ok: boolean };
        if (path === '/v1/forget' && response.status === 200) return; // a well-formed forget of an unknown device
        rejected++;
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(answer.ok).toBe(false);
        if ((await snapshot()) !== before) stored++;
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${server.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ v: 2, deviceKey: KEY, id: 'valid-2', device: 'dev-1', sentAt: 1, deltas: [{ s: 2, key: 'n.x', f: { k: 'c', v: 2 } }] }) })).status).toBe(200);
    report({ scenario: 'Bad input: collector bodies (HTTP)', load: `${RUNS} fuzzed bodies`, faults: 'random bytes, JSON, hostile keys, 20,000 deltas, 100,000-deep nesting, lone surrogates', lost: 0, duplicated: 0, violations: stored, notes: `${rejected} rejected with 4xx, ${stored} changed the stored state; valid batches served after` });
    expect(stored).toBe(0);
  } finally {
    await server.dispose();
  }
});
