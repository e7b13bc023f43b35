/** core/memo: one cached value per key object, remade when a dependency changes by identity. */
import { describe, expect, it } from 'vitest';
import { type MemoCache, memo } from '../../src/core/memo.js';

describe('memo', () => {
  it('makes a value once per key and dependencies, and again when one changes (by identity)', () => {
    const cache: MemoCache<object, { made: number }> = new WeakMap();
    const key = {};
    const dep = {};
    let made = 0;
    const make = (): { made: number } => ({ made: ++made });
    const first = memo(cache, key, [dep, 1], make);
    expect(memo(cache, key, [dep, 1], make)).toBe(first);
    expect(made).toBe(1);
    // An equal but different object is another dependency.
    const second = memo(cache, key, [{}, 1], make);
    expect(second).not.toBe(first);
    expect(made).toBe(2);
    // One entry per key: the latest; going back to the first dependencies makes the value again.
    expect(memo(cache, key, [dep, 1], make).made).toBe(3);
    expect(memo(cache, key, [dep, 2], make).made).toBe(4);
    // Keys do not share entries.
    expect(memo(cache, {}, [dep, 2], make).made).toBe(5);
  });

  it('compares primitives with ===: NaN never matches, so it is made each time', () => {
    const cache: MemoCache<object, number> = new WeakMap();
    const key = {};
    let made = 0;
    memo(cache, key, [NaN], () => ++made);
    memo(cache, key, [NaN], () => ++made);
    expect(made).toBe(2);
    expect(memo(cache, key, [undefined], () => ++made)).toBe(3);
    expect(memo(cache, key, [undefined], () => ++made)).toBe(3);
  });
});
