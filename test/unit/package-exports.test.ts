import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm users import these paths; each must point at a file the build produced.
type Target = string | { [condition: string]: Target };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, Target> };
// Conditions nest (`import` / `require`, each with its own `types`): every leaf is a file.
const leaves = (target: Target, path: string): string[][] =>
  typeof target === 'string' ? [[path || 'file', target]] : Object.entries(target).flatMap(([condition, inner]) => leaves(inner, path ? `${path}.${condition}` : condition));
const targets = Object.entries(pkg.exports).flatMap(([entry, target]) => leaves(target, '').map(([condition, file]) => [entry, condition, file]));

describe('package exports', () => {
  it.each(targets)('%s (%s) → %s exists after the build', (_entry, _condition, file) => {
    expect(existsSync(file as string)).toBe(true);
  });
});
