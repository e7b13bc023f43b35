// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorStore } from '../../demo/collector/collector-store.js';
import { startServer } from '../../demo/collector/server.js';
import { checkBatch, checkForget } from '../../demo/collector/validate.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const batch = (id: string, deltas: unknown[], extra: Record<string, unknown> = {}) => ({ id, device: 'dev-1', sentAt: Date.now(), deltas, ...extra });
const counter = (s: number, key: string, v: number) => ({ s, key, f: { k: 'c', v } });
/** A batch as the server hands it to the store: validated. */
const valid = (body: unknown) => {
  const checked = checkBatch(body);
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
};

describe('collector validation', () => {
  it.each([
    [JSON.parse('{"id":"a","device":"d","sentAt":1,"deltas":[],"__proto__":{"x":1}}'), 'unknown field "__proto__"'],
    [batch('a', [], { constructor: 1 }), 'unknown field "constructor"'],
    [batch('a', [JSON.parse('{"s":1,"key":"n.x","f":{"k":"c","v":1},"__proto__":{}}')]), 'deltas[0] has unknown field "__proto__"'],
    [batch('a', [{ s: 1, key: 'n.x', f: { k: 'c', v: 1, evil: 'x' } }]), 'deltas[0] has unknown field "evil"'],
    [batch('a', [{ s: 1, key: '__proto__', f: { k: 'c', v: 1 } }]), 'deltas[0] is not a valid delta'],
    [batch('a b', []), 'id must be'],
    [batch('a', [counter(9, 'n.x', 1)], { seq: [1, 5] }), 'deltas[0].s is outside seq'],
    [batch('a', [], { seq: [5, 1] }), 'seq must be'],
    [[], 'body must be a JSON object'],
  ])('rejects %j', (body, message) => {
    const checked = checkBatch(body);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toContain(message);
  });

  it('accepts a well-formed batch and copies only protocol keys', () => {
    const checked = checkBatch(batch('b-1', [counter(1, 'n.x', 1)], { seq: [1, 1], writeKey: 'k' }));
    expect(checked).toEqual({ ok: true, value: expect.objectContaining({ id: 'b-1', seq: [1, 1], writeKey: 'k' }) });
    expect(checkForget({ device: 'd', extra: 1 }).ok).toBe(false);
  });
});

describe('collector store', () => {
  it('applies a batch id once and skips deltas not newer per device and key', () => {
    const store = new CollectorStore(tempDir());
    expect(store.accept(valid(batch('b1', [counter(1, 'n.x', 1), counter(2, 'n.y', 1)]))).applied).toBe(2);
    expect(store.accept(valid(batch('b1', [counter(1, 'n.x', 1), counter(2, 'n.y', 1)]))).duplicate).toBe(true);
    expect(store.accept(valid(batch('b2', [counter(2, 'n.y', 1), counter(5, 'n.x', 3)]))).applied).toBe(1);
    expect(store.device('dev-1')?.fields).toEqual({ 'n.x': { k: 'c', v: 3 }, 'n.y': { k: 'c', v: 1 } });
  });

  it('keeps everything across a restart', () => {
    const dir = tempDir();
    const first = new CollectorStore(dir);
    first.accept(valid(batch('b1', [counter(1, 'n.x', 4)])));
    const second = new CollectorStore(dir);
    expect(second.device('dev-1')?.fields['n.x']).toEqual({ k: 'c', v: 4 });
    expect(second.accept(valid(batch('b1', [counter(1, 'n.x', 4)]))).duplicate).toBe(true);
  });

  it('links devices by user id for reading and erasing', () => {
    const store = new CollectorStore(tempDir());
    const link = (device: string, user: string) => ({ s: 1, key: 'u.id', f: { k: 'r', v: user, t: 1 } });
    store.accept(valid({ ...batch('b1', [link('dev-1', 'u1')]), device: 'dev-1' }));
    store.accept(valid({ ...batch('b2', [link('dev-2', 'u1'), counter(2, 'n.x', 1)]), device: 'dev-2' }));
    store.accept(valid({ ...batch('b3', [counter(1, 'n.x', 1)]), device: 'dev-3' }));
    expect(Object.keys(store.replica('dev-1')).sort()).toEqual(['dev-1', 'dev-2']);
    expect(store.erase('dev-2').sort()).toEqual(['dev-1', 'dev-2']);
    expect(store.device('dev-1')).toBeUndefined();
    expect(store.device('dev-3')).toBeDefined();
  });
});

describe('collector HTTP', () => {
  it('authenticates, answers 4xx with a message and changes nothing, serves the model with an ETag', async () => {
    const server = await startServer({ port: 0, dataDir: tempDir(), staticRoots: {}, writeKeys: ['good'] });
    try {
      const post = (path: string, body: unknown) => fetch(server.url + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      const bad = await post('/v1/batch', batch('b1', [counter(1, 'n.x', 1)], { writeKey: 'wrong' }));
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ ok: false, error: 'unknown or missing writeKey' });
      expect((await post('/v1/batch', '{not json')).status).toBe(400);
      expect((await post('/v1/batch', 'x'.repeat(300 * 1024))).status).toBe(413);
      expect(server.store.device('dev-1')).toBeUndefined();
      expect((await post('/v1/batch', batch('b1', [counter(1, 'n.x', 1)], { writeKey: 'good' }))).status).toBe(200);
      expect(server.store.device('dev-1')).toBeDefined();

      const model = await fetch(server.url + '/v1/model');
      const etag = model.headers.get('etag') as string;
      expect(etag).toMatch(/^".+"$/);
      expect((await fetch(server.url + '/v1/model', { headers: { 'if-none-match': etag } })).status).toBe(304);

      server.faults.push({ status: 429, retryAfter: '7' });
      const limited = await post('/v1/batch', batch('b2', [], { writeKey: 'good' }));
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    } finally {
      await server.close();
    }
  });
});
