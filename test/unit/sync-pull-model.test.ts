/**
 * A pulled model is validated by the second stage before it is cached, so a
 * page uses the cached model as it is (the script-tag core carries no validator).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VALIDATED_MODEL, isModelShaped } from '../../src/core/model.js';
import { pullModel } from '../../src/sync/pull.js';

const MODEL = { version: 1, id: 'site-3', weights: { 'match.long': 2 }, slots: { hero: [{ id: 'running', tags: ['running'] }] } };

function serve(status: number, body: unknown, etag = '"e1"'): ReturnType<typeof vi.fn> {
  const fetch = vi.fn(async () => new Response(status === 304 ? null : JSON.stringify(body), { status, headers: { etag } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('pullModel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('caches the validated model, ready for the next page', async () => {
    serve(200, MODEL);
    const cached = await pullModel('https://c.example', undefined, () => undefined);
    expect(cached?.v).toBe(VALIDATED_MODEL);
    expect(cached?.etag).toBe('"e1"');
    expect(isModelShaped(cached?.doc)).toBe(true);
    // What IndexedDB gives back is a structured clone: still a model.
    expect(isModelShaped(structuredClone(cached?.doc))).toBe(true);
  });

  it('rejects an invalid model (nothing cached, reason heard) and keeps the old one', async () => {
    serve(200, { ...MODEL, holdout: 2 });
    const reasons: string[] = [];
    expect(await pullModel('https://c.example', undefined, (r) => reasons.push(r))).toBeUndefined();
    expect(reasons).toEqual(['model.holdout must be a number in [0, 0.5]']);
  });

  it('revalidates a validated cache with its ETag, but fetches a cache stored before validation again', async () => {
    const fetch = serve(304, undefined);
    expect(await pullModel('https://c.example', { etag: '"e1"', doc: MODEL, v: VALIDATED_MODEL }, () => undefined)).toBeUndefined();
    expect((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].headers).toEqual({ 'if-none-match': '"e1"' });
    serve(200, MODEL);
    const again = await pullModel('https://c.example', { etag: '"e1"', doc: MODEL }, () => undefined);
    expect(again?.v).toBe(VALIDATED_MODEL);
  });

  it('a cached value without the shape decisions read is not a model', () => {
    for (const bad of [null, 'x', { version: 1 }, { ...MODEL, bias: 0, holdout: 0.05, offers: [], segments: {}, explore: {}, version: 2 }]) expect(isModelShaped(bad)).toBe(false);
  });
});
