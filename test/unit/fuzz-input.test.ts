/**
 * Bad input, fuzzed with fast-check: hostile values (prototype-pollution
 * keys, huge and deeply nested values, wrong types, lone UTF-16 surrogates)
 * through every door — `track`/`identify` on a running client, the config,
 * model JSON, pulled profiles, server answers and collector bodies. Nothing
 * throws where the contract says it never throws, invalid input is rejected
 * with a counted reason, and `({}).polluted` stays undefined.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBatch, checkDeviceRequest } from '../../server/validate.js';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { validateEvent } from '../../src/core/events.js';
import { applyAll, emptyProfile } from '../../src/core/profile.js';
import { parseModel } from '../../src/core/model.js';
import { parseRetryAfter, retryDelay, verdictFor } from '../../src/sync/backoff.js';
import { joinReplica, readReplica } from '../../src/sync/pull.js';
import { init } from '../../src/second/client.js';

const RUNS = process.env.O2O_RELIABILITY === 'full' ? 2000 : 200;

/** Keys an attacker would use to reach a prototype. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'constructor.prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf', 'polluted'];
/** Strings with lone surrogates, control characters and markup. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\uD800', 'a\uDC00b', '\uDFFF\uD800', '\u0000', '<script>alert(1)</script>', 'x'.repeat(100_000), ...HOSTILE_KEYS),
);
/** Any JSON-ish value, with hostile keys as object keys, nesting and sizes. */
const hostile: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.constantFrom(null, undefined, true, false, Number.NaN, Infinity, -Infinity, 1e308, -0),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...HOSTILE_KEYS)), tie('value'), { maxKeys: 5 }),
    // JSON.parse makes `__proto__` an own key, as a network body would.
    fc.constantFrom(...HOSTILE_KEYS).chain((key) => tie('value').map((v) => JSON.parse(`{"${key}": ${JSON.stringify(v ?? null) ?? 'null'}, "polluted": {"polluted": true}}`) as unknown)),
  ),
})).value;

/** A value nested `depth` levels deep. */
const deep = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Array.prototype).not.toHaveProperty('polluted');
}

afterEach(expectNoPollution);

describe('fuzz: pure doors never throw and never pollute', () => {
  it('validateEvent rejects with a reason or returns a clean event', () => {
    fc.assert(
      fc.property(hostile, hostile, (name, props) => {
        const result = validateEvent({ name, props, items: props, value: props }, Date.now());
        if (!result.ok) expect(typeof result.reason).toBe('string');
        else {
          expect(JSON.stringify(result.event).length).toBeLessThan(200_000);
          expect(Object.getPrototypeOf(result.event.props) === Object.prototype || Object.getPrototypeOf(result.event.props) === null).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(validateEvent({ name: 'deep', props: { x: deep(10_000) } }, Date.now()).ok).toBeDefined();
  });

  it('folding any accepted event keeps the profile JSON-safe', () => {
    fc.assert(
      fc.property(hostile, (props) => {
        const result = validateEvent({ name: 'view_item', props, items: [props], value: 1 }, Date.now());
        if (!result.ok) return;
        const { profile } = applyAll(emptyProfile(), [result.event]);
        expect(() => JSON.stringify(profile)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('parseModel never throws and rejects with a reason', () => {
    fc.assert(
      fc.property(hostile, (doc) => {
        const parsed = parseModel(doc);
        if (!parsed.ok) expect(typeof parsed.reason).toBe('string');
      }),
      { numRuns: RUNS },
    );
    for (const doc of [deep(10_000), JSON.parse('{"v":1,"__proto__":{"polluted":1}}'), { v: 1, slots: { __proto__: { polluted: 1 } } }]) expect(() => parseModel(doc)).not.toThrow();
  });

  it('a pulled replica keeps only valid devices and fields', () => {
    fc.assert(
      fc.property(hostile, (answer) => {
        const replica = readReplica(answer);
        for (const [device, state] of Object.entries(replica)) {
          expect(device).toMatch(/^[\w-]{1,64}$/);
          for (const key of Object.keys(state.fields)) expect(key).not.toMatch(/__proto__|constructor|prototype/);
        }
        expect(() => joinReplica(emptyProfile(), 'me', replica)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
    const hostileReplica = JSON.parse('{"__proto__":{"seq":1,"fields":{"n.x":{"k":"c","v":1}}},"d1":{"seq":1,"fields":{"__proto__":{"k":"c","v":1},"n.ok":{"k":"c","v":2}}}}');
    expect(Object.keys(readReplica(hostileReplica))).toEqual(['d1']);
    expect(Object.keys(readReplica(hostileReplica).d1?.fields ?? {})).toEqual(['n.ok']);
  });

  it('server answers: any status and Retry-After give a finite, bounded wait', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 100_000 }), fc.oneof(nastyString, fc.constant(null)), fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (status, header, attempt, random) => {
        expect(['ok', 'retry', 'drop']).toContain(verdictFor(status));
        const wait = retryDelay(attempt, parseRetryAfter(header, Date.now()), random);
        expect(Number.isFinite(wait) && wait >= 0 && wait <= 300_000).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('config: invalid options throw one ConfigError, nothing else', () => {
    fc.assert(
      fc.property(hostile, hostile, (endpoint, rest) => {
        try {
          resolveConfig({ ...(rest && typeof rest === 'object' ? rest : {}), endpoint }, 'https://shop.example/');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('collector bodies: anything not exactly the protocol is rejected with a message', () => {
    fc.assert(
      fc.property(hostile, (body) => {
        for (const checked of [checkBatch(body), checkBatch(body, true), checkDeviceRequest(body)]) if (!checked.ok) expect(checked.error.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
    const key = 'k'.repeat(43);
    const polluting = JSON.parse(`{"v":2,"deviceKey":"${key}","id":"b1","device":"d1","sentAt":1,"deltas":[{"s":1,"key":"n.x","f":{"k":"c","v":1,"__proto__":{"polluted":1}}}]}`);
    expect(checkBatch(polluting)).toEqual({ ok: false, status: 400, error: 'deltas[0] has unknown field "__proto__"' });
    expect(checkBatch({ v: 2, deviceKey: key, id: 'b1', device: 'd1', sentAt: 1, deltas: [{ s: 1, key: 'constructor.prototype', f: { k: 'c', v: 1 } }] })).toEqual({ ok: false, status: 400, error: 'deltas[0] is not a valid delta' });
  });
});

describe('fuzz: a running client', () => {
  it('track() and identify() resolve a boolean for anything, and count what they reject', async () => {
    // A custom transport: nothing leaves the process (and there is no pull in that mode).
    const sent: unknown[] = [];
    const client = init({ endpoint: 'https://collector.invalid', databaseName: 'fuzz-' + Math.random(), flushIntervalMs: 600_000, transport: async (request) => (sent.push(request), { status: 200 }) });
    await client.ready;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (name, props, traits) => {
        const tracked = await client.track(name as string, props as Record<string, unknown>);
        const identified = await client.identify(name as string, traits as Record<string, unknown>);
        expect(typeof tracked).toBe('boolean');
        expect(typeof identified).toBe('boolean');
        rejected += Number(!tracked) + Number(!identified);
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
    const counted = Object.entries(client.counters).filter(([reason]) => reason.startsWith('event:') || reason.startsWith('track:')).reduce((sum, [, n]) => sum + n, 0);
    expect(rejected).toBeGreaterThan(0);
    // Every rejection has a counted reason.
    expect(counted).toBeGreaterThanOrEqual(rejected);
    expect(await client.track('still_works', { ok: true })).toBe(true);
    // Whatever was accepted still serializes into valid batches.
    expect(() => JSON.stringify(sent)).not.toThrow();
  });
});
