/**
 * One memo for the decision path's caches: a value computed once per key
 * object and list of dependencies (compared by identity), so each cache is
 * a WeakMap and one call instead of its own get/compare/set code.
 */

/** Entries of a {@link memo} cache: the dependencies a value was made for, and the value. */
export type MemoCache<K extends object, V> = WeakMap<K, [deps: readonly unknown[], value: V]>;

/**
 * The value cached for `key` if it was made for the same `deps` (each by
 * identity, as `===`), else `make()`, cached in its place. One entry per key:
 * the latest.
 */
export function memo<K extends object, V>(cache: MemoCache<K, V>, key: K, deps: readonly unknown[], make: () => V): V {
  const entry = cache.get(key);
  if (entry && deps.every((dep, i) => dep === entry[0][i])) return entry[1];
  const value = make();
  cache.set(key, [deps, value]);
  return value;
}
