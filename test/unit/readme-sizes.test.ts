/**
 * The README's size table must match the build: every row is re-measured
 * (brotli quality 11, gzip level 9, as `npm run size` does) and may differ by
 * at most 3 % or 64 bytes, so the published figures never drift. Needs a
 * build (`npm test` builds first); skipped with a note when `dist/` is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';

const ROW = /^\| `(dist\/[^`]+)`[^|]*\| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|/;
const number = (s: string): number => Number(s.replace(/,/g, ''));
const close = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(64, 0.03 * b);

function measure(file: string): [number, number, number] {
  const body = readFileSync(file);
  return [body.length, gzipSync(body, { level: 9 }).length, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
}

it.skipIf(!existsSync('dist/onetoone.min.js'))('README size table matches the build', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Sizes'));
  const rows = section.split('\n').map((line) => ROW.exec(line)).filter((m): m is RegExpExecArray => !!m);
  expect(rows.map((r) => r[1])).toEqual(expect.arrayContaining(['dist/onetoone.min.js', 'dist/onetoone-debug.min.js']));
  const wrong: string[] = [];
  for (const [, file, raw, gzip, brotli] of rows) {
    const measured = measure(file as string);
    const published = [number(raw as string), number(gzip as string), number(brotli as string)];
    if (!published.every((value, i) => close(value, measured[i] as number))) {
      wrong.push(`${file}: README says ${published.join(' / ')}, build measures ${measured.map((n) => n.toLocaleString('en-US')).join(' / ')} (raw / gzip / brotli)`);
    }
  }
  expect(wrong, 'update the README size table').toEqual([]);
});
