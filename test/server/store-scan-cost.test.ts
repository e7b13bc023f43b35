/**
 * The decision scan's page cost follows the page, not its position in the log
 * (docs/backend.md, "Decision log and model registry"), on the embedded store,
 * where a plan that looked right read everything before the cursor: a
 * `received_at >= since` beside the cursor's row value made SQLite seek `since`
 * (the whole window before the cursor, on every page). Timed, with a margin far
 * above the machine's noise: at 60,000 rows that plan made a late page 25–60
 * times slower than the first (measured), this one keeps them alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionText } from '../../server/store/decision-rows.js';
import { openStore } from '../../server/store/open-store.js';
import type { SqliteStore } from '../../server/store/sqlite-store.js';
import type { CollectorStore } from '../../server/store/store.js';

const ROWS = 60_000;
const PAGE = 200;
let dir = '';
let store: CollectorStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'o2o-scan-cost-'));
  store = await openStore({ dataDir: dir, durability: 'normal' });
  const db = (store as SqliteStore).connection;
  const insert = db.prepare('INSERT INTO decisions (device, id, received_at, skew_ms, outcomes, record) VALUES (?, ?, ?, 0, 0, ?)');
  const record = (id: string) => decisionText({ id, t: 1, slot: 's', model: 'm', group: 'personalized', variant: 'a', candidates: ['a'], p: 1, pm: 'exact', f: {}, cf: {} });
  db.transaction(() => {
    // Half the log in one millisecond (many devices), half spread one per millisecond after it.
    for (let i = 0; i < ROWS / 2; i++) insert.run(`d${String(i % 500).padStart(3, '0')}`, `x${String(i).padStart(6, '0')}`, 1000, record(`x${i}`));
    for (let i = 0; i < ROWS / 2; i++) insert.run('late', `y${String(i).padStart(6, '0')}`, 2000 + i, record(`y${i}`));
  })();
}, 60_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Median time of `runs` reads of the page after `after`. */
async function pageMs(after: string | undefined, runs = 9): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const page = await store.scanDecisions({ since: 0, until: 1e9, limit: PAGE, ...(after === undefined ? {} : { after }) });
    times.push(performance.now() - started);
    expect(page.rows).toHaveLength(PAGE);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

describe('decision scan cost (embedded store)', () => {
  it('reads a page late in a crowded millisecond and late in the window as fast as the first', async () => {
    const cursors: (string | undefined)[] = [undefined];
    let after: string | undefined;
    let rows = 0;
    do {
      const page = await store.scanDecisions({ since: 0, until: 1e9, limit: PAGE, ...(after === undefined ? {} : { after }) });
      rows += page.rows.length;
      after = page.next;
      cursors.push(after);
    } while (after !== undefined);
    expect(rows).toBe(ROWS);
    const first = await pageMs(cursors[0]);
    const crowded = await pageMs(cursors[Math.floor(ROWS / 2 / PAGE) - 2]); // near the end of the crowded millisecond
    const late = await pageMs(cursors[cursors.length - 3]); // near the end of the window
    expect(crowded, `first page ${first.toFixed(2)} ms`).toBeLessThan(first * 8 + 10);
    expect(late, `first page ${first.toFixed(2)} ms`).toBeLessThan(first * 8 + 10);
  }, 60_000);
});
