// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../demo/collector/server.js';
import { checkBatch, checkDeviceRequest } from '../../server/validate.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'o2o-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const batch = (id: string, deltas: unknown[], extra: Record<string, unknown> = {}) => ({ v: 2, id, device: 'dev-1', deviceKey: 'k'.repeat(43), sentAt: Date.now(), deltas, ...extra });
const counter = (s: number, key: string, v: number) => ({ s, key, f: { k: 'c', v } });

describe('collector validation', () => {
  it.each([
    [JSON.parse('{"id":"a","device":"d","sentAt":1,"deltas":[],"__proto__":{"x":1}}'), 'unknown field "__proto__"'],
    [batch('a', [], { constructor: 1 }), 'unknown field "constructor"'],
    [batch('a', [JSON.parse('{"s":1,"key":"n.x","f":{"k":"c","v":1},"__proto__":{}}')]), 'deltas[0] has unknown field "__proto__"'],
    [batch('a', [{ s: 1, key: 'n.x', f: { k: 'c', v: 1, evil: 'x' } }]), 'deltas[0] has unknown field "evil"'],
    [batch('a', [{ s: 1, key: '__proto__', f: { k: 'c', v: 1 } }]), 'deltas[0] is not a valid delta'],
    [batch('a', [{ s: 1, key: 'a.l.cat:x\u202ey', f: { k: 'c', v: 1 } }]), 'deltas[0] is not a valid delta'],
    [batch('a', [{ s: 1, key: 'n.x', f: { k: 'r', v: 'x'.repeat(257), t: 1 } }]), 'deltas[0] is not a valid delta'],
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
    expect(checkDeviceRequest({ v: 2, device: 'd', deviceKey: 'k'.repeat(43), extra: 1 }).ok).toBe(false);
  });

  it('leaves out deltas whose key carries markup, or any non-ASCII label with asciiKeys, and counts them', () => {
    const deltas = [counter(1, 'a.l.cat:<img src=x onerror=alert(1)>', 1), counter(2, 'a.l.cat:chaussures été', 1), counter(3, 'n.x', 1)];
    expect(checkBatch(batch('b-2', deltas))).toEqual({ ok: true, value: expect.objectContaining({ deltas: deltas.slice(1), refusedKeys: 1 }) });
    expect(checkBatch(batch('b-2', deltas), true)).toEqual({ ok: true, value: expect.objectContaining({ deltas: deltas.slice(2), refusedKeys: 2 }) });
  });
});

describe('collector HTTP', () => {
  it('authenticates, answers 4xx with a message and changes nothing, serves the model with an ETag', async () => {
    const server = await startServer({ port: 0, dataDir: tempDir(), staticRoots: {}, writeKeys: ['good'] });
    try {
      // Protocol v2: every device-scoped body proves its device with the device's key.
      const signed = (id: string, deltas: unknown[], extra: Record<string, unknown>) => batch(id, deltas, { v: 2, deviceKey: 'k'.repeat(43), ...extra });
      const post = (path: string, body: unknown) => fetch(server.url + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      const bad = await post('/v1/batch', signed('b1', [counter(1, 'n.x', 1)], { writeKey: 'wrong' }));
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ ok: false, error: 'unknown or missing writeKey' });
      expect((await post('/v1/batch', '{not json')).status).toBe(400);
      expect((await post('/v1/batch', 'x'.repeat(300 * 1024))).status).toBe(413);
      expect(await server.store.device('dev-1')).toBeUndefined();
      expect((await post('/v1/batch', signed('b1', [counter(1, 'n.x', 1)], { writeKey: 'good' }))).status).toBe(200);
      expect(await server.store.device('dev-1')).toBeDefined();
      const v1 = await post('/v1/batch', { id: 'b3', device: 'dev-1', sentAt: Date.now(), writeKey: 'good', deltas: [counter(2, 'n.x', 2)] });
      expect([v1.status, await v1.json()]).toEqual([401, { ok: false, error: 'device credential required: protocol v2' }]);

      const model = await fetch(server.url + '/v1/model');
      const etag = model.headers.get('etag') as string;
      expect(etag).toMatch(/^".+"$/);
      expect((await fetch(server.url + '/v1/model', { headers: { 'if-none-match': etag } })).status).toBe(304);

      server.faults.push({ status: 429, retryAfter: '7' });
      const limited = await post('/v1/batch', signed('b2', [], { writeKey: 'good' }));
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    } finally {
      await server.close();
    }
  });
});
