/**
 * Seeded randomness for the model: a string hash for stable per-visitor
 * assignment and a small PRNG, so exploration is reproducible in tests and
 * the same visitor sees the same thing for the rest of a page view.
 */

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // A final avalanche step, because FNV's low bits vary little for similar strings.
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/** A number in [0, 1) that depends only on `text`. */
export function unitHash(text: string): number {
  return hash32(text) / 4294967296;
}

/** A standard normal draw from a seed (Box–Muller over two hashed uniforms). */
export function normalFrom(seed: string): number {
  const u = 1 - unitHash(seed + '\u0001');
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * unitHash(seed + '\u0002'));
}

/** Mulberry32: a small seeded PRNG (uniform in [0, 1)) for reproducible simulations, training and benchmarks. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
