/**
 * `scripts/cycles.mjs` (run by `npm test`) keeps src/ free of import cycles:
 * it passes on src/ as it is, and fails, naming the files, on a cycle made
 * of a type-only import and a value import in a throwaway folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const cycles = (dir?: string) => spawnSync(process.execPath, ['scripts/cycles.mjs', ...(dir ? [dir] : [])], { encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'o2o-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('finds no cycle in src/', () => {
  const run = cycles();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^cycles: none in \d+ files/);
});

it('fails on a cycle, type-only imports and subfolders included', () => {
  mkdirSync(join(scratch, 'core'));
  writeFileSync(join(scratch, 'a.ts'), "import { b } from './core/b.js';\nexport const a = b + 1;\n");
  writeFileSync(join(scratch, 'core', 'b.ts'), "import type { C } from '../c.js';\nexport const b: C = 1;\n");
  writeFileSync(join(scratch, 'c.ts'), "export type { A } from './a.js';\nexport type C = number;\n");
  writeFileSync(join(scratch, 'd.ts'), "import { a } from './a.js';\nexport const d = a;\n");
  const run = cycles(scratch);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('cycles: 1 import cycle(s)');
  const line = run.stderr.split('\n').find((l) => l.startsWith('cycle:')) ?? '';
  // d.ts imports the cycle but is not part of it.
  for (const file of ['/a.ts', '/core/b.ts', '/c.ts']) expect(line).toContain(file);
  expect(line.split(' ↔ ')).toHaveLength(3);
  expect(line).not.toContain('d.ts');
});
