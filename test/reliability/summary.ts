/**
 * Global setup of the reliability project: clears the rows of the previous
 * run, and at teardown prints the summary table and writes it to
 * `test-artifacts/reliability-summary.md`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL, ROWS_DIR, type SummaryRow } from './scale.js';

const started = Date.now();

/** Clears the rows of an earlier run. */
export function setup(): void {
  rmSync(ROWS_DIR, { recursive: true, force: true });
}

/** Renders rows as a Markdown table. */
export function table(rows: SummaryRow[]): string {
  const head = '| scenario | load | faults injected | lost | duplicated | violations | measured |\n| --- | --- | --- | ---: | ---: | ---: | --- |';
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [head, ...rows.map((r) => `| ${cell(r.scenario)} | ${cell(r.load)} | ${cell(r.faults)} | ${r.lost} | ${r.duplicated} | ${r.violations} | ${cell(r.notes ?? '')} |`)].join('\n');
}

/** Prints and writes the summary. */
export function teardown(): void {
  const file = join(ROWS_DIR, 'rows.jsonl');
  if (!existsSync(file)) return;
  const rows = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as SummaryRow);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const text = `# Reliability summary (${FULL ? 'full' : 'short'} run, ${seconds} s, ${new Date().toISOString()})\n\n${table(rows)}\n`;
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync(join('test-artifacts', 'reliability-summary.md'), text);
  console.log('\n' + text);
}
