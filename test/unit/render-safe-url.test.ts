import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../src/render/safe-url.js';
import corpus from '../data/xss-payloads.json';

const payloads = corpus.payloads.map((p, i) => p.replaceAll('XSS()', `__xss(${i})`));
const SCRIPTABLE = /^(javascript|vbscript|data|livescript|mocha|blob):/i;

describe('safeUrl', () => {
  it('turns every corpus payload into nothing or an http(s) URL', () => {
    expect(payloads.length).toBeGreaterThanOrEqual(100);
    for (const payload of payloads) {
      const url = safeUrl(payload);
      if (url !== undefined) expect(new URL(url).protocol, payload).toMatch(/^https?:$/);
    }
  });

  it.each(payloads.filter((p) => SCRIPTABLE.test(p.replace(/[\s\u0000-\u001f]/g, ''))))('drops %j', (payload) => {
    expect(safeUrl(payload)).toBeUndefined();
  });

  it.each([
    ['https://shop.example/guide', 'https://shop.example/guide'],
    ['HTTP://shop.example/a', 'http://shop.example/a'],
    ['/guide?x=1', `${location.origin}/guide?x=1`],
  ])('keeps %s', (input, expected) => {
    expect(safeUrl(input)).toBe(expected);
  });

  it.each([undefined, null, 42, {}, ['javascript:x'], 'javascript:alert(1)', ' \tjavascript:alert(1)', 'jAvAsCrIpT:alert(1)', 'java\nscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'ftp://x', 'http://['])(
    'drops %j',
    (input) => expect(safeUrl(input)).toBeUndefined(),
  );
});
