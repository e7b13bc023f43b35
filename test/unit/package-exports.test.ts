import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm users import these paths; each must point at a file the build produced.
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | Record<string, string>> };
const targets = Object.entries(pkg.exports).flatMap(([entry, target]) =>
  typeof target === 'string' ? [[entry, 'file', target]] : Object.entries(target).map(([condition, file]) => [entry, condition, file]),
);

describe('package exports', () => {
  it.each(targets)('%s (%s) → %s exists after the build', (_entry, _condition, file) => {
    expect(existsSync(file as string)).toBe(true);
  });
});
