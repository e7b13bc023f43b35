/**
 * The demo shop's committed pages are generated from its catalog; this fails
 * when someone edits `demo/catalog/products.mjs` (or the generator) without
 * regenerating, and checks the catalog is the realistic shop the docs promise.
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { BRANDS, CATEGORIES, PRODUCTS } from '../../demo/catalog/products.mjs';

it('committed demo pages match the catalog', () => {
  expect(() => execFileSync(process.execPath, ['demo/catalog/build.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
});

it('the catalog spans categories, brands and every price band', () => {
  expect(PRODUCTS.length).toBeGreaterThanOrEqual(30);
  expect(new Set(PRODUCTS.map((p) => p.id)).size).toBe(PRODUCTS.length);
  expect(new Set(PRODUCTS.map((p) => p.category))).toEqual(new Set(CATEGORIES.map((c) => c.id)));
  expect(new Set(PRODUCTS.map((p) => p.brand)).size).toBe(Object.keys(BRANDS).length);
  const band = (price: number): number => [25, 100, 300].filter((limit) => price >= limit).length;
  expect(new Set(PRODUCTS.map((p) => band(p.price)))).toEqual(new Set([0, 1, 2, 3]));
});
