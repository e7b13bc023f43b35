/**
 * Load scale and the summary table of the reliability scenarios.
 *
 * `O2O_RELIABILITY=full` (the `test:reliability` script) runs the loads of
 * issue #8; anything else (the default inside `npm test`) runs the same
 * scenarios scaled down so the suite stays fast on a shared 2-core machine.
 * Every scenario appends one row per case to `test-artifacts/reliability/`;
 * the global teardown (`summary.ts`) prints the table and writes
 * `test-artifacts/reliability-summary.md`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** True when the full loads of the issue run. */
export const FULL = process.env.O2O_RELIABILITY === 'full';

/** `full` in the full run, `short` otherwise. */
export function load(full: number, short: number): number {
  return FULL ? full : short;
}

/** Where rows are collected during a run. */
export const ROWS_DIR = join('test-artifacts', 'reliability');

/** One line of the summary table. */
export interface SummaryRow {
  scenario: string;
  load: string;
  faults: string;
  lost: number;
  duplicated: number;
  violations: number;
  /** Measured figures worth printing beside the counts. */
  notes?: string;
}

/** Records a row for the summary (one JSON line per row, so parallel files never clash). */
export function report(row: SummaryRow): void {
  mkdirSync(ROWS_DIR, { recursive: true });
  appendFileSync(join(ROWS_DIR, 'rows.jsonl'), JSON.stringify(row) + '\n');
  console.log(`[reliability] ${row.scenario}: lost ${row.lost}, duplicated ${row.duplicated}, violations ${row.violations}${row.notes ? ' — ' + row.notes : ''}`);
}
