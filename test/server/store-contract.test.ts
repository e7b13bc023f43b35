/**
 * The store contract (server/store/store.ts), one suite run against every
 * implementation: the embedded SQLite store always, PostgreSQL when
 * DATABASE_URL is set (each test in a throwaway schema). In CI (process.env.CI)
 * a missing DATABASE_URL fails the suite instead of skipping PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Field, joinFields } from '../../src/core/field.js';
import { type Delta, type DeviceState, applyDeltas, emptyDeviceState } from '../../src/core/merge.js';
import { dropSchema } from '../../server/store/postgres-store.js';
import { isPostgresUrl, openStore } from '../../server/store/open-store.js';
import type { BatchInput, CollectorStore, DeviceBounds } from '../../server/store/store.js';
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import type { DecisionLogBounds, DecisionLogInput, LoggedDecision } from '../../server/store/decision-log-store.js';
import { BATCH_ID_PRUNE_STEP, BATCH_ID_RETENTION_MS } from '../../server/store/limits.js';

const DATABASE_URL = process.env.DATABASE_URL;
const LOOSE: DeviceBounds = { maxFields: 10_000, maxBytes: 10_000_000, maxSeqStep: 1_000_000_000 };

/** Opens stores on one fresh database; `open()` again gives a second instance on the same data. */
interface Harness {
  open(): Promise<CollectorStore>;
  dispose(): Promise<void>;
}

interface Implementation {
  name: string;
  harness(): Harness;
}

const implementations: Implementation[] = [
  {
    name: 'embedded (sqlite)',
    harness() {
      const dataDir = mkdtempSync(join(tmpdir(), 'o2o-store-'));
      return {
        open: () => openStore({ dataDir }),
        dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
];
let schemaCount = 0;
if (isPostgresUrl(DATABASE_URL)) {
  implementations.push({
    name: 'postgres',
    harness() {
      const schema = `o2o_contract_${process.pid}_${Date.now().toString(36)}_${schemaCount++}`;
      return {
        open: () => openStore({ databaseUrl: DATABASE_URL, dataDir: '.o2o-data', schema }),
        dispose: () => dropSchema(DATABASE_URL, schema),
      };
    },
  });
} else if (!process.env.CI) {
  console.warn('store contract: DATABASE_URL not set, PostgreSQL store skipped (set DATABASE_URL=postgres://… to run it)');
}

describe('store contract setup', () => {
  it.runIf(process.env.CI)('CI runs the PostgreSQL store (DATABASE_URL must be set)', () => {
    expect(isPostgresUrl(DATABASE_URL), 'DATABASE_URL must name the CI PostgreSQL database').toBe(true);
  });
});

let batchCount = 0;
function batch(device: string, deltas: Delta[], id = `b${batchCount++}`): BatchInput {
  return { device, id, deltas, receivedAt: 1_700_000_000_000 + batchCount, skewMs: -12, bytes: 100 + deltas.length };
}

const c = (v: number): Field => ({ k: 'c', v });
const m = (v: number): Field => ({ k: 'm', v });
const d = (v: number, t: number): Field => ({ k: 'd', v, t });
const r = (v: string | number | boolean | null, t: number): Field => ({ k: 'r', v, t });

/** The pure reference: per key, deltas whose s is not above the last applied s are skipped; the rest join. */
function referenceApply(state: DeviceState, seqs: Map<string, number>, deltas: readonly Delta[]): DeviceState {
  const fresh = deltas.filter((delta) => delta.s > (seqs.get(delta.key) ?? -1));
  for (const delta of fresh) seqs.set(delta.key, Math.max(seqs.get(delta.key) ?? -1, delta.s));
  return applyDeltas(state, fresh);
}

const LOG_LOOSE: DecisionLogBounds = { maxDecisionsPerDevice: 100_000, maxOutcomesPerDecision: 100 };

function decision(id: string, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id, t: 1_700_000_000_000, slot: 'hero', model: 'm1', group: 'personalized', variant: 'a', candidates: ['a', 'b', 'default'],
    p: 0.5, pm: 'exact', f: { 'n.page_view': 3, 'ctx.mobile': 1 }, cf: { a: { 'match.cat': 1 } }, ...extra,
  };
}

function outcome(id: string, d: string, k: OutcomeRecord['k'] = 'click', extra: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return { id, d, k, t: 1_700_000_000_500, ...extra };
}

function logInput(device: string, decisions: DecisionRecord[], outcomes: OutcomeRecord[] = [], receivedAt = 1_700_000_001_000): DecisionLogInput {
  return { device, decisions, outcomes, receivedAt, skewMs: -20 };
}

/** Every decision received in `[since, until)`, page by page. */
async function scanAll(s: CollectorStore, since: number, until: number, limit: number): Promise<{ rows: LoggedDecision[]; pages: number }> {
  const rows: LoggedDecision[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await s.scanDecisions({ since, until, limit, ...(after === undefined ? {} : { after }) });
    pages++;
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    if (page.next !== undefined) expect(page.rows.length).toBe(limit);
    rows.push(...page.rows);
    after = page.next;
  } while (after !== undefined);
  return { rows, pages };
}

const modelVersion = (modelId: string, createdAt: number) => ({ modelId, document: JSON.stringify({ id: modelId, weights: { x: createdAt } }), createdAt, source: { kind: 'trainer' as const, since: 1, until: 2, decisions: 10, devices: 3 } });

function plain(state: DeviceState | undefined): DeviceState | undefined {
  return state && { seq: state.seq, fields: { ...state.fields } };
}

describe.each(implementations)('store contract: $name', (implementation) => {
  let harness: Harness;
  const open: CollectorStore[] = [];
  async function store(): Promise<CollectorStore> {
    harness ??= implementation.harness();
    const s = await harness.open();
    open.push(s);
    return s;
  }
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await harness?.dispose();
    harness = undefined as unknown as Harness;
  });

  it('migrates idempotently, answers ping and names its kind', async () => {
    const s = await store();
    await s.migrate();
    await s.ping();
    expect(typeof s.kind).toBe('string');
    expect(await s.countDevices()).toBe(0);
    expect(await s.device('nobody')).toBeUndefined();
  });

  it.each([
    ['counter keeps the larger v', c(3), c(7)],
    ['min keeps the smaller v', m(9), m(2)],
    ['decayed keeps the later t', d(50, 1000), d(1, 2000)],
    ['decayed keeps the larger v at the same t', d(1, 1000), d(2, 1000)],
    ['register keeps the later t', r('z', 1000), r('a', 2000)],
    ['register keeps the larger JSON at the same t', r('a', 1000), r('b', 1000)],
    ['register orders JSON as JavaScript strings (UTF-16), not code points', r('😀', 5), r('\uffff', 5)],
    ['register orders numbers by their JSON text', r(10, 5), r(9, 5)],
    ['a later kind outranks an earlier one', c(100), r(null, 1)],
  ])('join: %s, in either order', async (_name, a, b) => {
    const s = await store();
    const expected = joinFields(a, b);
    await s.applyBatch(batch('one', [{ s: 1, key: 'x.k', f: a }]), LOOSE);
    await s.applyBatch(batch('one', [{ s: 2, key: 'x.k', f: b }]), LOOSE);
    await s.applyBatch(batch('two', [{ s: 1, key: 'x.k', f: b }]), LOOSE);
    await s.applyBatch(batch('two', [{ s: 2, key: 'x.k', f: a }]), LOOSE);
    expect((await s.device('one'))?.fields['x.k']).toEqual(expected);
    expect((await s.device('two'))?.fields['x.k']).toEqual(expected);
  });

  it('skips a delta whose s is not above the last applied s of its key', async () => {
    const s = await store();
    expect(await s.applyBatch(batch('dev', [{ s: 5, key: 'n.page_view', f: c(10) }, { s: 6, key: 'n.click', f: c(1) }]), LOOSE)).toEqual({ duplicate: false, applied: 2, refused: 0 });
    const late = await s.applyBatch(batch('dev', [{ s: 3, key: 'n.page_view', f: c(100) }, { s: 5, key: 'n.page_view', f: c(100) }, { s: 7, key: 'n.click', f: c(2) }]), LOOSE);
    expect(late).toEqual({ duplicate: false, applied: 1, refused: 0 });
    expect(await s.device('dev')).toEqual({ seq: 7, fields: { 'n.page_view': c(10), 'n.click': c(2) } });
  });

  it('equals core/merge applyDeltas for any delivery order and duplication of an honest history (fast-check, fixed seed)', async () => {
    const s = await store();
    const kinds = ['c', 'm', 'd', 'r'] as const;
    // A device's history: per key, values that only move up in the join order as s grows.
    const history = fc.array(fc.record({ kind: fc.constantFrom(...kinds), steps: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 6 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(), { maxLength: 40 }), async (keys, batchSize, shuffle) => {
        const device = `prop${run++}`;
        let s0 = 0;
        const deltas: Delta[] = [];
        keys.forEach((spec, i) => {
          let acc = 0;
          for (const step of spec.steps) {
            acc += step;
            const key = `k.${i}.${spec.kind}`;
            const f: Field = spec.kind === 'c' ? c(acc) : spec.kind === 'm' ? m(1000 - acc) : spec.kind === 'd' ? d(acc % 7, 1000 + acc) : r(`v${acc % 3}`, 1000 + acc);
            deltas.push({ s: ++s0, key, f });
          }
        });
        const batches: Delta[][] = [];
        for (let i = 0; i < deltas.length; i += batchSize) batches.push(deltas.slice(i, i + batchSize));
        // Deliver in a shuffled order with duplicates (a retried batch keeps its id).
        const order = batches.map((_, i) => i);
        for (const [j, x] of shuffle.entries()) {
          const a = j % order.length;
          const b = x % order.length;
          [order[a], order[b]] = [order[b] as number, order[a] as number];
        }
        const deliveries = [...order, ...shuffle.slice(0, 5).map((x) => x % batches.length)];
        for (const i of deliveries) await s.applyBatch(batch(device, batches[i] as Delta[], `${device}-${i}`), LOOSE);
        expect(plain(await s.device(device))).toEqual(applyDeltas(emptyDeviceState(), deltas));
      }),
      { seed: 20261130, numRuns: 40 },
    );
  });

  it('equals the pure per-key-sequence reference for arbitrary batch sequences (fast-check, fixed seed)', async () => {
    const s = await store();
    const field = fc.oneof(
      fc.integer({ min: 0, max: 9 }).map(c),
      fc.integer({ min: -5, max: 5 }).map(m),
      fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 })).map(([v, t]) => d(v, t)),
      fc.tuple(fc.constantFrom<string | number | boolean | null>('a', 'b', 'é', '😀', '\uffff', 3, true, null), fc.integer({ min: 0, max: 3 })).map(([v, t]) => r(v, t)),
    );
    const delta = fc.record({ s: fc.integer({ min: 0, max: 12 }), key: fc.constantFrom('n.page_view', 'a.l.cat:running', 'b.i.hero.a', 'u.id'), f: field });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(delta, { maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        const device = `arb${run++}`;
        let state = emptyDeviceState();
        const seqs = new Map<string, number>();
        for (const deltas of batches) {
          await s.applyBatch(batch(device, deltas), LOOSE);
          state = referenceApply(state, seqs, deltas);
        }
        const stored = await s.device(device);
        expect(plain(stored) ?? emptyDeviceState()).toEqual(state);
      }),
      { seed: 424242, numRuns: 40 },
    );
  });

  it('remembers batch ids durably: a duplicate changes nothing, also after close and reopen', async () => {
    let s = await store();
    const first = batch('dev', [{ s: 1, key: 'n.page_view', f: c(1) }], 'same-id');
    expect(await s.applyBatch(first, LOOSE)).toEqual({ duplicate: false, applied: 1, refused: 0 });
    const again = batch('dev', [{ s: 2, key: 'n.page_view', f: c(50) }], 'same-id');
    expect(await s.applyBatch(again, LOOSE)).toEqual({ duplicate: true, applied: 0, refused: 0 });
    await s.close();
    open.splice(open.indexOf(s), 1);
    s = await store();
    expect(await s.applyBatch(again, LOOSE)).toEqual({ duplicate: true, applied: 0, refused: 0 });
    expect(await s.device('dev')).toEqual({ seq: 1, fields: { 'n.page_view': c(1) } });
    // Ids are per device: another device may use the same id.
    expect((await s.applyBatch(batch('other', [{ s: 1, key: 'n.x', f: c(1) }], 'same-id'), LOOSE)).duplicate).toBe(false);
    const log = await s.received(10);
    expect(log.map((e) => [e.device, e.id, e.duplicate])).toEqual([['dev', 'same-id', false], ['dev', 'same-id', true], ['dev', 'same-id', true], ['other', 'same-id', false]]);
  });

  it('refuses deltas past maxFields and maxBytes, counting them, and keeps their keys open', async () => {
    const s = await store();
    const bounds: DeviceBounds = { maxFields: 3, maxBytes: 10_000, maxSeqStep: 1000 };
    const deltas = ['a', 'b', 'c', 'd', 'e'].map((k, i) => ({ s: i + 1, key: `n.${k}`, f: c(1) }));
    expect(await s.applyBatch(batch('dev', deltas), bounds)).toEqual({ duplicate: false, applied: 3, refused: 2 });
    // Existing keys still update at the field bound.
    expect(await s.applyBatch(batch('dev', [{ s: 10, key: 'n.a', f: c(5) }, { s: 11, key: 'n.z', f: c(1) }]), bounds)).toEqual({ duplicate: false, applied: 1, refused: 1 });
    expect(Object.keys((await s.device('dev'))?.fields ?? {}).sort()).toEqual(['n.a', 'n.b', 'n.c']);
    expect((await s.device('dev'))?.seq).toBe(10);

    // Bytes: key bytes + field JSON bytes. `n.a` + {"k":"c","v":1} = 3 + 15 = 18.
    const small: DeviceBounds = { maxFields: 100, maxBytes: 40, maxSeqStep: 1000 };
    expect(await s.applyBatch(batch('bytes', [{ s: 1, key: 'n.a', f: c(1) }, { s: 2, key: 'n.b', f: c(1) }, { s: 3, key: 'n.c', f: c(1) }]), small)).toEqual({ duplicate: false, applied: 2, refused: 1 });
    expect(await s.applyBatch(batch('bytes', [{ s: 4, key: 'n.a', f: r('a much longer value than fits', 1) }]), small)).toEqual({ duplicate: false, applied: 0, refused: 1 });
    expect(await s.applyBatch(batch('bytes', [{ s: 5, key: 'n.a', f: c(2) }]), small)).toEqual({ duplicate: false, applied: 1, refused: 0 });
    expect((await s.device('bytes'))?.fields).toEqual({ 'n.a': c(2), 'n.b': c(1) });
  });

  it('rejects a whole batch past maxSeqStep without remembering its id', async () => {
    const s = await store();
    const bounds: DeviceBounds = { maxFields: 100, maxBytes: 100_000, maxSeqStep: 100 };
    expect((await s.applyBatch(batch('dev', [{ s: 50, key: 'n.a', f: c(1) }]), bounds)).applied).toBe(1);
    const jump = batch('dev', [{ s: 60, key: 'n.a', f: c(2) }, { s: 151, key: 'n.b', f: c(1) }], 'jump');
    expect(await s.applyBatch(jump, bounds)).toEqual({ duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' });
    expect(await s.device('dev')).toEqual({ seq: 50, fields: { 'n.a': c(1) } });
    expect((await s.received(10)).map((e) => e.id)).not.toContain('jump');
    // A new device starts at 0: its first batch is bounded too, and leaves no device behind when rejected.
    expect((await s.applyBatch(batch('fresh', [{ s: 101, key: 'n.a', f: c(1) }]), bounds)).rejected).toBe('seq-step');
    expect(await s.device('fresh')).toBeUndefined();
    expect(await s.countDevices()).toBe(1);
    // The same id within the bound is applied: the rejected id was not remembered.
    expect(await s.applyBatch({ ...jump, deltas: [{ s: 60, key: 'n.a', f: c(2) }, { s: 150, key: 'n.b', f: c(1) }] }, bounds)).toEqual({ duplicate: false, applied: 2, refused: 0 });
  });

  it('registers, reads and replaces device credentials', async () => {
    const s = await store();
    expect(await s.credentialOf('dev')).toBeUndefined();
    expect(await s.registerDevice('dev', 'a'.repeat(64), 1)).toBe('created');
    expect(await s.registerDevice('dev', 'b'.repeat(64), 2)).toBe('exists');
    expect(await s.credentialOf('dev')).toBe('a'.repeat(64));
    await s.replaceCredential('dev', 'c'.repeat(64), 3);
    expect(await s.credentialOf('dev')).toBe('c'.repeat(64));
    // A device known by its data only (no credential yet) is claimed by its first registration.
    await s.applyBatch(batch('data-only', [{ s: 1, key: 'n.a', f: c(1) }]), LOOSE);
    expect(await s.credentialOf('data-only')).toBeUndefined();
    expect(await s.registerDevice('data-only', 'd'.repeat(64), 4)).toBe('created');
    expect(await s.credentialOf('data-only')).toBe('d'.repeat(64));
    expect(await s.device('data-only')).toEqual({ seq: 1, fields: { 'n.a': c(1) } });
    // Registering alone stores no profile.
    expect(await s.device('dev')).toBeUndefined();
    expect(await s.countDevices()).toBe(2);
  });

  it('links verified devices to users, idempotently, oldest link first, bounded by limit', async () => {
    const s = await store();
    expect(await s.userOf('a')).toBeUndefined();
    await s.linkUser('a', 'user-1', 10);
    await s.linkUser('b', 'user-1', 20);
    await s.linkUser('c', 'user-1', 30);
    await s.linkUser('a', 'user-1', 40);
    await s.linkUser('x', 'user-2', 5);
    expect(await s.userOf('a')).toBe('user-1');
    expect(await s.devicesOfUser('user-1', 10)).toEqual(['a', 'b', 'c']);
    expect(await s.devicesOfUser('user-1', 2)).toEqual(['a', 'b']);
    expect(await s.devicesOfUser('nobody', 10)).toEqual([]);
    await s.linkUser('c', 'user-2', 50);
    expect(await s.devicesOfUser('user-1', 10)).toEqual(['a', 'b']);
    expect(await s.devicesOfUser('user-2', 10)).toEqual(['x', 'c']);
  });

  it('reads several devices at once, leaving unknown ids out', async () => {
    const s = await store();
    await s.applyBatch(batch('a', [{ s: 1, key: 'n.a', f: c(1) }]), LOOSE);
    await s.applyBatch(batch('b', [{ s: 2, key: 'n.b', f: c(2) }]), LOOSE);
    const states = await s.devices(['a', 'b', 'missing', 'a']);
    expect(Object.keys(states).sort()).toEqual(['a', 'b']);
    expect(states.b).toEqual({ seq: 2, fields: { 'n.b': c(2) } });
    expect(await s.devices([])).toEqual({});
  });

  it('erases a device and the devices verified as the same user; a late retry of an erased batch changes nothing', async () => {
    const s = await store();
    const oldBatch = batch('a', [{ s: 1, key: 'n.a', f: c(1) }], 'old-batch');
    await s.applyBatch(oldBatch, LOOSE);
    await s.applyBatch(batch('b', [{ s: 1, key: 'n.b', f: c(1) }]), LOOSE);
    await s.applyBatch(batch('c', [{ s: 1, key: 'n.c', f: c(1) }]), LOOSE);
    for (const dev of ['a', 'b', 'c']) await s.registerDevice(dev, dev.repeat(64), 1);
    await s.linkUser('a', 'user-1', 1);
    await s.linkUser('b', 'user-1', 2);
    await s.linkUser('c', 'user-2', 3);
    expect((await s.erase('b')).sort()).toEqual(['a', 'b']);
    for (const dev of ['a', 'b']) {
      expect(await s.device(dev)).toBeUndefined();
      expect(await s.credentialOf(dev)).toBeUndefined();
      expect(await s.userOf(dev)).toBeUndefined();
    }
    expect(await s.devicesOfUser('user-1', 10)).toEqual([]);
    expect(await s.device('c')).toEqual({ seq: 1, fields: { 'n.c': c(1) } });
    expect(await s.credentialOf('c')).toBe('c'.repeat(64));
    expect((await s.received(100)).map((e) => e.device)).toEqual(['c']);
    expect(await s.countDevices()).toBe(1);
    expect(await s.applyBatch(oldBatch, LOOSE)).toEqual({ duplicate: true, applied: 0, refused: 0 });
    expect(await s.device('a')).toBeUndefined();
    expect(await s.erase('never-seen')).toEqual([]);
  });

  it('keeps the last 1000 accepted batches in the received log, oldest first', async () => {
    const s = await store();
    for (let i = 0; i < 1010; i++) await s.applyBatch(batch(`d${i % 7}`, [], `log-${i}`), LOOSE);
    const log = await s.received(5000);
    expect(log).toHaveLength(1000);
    expect(log[0]?.id).toBe('log-10');
    expect(log[999]).toMatchObject({ id: 'log-1009', device: `d${1009 % 7}`, deltas: 0, applied: 0, duplicate: false, skewMs: -12 });
    expect((await s.received(3)).map((e) => e.id)).toEqual(['log-1007', 'log-1008', 'log-1009']);
  });

  it('counts devices', async () => {
    const s = await store();
    for (let i = 0; i < 25; i++) await s.applyBatch(batch(`dev${i}`, [{ s: 1, key: 'n.a', f: c(i) }]), LOOSE);
    await s.registerDevice('dev0', 'e'.repeat(64), 1);
    await s.registerDevice('only-registered', 'f'.repeat(64), 1);
    expect(await s.countDevices()).toBe(26);
  });

  it('gives the serial result when two store instances apply batches for one device in parallel', async () => {
    const a = await store();
    const b = await store();
    const batches: BatchInput[] = [];
    let s0 = 0;
    for (let i = 0; i < 40; i++) {
      const deltas: Delta[] = [];
      for (let j = 0; j < 5; j++) {
        const k = (i * 5 + j) % 9;
        s0++;
        deltas.push({ s: s0, key: `k.${k}`, f: k % 3 === 0 ? c(s0) : k % 3 === 1 ? r(`v${s0}`, s0) : d(s0 % 4, s0) });
      }
      batches.push(batch('shared', deltas, `par-${i}`));
    }
    const outcomes = await Promise.all(batches.map((x, i) => (i % 2 === 0 ? a : b).applyBatch(x, LOOSE)));
    // Retries of the same ids at the same time through both instances: each id counts once.
    const retries = await Promise.all(batches.slice(0, 10).flatMap((x) => [a.applyBatch(x, LOOSE), b.applyBatch(x, LOOSE)]));
    expect(retries.every((o) => o.duplicate)).toBe(true);
    expect(outcomes.reduce((n, o) => n + o.applied, 0)).toBeGreaterThan(0);
    const expected = applyDeltas(emptyDeviceState(), batches.flatMap((x) => x.deltas));
    expect(plain(await a.device('shared'))).toEqual(expected);
    expect(plain(await b.device('shared'))).toEqual(expected);
    expect(await a.countDevices()).toBe(1);
  });

  it('answers each of many concurrent batches on its own: applied, duplicate and rejected side by side', async () => {
    const s = await store();
    const bounds: DeviceBounds = { maxFields: 3, maxBytes: 100_000, maxSeqStep: 100 };
    const ok = batch('g1', [{ s: 1, key: 'n.a', f: c(1) }], 'g-ok');
    const outcomes = await Promise.all([
      s.applyBatch(ok, bounds),
      s.applyBatch(batch('g1', [{ s: 500, key: 'n.b', f: c(1) }], 'g-jump'), bounds),
      s.applyBatch(ok, bounds),
      s.applyBatch(batch('g2', ['a', 'b', 'c', 'd'].map((k, i) => ({ s: i + 1, key: `n.${k}`, f: c(1) })), 'g-bound'), bounds),
      s.applyBatch(batch('g3', [{ s: 200, key: 'n.a', f: c(1) }], 'g-new-jump'), bounds),
    ]);
    expect(outcomes[1]).toEqual({ duplicate: false, applied: 0, refused: 0, rejected: 'seq-step' });
    expect([outcomes[0], outcomes[2]].map((o) => o.duplicate).sort()).toEqual([false, true]);
    expect(outcomes[3]).toEqual({ duplicate: false, applied: 3, refused: 1 });
    expect(outcomes[4]?.rejected).toBe('seq-step');
    expect(await s.device('g1')).toEqual({ seq: 1, fields: { 'n.a': c(1) } });
    expect(await s.device('g3')).toBeUndefined();
    expect(await s.countDevices()).toBe(2);
    expect((await s.received(10)).map((e) => e.id).sort()).toEqual(['g-bound', 'g-ok', 'g-ok']);
  });

  // Group commit delays batches to the end of the event-loop turn; it must not let a later write
  // overtake them. (Calls in flight at once on PostgreSQL are concurrent transactions: no order to keep.)
  it.runIf(implementation.name.startsWith('embedded'))('applies writes in the order they were called: an erase called after a batch erases it', async () => {
    const s = await store();
    const pending = s.applyBatch(batch('ordered', [{ s: 1, key: 'n.a', f: c(1) }]), LOOSE);
    const erased = s.erase('ordered');
    expect((await pending).applied).toBe(1);
    expect(await erased).toEqual(['ordered']);
    expect(await s.device('ordered')).toBeUndefined();
    // The decision log shares the queue: an append called before an erase is erased with it.
    const appended = s.appendDecisionLog(logInput('ordered', [decision('d1')]), LOG_LOOSE);
    const forgot = s.erase('ordered');
    expect((await appended).decisions).toBe(1);
    expect(await forgot).toEqual(['ordered']);
    expect(await s.countDecisions(0, 2e12)).toBe(0);
  });

  describe('decision log', () => {
    it('stores decisions and outcomes once: a retried request is all duplicates and changes nothing', async () => {
      const s = await store();
      const first = logInput('dev', [decision('d1'), decision('d2', { variant: 'b', p: 0.25, pm: 'estimated', pe: 0.01 })], [outcome('o1', 'd1'), outcome('o2', 'd1', 'purchase', { v: 42.5 })]);
      expect(await s.appendDecisionLog(first, LOG_LOOSE)).toEqual({ decisions: 2, outcomes: 2, duplicates: 0, refused: 0 });
      // Same ids, other content (and a repeated id inside the request): nothing is overwritten or added.
      const retry = logInput('dev', [decision('d1', { variant: 'b' }), decision('d2'), decision('d2')], [outcome('o1', 'd1', 'purchase'), outcome('o2', 'd1')], 1_700_000_009_000);
      expect(await s.appendDecisionLog(retry, LOG_LOOSE)).toEqual({ decisions: 0, outcomes: 0, duplicates: 5, refused: 0 });
      const { rows } = await s.scanDecisions({ since: 0, until: 2e12, limit: 10 });
      expect(rows).toEqual([
        { ...decision('d1'), device: 'dev', receivedAt: 1_700_000_001_000, outcomes: [outcome('o1', 'd1'), outcome('o2', 'd1', 'purchase', { v: 42.5 })] },
        { ...decision('d2', { variant: 'b', p: 0.25, pm: 'estimated', pe: 0.01 }), device: 'dev', receivedAt: 1_700_000_001_000, outcomes: [] },
      ]);
      expect(await s.countDecisions(0, 2e12)).toBe(2);
      // A later outcome of a stored decision joins it.
      expect(await s.appendDecisionLog(logInput('dev', [], [outcome('o3', 'd2', 'conversion', { t: 1_700_000_000_100 })]), LOG_LOOSE)).toEqual({ decisions: 0, outcomes: 1, duplicates: 0, refused: 0 });
      expect((await s.scanDecisions({ since: 0, until: 2e12, limit: 10 })).rows[1]?.outcomes).toEqual([outcome('o3', 'd2', 'conversion', { t: 1_700_000_000_100 })]);
    });

    it('bounds decisions per device and outcomes per decision; refuses outcomes of decisions the device does not have', async () => {
      const s = await store();
      const bounds: DecisionLogBounds = { maxDecisionsPerDevice: 3, maxOutcomesPerDecision: 2 };
      const five = ['a', 'b', 'c', 'd', 'e'].map((id) => decision(id));
      expect(await s.appendDecisionLog(logInput('dev', five, [outcome('o1', 'a'), outcome('o2', 'a'), outcome('o3', 'a'), outcome('o4', 'e'), outcome('o5', 'nowhere')]), bounds))
        .toEqual({ decisions: 3, outcomes: 2, duplicates: 0, refused: 2 + 3 });
      // At the bound: a retry is counted as duplicates, new decisions as refused, and the outcome bound still holds.
      expect(await s.appendDecisionLog(logInput('dev', [decision('a'), decision('f')], [outcome('o1', 'a'), outcome('o6', 'a'), outcome('o7', 'b')]), bounds))
        .toEqual({ decisions: 0, outcomes: 1, duplicates: 2, refused: 2 });
      expect(await s.appendDecisionLog(logInput('other', [decision('a')], [outcome('o9', 'c')]), bounds)).toEqual({ decisions: 1, outcomes: 0, duplicates: 0, refused: 1 });
      const { rows } = await s.scanDecisions({ since: 0, until: 2e12, limit: 100 });
      expect(rows.map((r) => [r.device, r.id, r.outcomes.map((o) => o.id)])).toEqual([
        ['dev', 'a', ['o1', 'o2']], ['dev', 'b', ['o7']], ['dev', 'c', []], ['other', 'a', []],
      ]);
    });

    it('attaches outcomes to their own device\'s decision only', async () => {
      const s = await store();
      await s.appendDecisionLog(logInput('alice', [decision('same'), decision('x')], [outcome('o1', 'same'), outcome('shared', 'x')]), LOG_LOOSE);
      await s.appendDecisionLog(logInput('bob', [decision('same')], [outcome('o2', 'same', 'add_to_cart', { v: 3 })]), LOG_LOOSE);
      // One outcome id credited to two decisions of one device is stored for each.
      expect((await s.appendDecisionLog(logInput('alice', [], [outcome('shared', 'same')]), LOG_LOOSE)).outcomes).toBe(1);
      const { rows } = await s.scanDecisions({ since: 0, until: 2e12, limit: 100 });
      const byKey = Object.fromEntries(rows.map((r) => [`${r.device}/${r.id}`, r.outcomes.map((o) => `${o.id}:${o.d}:${o.k}`)]));
      expect(byKey).toEqual({ 'alice/same': ['o1:same:click', 'shared:same:click'], 'alice/x': ['shared:x:click'], 'bob/same': ['o2:same:add_to_cart'] });
    });

    it('pages by cursor in (receivedAt, device, id) order: every decision in the window once, whatever the page size (fast-check, fixed seed)', async () => {
      const s = await store();
      const entry = fc.record({ device: fc.constantFrom('a', 'b', 'B', 'c-1', 'z_9'), id: fc.stringMatching(/^[A-Za-z0-9_-]{1,4}$/), at: fc.integer({ min: 0, max: 5 }) });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(entry, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2, max: 6 }), async (entries, limit, since, until) => {
          const base = 1_000_000 * ++run;
          const expected = new Map<string, { device: string; id: string; receivedAt: number }>();
          for (const e of entries) {
            // Devices of their own per run (the store is shared by the runs), in the same order.
            const device = `r${run}${e.device}`;
            const key = `${device}/${e.id}`;
            // The first receipt wins: a later one of the same id is a duplicate.
            if (!expected.has(key)) expected.set(key, { device, id: e.id, receivedAt: base + e.at });
            await s.appendDecisionLog(logInput(device, [decision(e.id)], [], base + e.at), LOG_LOOSE);
          }
          const inWindow = [...expected.values()].filter((r) => r.receivedAt >= base + since && r.receivedAt < base + until);
          const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
          inWindow.sort((x, y) => x.receivedAt - y.receivedAt || cmp(x.device, y.device) || cmp(x.id, y.id));
          const { rows } = await scanAll(s, base + since, base + until, limit);
          expect(rows.map((r) => ({ device: r.device, id: r.id, receivedAt: r.receivedAt }))).toEqual(inWindow);
          expect(await s.countDecisions(base + since, base + until)).toBe(inWindow.length);
        }),
        { seed: 15_2026, numRuns: 30 },
      );
    });

    it('keeps the per-device bound and each id once when two store instances append for one device at once', async () => {
      const a = await store();
      const b = await store();
      const bounds: DecisionLogBounds = { maxDecisionsPerDevice: 55, maxOutcomesPerDecision: 2 };
      // d0 stored first, then 20 requests of 10 decisions whose ids overlap by half (105 distinct), each crediting 3 outcomes to d0.
      const requests = Array.from({ length: 20 }, (_, i) => logInput('shared', Array.from({ length: 10 }, (_, j) => decision(`d${i * 5 + j}`)), [0, 1, 2].map((k) => outcome(`o${i}-${k}`, 'd0'))));
      expect((await a.appendDecisionLog(logInput('shared', [decision('d0')]), bounds)).decisions).toBe(1);
      const outcomes = await Promise.all(requests.map((r, i) => (i % 2 ? a : b).appendDecisionLog(r, bounds)));
      expect(outcomes.reduce((n, o) => n + o.decisions, 0)).toBe(54);
      expect(outcomes.reduce((n, o) => n + o.outcomes, 0)).toBe(2);
      expect(outcomes.reduce((n, o) => n + o.decisions + o.outcomes + o.duplicates + o.refused, 0)).toBe(20 * 13);
      const { rows } = await scanAll(a, 0, 2e12, 7);
      expect(new Set(rows.map((r) => r.id)).size).toBe(55);
      expect(rows.find((r) => r.id === 'd0')?.outcomes).toHaveLength(2);
      expect(await b.countDecisions(0, 2e12)).toBe(55);
    });

    it('gives no next cursor on the last page, even when it is exactly full, and refuses a forged cursor', async () => {
      const s = await store();
      await s.appendDecisionLog(logInput('dev', ['a', 'b', 'c', 'd'].map((id) => decision(id))), LOG_LOOSE);
      const first = await s.scanDecisions({ since: 0, until: 2e12, limit: 2 });
      expect(first.rows.map((r) => r.id)).toEqual(['a', 'b']);
      expect(first.next).toBeDefined();
      const second = await s.scanDecisions({ since: 0, until: 2e12, limit: 2, after: first.next });
      expect(second.rows.map((r) => r.id)).toEqual(['c', 'd']);
      expect(second.next).toBeUndefined();
      expect(await s.scanDecisions({ since: 0, until: 1_700_000_001_000, limit: 10 })).toEqual({ rows: [] });
      await expect(s.scanDecisions({ since: 0, until: 2e12, limit: 2, after: "x'; DROP TABLE decisions; --" })).rejects.toThrow(/cursor/);
      // Fractional and infinite windows: receipt times are whole ms.
      expect((await s.scanDecisions({ since: -Infinity, until: Infinity, limit: 10 })).rows).toHaveLength(4);
      expect((await s.scanDecisions({ since: 1_700_000_000_999.5, until: 1_700_000_001_000.5, limit: 10 })).rows).toHaveLength(4);
      expect(await s.countDecisions(1_700_000_001_000.5, Infinity)).toBe(0);
      expect(await s.countDecisions(-Infinity, 1_700_000_001_000.5)).toBe(4);
    });

    it('erases the decision log of every erased device (and only theirs); model versions stay', async () => {
      const s = await store();
      for (const dev of ['a', 'b', 'c']) await s.appendDecisionLog(logInput(dev, [decision(`${dev}1`), decision(`${dev}2`)], [outcome('o', `${dev}1`)]), LOG_LOOSE);
      await s.linkUser('a', 'user-1', 1);
      await s.linkUser('b', 'user-1', 2);
      const version = await s.addModelVersion(modelVersion('m-a', 5));
      await s.promote(version, 6, 'initial');
      // `c` has a decision log only (no profile, no credential): forgetting it still erases it.
      expect((await s.erase('b')).sort()).toEqual(['a', 'b']);
      expect(await s.erase('c')).toEqual(['c']);
      expect(await s.countDecisions(0, 2e12)).toBe(0);
      expect((await s.scanDecisions({ since: 0, until: 2e12, limit: 10 })).rows).toEqual([]);
      // The erased devices start from nothing: their old ids are new again, and their bound counts from 0.
      expect(await s.appendDecisionLog(logInput('a', [decision('a1'), decision('z')], [outcome('o', 'a1')]), { maxDecisionsPerDevice: 2, maxOutcomesPerDecision: 1 }))
        .toEqual({ decisions: 2, outcomes: 1, duplicates: 0, refused: 0 });
      expect((await s.liveModel())?.version).toBe(version);
    });
  });

  describe('model registry', () => {
    it('numbers versions 1, 2, 3 and keeps each with its document, source and evaluation', async () => {
      const s = await store();
      expect(await s.modelVersions(10)).toEqual([]);
      expect(await s.modelVersion(1)).toBeUndefined();
      expect(await s.addModelVersion({ modelId: 'builtin', document: '{"id":"builtin"}', createdAt: 10, source: { kind: 'file' } })).toBe(1);
      expect(await s.addModelVersion({ ...modelVersion('t-2', 20), evaluation: '{"ips":0.12}' })).toBe(2);
      expect(await s.addModelVersion(modelVersion('t-3', 30))).toBe(3);
      expect(await s.modelVersion(2)).toEqual({ version: 2, ...modelVersion('t-2', 20), evaluation: '{"ips":0.12}' });
      expect(await s.modelVersion(1)).toEqual({ version: 1, modelId: 'builtin', document: '{"id":"builtin"}', createdAt: 10, source: { kind: 'file' } });
      expect(await s.modelVersions(2)).toEqual([
        { version: 3, modelId: 't-3', createdAt: 30, source: modelVersion('t-3', 30).source },
        { version: 2, modelId: 't-2', createdAt: 20, source: modelVersion('t-2', 20).source, evaluation: '{"ips":0.12}' },
      ]);
      expect(await s.modelVersion(4)).toBeUndefined();
      expect(await s.liveModel()).toBeUndefined();
    });

    it('promotes, rolls back by promoting an older version, and refuses an unknown version', async () => {
      const s = await store();
      for (let i = 1; i <= 3; i++) await s.addModelVersion(modelVersion(`m${i}`, i));
      await s.promote(1, 100, 'initial');
      await s.promote(3, 200, 'trainer: better with confidence');
      expect((await s.liveModel())?.modelId).toBe('m3');
      await s.promote(1, 300, 'rollback');
      expect(await s.liveModel()).toEqual({ version: 1, ...modelVersion('m1', 1) });
      await expect(s.promote(9, 400, 'typo')).rejects.toThrow();
      expect((await s.liveModel())?.version).toBe(1);
      expect(await s.promotions(10)).toEqual([
        { version: 1, at: 300, reason: 'rollback' },
        { version: 3, at: 200, reason: 'trainer: better with confidence' },
        { version: 1, at: 100, reason: 'initial' },
      ]);
      expect(await s.promotions(1)).toHaveLength(1);
    });

    it('numbers versions without gaps or repeats and keeps the live pointer on the newest promotion when two store instances work at once', async () => {
      const a = await store();
      const b = await store();
      const added = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).addModelVersion(modelVersion(`c${i}`, i))));
      expect([...added].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const promotions = Array.from({ length: 24 }, (_, i) => ({ version: (i % 12) + 1, at: 1000 + i }));
      await Promise.all(promotions.map((p, i) => (i % 2 ? a : b).promote(p.version, p.at, `p${i}`)));
      const history = await b.promotions(100);
      expect(history).toHaveLength(24);
      expect(history.map((p) => p.reason).sort()).toEqual(promotions.map((_, i) => `p${i}`).sort());
      const live = await a.liveModel();
      expect(live?.version).toBe(history[0]?.version);
      expect((await b.liveModel())?.version).toBe(live?.version);
    });
  });

  it('forgets batch ids past the retention window, a bounded number per batch', async () => {
    const s = await store();
    const t0 = 1_800_000_000_000;
    const old = Array.from({ length: 20 }, (_, i) => ({ ...batch('dev', [], `old-${i}`), receivedAt: t0 + i }));
    for (const x of old) await s.applyBatch(x, LOOSE);
    // Inside the window every id is still remembered.
    expect((await s.applyBatch({ ...old[0] as BatchInput, receivedAt: t0 + BATCH_ID_RETENTION_MS - 1 }, LOOSE)).duplicate).toBe(true);
    // One batch past the window forgets the oldest ids, one step's worth.
    await s.applyBatch({ ...batch('dev', [], 'trigger'), receivedAt: t0 + BATCH_ID_RETENTION_MS + 100 }, LOOSE);
    // Retries dated inside the window prune nothing themselves.
    const retries = [];
    for (const x of old) retries.push((await s.applyBatch({ ...x, receivedAt: t0 + 50 }, LOOSE)).duplicate);
    expect(retries).toEqual(old.map((_, i) => i >= BATCH_ID_PRUNE_STEP));
  });

  it('stores hostile keys and ids as data (every value is a bound parameter)', async () => {
    const s = await store();
    const keys = ["a.l.cat:'); DROP TABLE fields; --", 'a.l.q:"quoted" \\ back', 'a.l.t:chaussures été', 'a.l.e:😀 $1 ? :x'];
    const deltas = keys.map((key, i) => ({ s: i + 1, key, f: r(`'${key}'`, i) }));
    await s.applyBatch(batch("dev'; DELETE FROM devices; --", deltas, "id'--"), LOOSE);
    await s.linkUser("dev'; DELETE FROM devices; --", "u' OR '1'='1", 1);
    const state = await s.device("dev'; DELETE FROM devices; --");
    expect(Object.keys(state?.fields ?? {}).sort()).toEqual([...keys].sort());
    for (const delta of deltas) expect(state?.fields[delta.key]).toEqual(delta.f);
    expect(await s.devicesOfUser("u' OR '1'='1", 5)).toEqual(["dev'; DELETE FROM devices; --"]);
    expect(await s.devicesOfUser('anything', 5)).toEqual([]);
    expect(await s.countDevices()).toBe(1);
  });
});
