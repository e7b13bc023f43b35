/**
 * `npm run bench:decisions -- --store embedded|postgres [--decisions N] [--page P] [--seconds S] [--clients C] [--json]`
 *
 * The decision log's two costs, on the store in this process:
 *  - append: C concurrent clients call `appendDecisionLog` for S seconds, each request 10 decisions
 *    and 10 outcomes of a random device (a realistic client flush), service bounds; decisions/s, p50, p99.
 *  - scan: the log is filled to N decisions (default 1,000,000; rows written straight in the
 *    database in the stores' own row format and cached, `.o2o-data/bench/decisions-<N>/` or schema
 *    `bench_decisions_<N>`), then read whole with `scanDecisions` pages of P (default 1000) as a
 *    trainer does; decisions/s, the first and last pages' latency (a cost that follows the position
 *    would show here), and the heap's peak over the scan (bounded memory: one page at a time).
 * PostgreSQL: DATABASE_URL or --database-url.
 */
import { join } from 'node:path';
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import type { DecisionLogBounds } from '../../server/store/decision-log-store.js';
import { decisionText, outcomeText } from '../../server/store/decision-rows.js';
import { openStore } from '../../server/store/open-store.js';
import type { PostgresStore } from '../../server/store/postgres-store.js';
import type { SqliteStore } from '../../server/store/sqlite-store.js';
import type { CollectorStore } from '../../server/store/store.js';
import { prng as random } from '../../src/core/random.js';
import { percentile, populationDevice } from './workload.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

const storeName = option('--store', 'embedded');
if (storeName !== 'embedded' && storeName !== 'postgres') throw new Error('--store must be embedded or postgres');
const total = Number(option('--decisions', '1000000'));
const pageLimit = Number(option('--page', '1000'));
const seconds = Number(option('--seconds', '15'));
const clients = Number(option('--clients', '8'));
const databaseUrl = option('--database-url', process.env.DATABASE_URL || 'postgres://o2o:o2o@127.0.0.1:5432/o2o_learnstore');
const json = process.argv.includes('--json');
/** The service's defaults (server/options.ts). */
const BOUNDS: DecisionLogBounds = { maxDecisionsPerDevice: 10_000, maxOutcomesPerDecision: 16 };
/** Decisions per device in the generated log (20 page views of 2–3 slots). */
const PER_DEVICE = 50;
/** Receipt time of the generated log's first decision; one decision per 10 ms after it. */
const LOG_START = 1_760_000_000_000;

const dataDir = join('.o2o-data', 'bench', `decisions-${total}`);
const schema = `bench_decisions_${total}`;

function log(message: string): void {
  if (!json) console.error(message);
}

const SLOTS = ['hero', 'recs', 'banner', 'offer'];
const VARIANTS = ['a', 'b', 'c', 'default'];

/** A decision as the client logs it: 12 visitor features, 4 candidates with a candidate feature each. */
function makeDecision(id: string, t: number, pick: () => number): DecisionRecord {
  const f: Record<string, number> = {};
  const names = ['n.page_view', 'n.click', 'n.add_to_cart', 'n.purchase', 'a.l.cat:running', 'a.l.cat:trail', 'a.l.brand:acme', 's.pages', 's.seconds', 'ctx.mobile', 'ctx.hour', 'ctx.campaign'];
  for (const name of names) f[name] = Math.round(pick() * 1000) / 100;
  const cf: Record<string, Record<string, number>> = {};
  for (const v of VARIANTS.slice(0, 3)) cf[v] = { 'match.cat': Math.round(pick() * 100) / 100 };
  const variant = VARIANTS[Math.floor(pick() * VARIANTS.length)] as string;
  return { id, t, slot: SLOTS[Math.floor(pick() * SLOTS.length)] as string, model: 'builtin-1', group: pick() < 0.05 ? 'holdout' : 'personalized', variant, candidates: VARIANTS, p: 0.1 + pick() * 0.8, pm: 'exact', f, cf };
}

/** The outcomes of decision `d`: an impression for most, a click for some, a purchase for a few. */
function makeOutcomes(d: string, t: number, pick: () => number): OutcomeRecord[] {
  const outcomes: OutcomeRecord[] = [];
  if (pick() < 0.7) outcomes.push({ id: `i${d}`, d, k: 'impression', t: t + 300 });
  if (pick() < 0.08) outcomes.push({ id: `c${d}`, d, k: 'click', t: t + 4000 });
  if (pick() < 0.01) outcomes.push({ id: `p${d}`, d, k: 'purchase', v: Math.round(pick() * 20000) / 100, t: t + 60_000 });
  return outcomes;
}

async function open(): Promise<CollectorStore> {
  return storeName === 'postgres' ? openStore({ databaseUrl, dataDir, schema, maxConnections: clients + 2 }) : openStore({ dataDir });
}

/** Fills the log to `total` decisions, in the stores' row format, unless a cached run already did. */
async function fill(store: CollectorStore): Promise<number> {
  const have = await store.countDecisions(0, Number.MAX_SAFE_INTEGER);
  if (have >= total) return 0;
  const started = performance.now();
  const pick = random(7);
  const chunk = 5000;
  for (let start = have; start < total; start += chunk) {
    const rows: { device: string; id: string; at: number; record: string; outcomes: OutcomeRecord[] }[] = [];
    for (let i = start; i < Math.min(total, start + chunk); i++) {
      const device = `f${populationDevice(Math.floor(i / PER_DEVICE))}`;
      const id = `q${i}`;
      const at = LOG_START + i * 10;
      const outcomes = makeOutcomes(id, at - 50, pick);
      rows.push({ device, id, at, record: decisionText(makeDecision(id, at - 50, pick)), outcomes });
    }
    if (storeName === 'postgres') {
      const sql = (store as PostgresStore).sql;
      await sql.query(
        'INSERT INTO decisions (device, id, received_at, skew_ms, outcomes, record) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::integer[], $6::text[])',
        [rows.map((r) => r.device), rows.map((r) => r.id), rows.map((r) => r.at), rows.map(() => -20), rows.map((r) => r.outcomes.length), rows.map((r) => r.record)],
      );
      const outcomes = rows.flatMap((r) => r.outcomes.map((o) => ({ device: r.device, o })));
      await sql.query('INSERT INTO outcomes (device, decision, id, record) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])', [
        outcomes.map((x) => x.device), outcomes.map((x) => x.o.d), outcomes.map((x) => x.o.id), outcomes.map((x) => outcomeText(x.o)),
      ]);
    } else {
      const db = (store as SqliteStore).connection;
      const decision = db.prepare('INSERT INTO decisions (device, id, received_at, skew_ms, outcomes, record) VALUES (?, ?, ?, -20, ?, ?)');
      const outcome = db.prepare('INSERT INTO outcomes (device, decision, id, record) VALUES (?, ?, ?, ?)');
      db.transaction(() => {
        for (const r of rows) {
          decision.run(r.device, r.id, r.at, r.outcomes.length, r.record);
          for (const o of r.outcomes) outcome.run(r.device, o.d, o.id, outcomeText(o));
        }
      })();
    }
    if ((start / chunk) % 20 === 0) log(`filled ${start + rows.length} decisions`);
  }
  if (storeName === 'postgres') await (store as PostgresStore).sql.query('ANALYZE decisions; ANALYZE outcomes');
  return performance.now() - started;
}

/** C clients append realistic requests for S seconds. */
async function appendRun(store: CollectorStore): Promise<{ requests: number; decisions: number; outcomes: number; elapsedMs: number; p50Ms: number; p99Ms: number }> {
  const pick = random(Date.now() & 0xffffff);
  const latencies: number[] = [];
  let decisions = 0;
  let outcomes = 0;
  let n = 0;
  const run = Date.now().toString(36);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const device = `a${run}${populationDevice(Math.floor(pick() * 100_000))}`;
      const t = Date.now();
      const request = Array.from({ length: 10 }, () => makeDecision(`r${run}x${n++}`, t, pick));
      const attached = request.flatMap((d) => makeOutcomes(d.id, t, pick)).slice(0, 10);
      const before = performance.now();
      const outcome = await store.appendDecisionLog({ device, decisions: request, outcomes: attached, receivedAt: t, skewMs: 0 }, BOUNDS);
      latencies.push(performance.now() - before);
      decisions += outcome.decisions;
      outcomes += outcome.outcomes;
    }
  }));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, decisions, outcomes, elapsedMs, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** Reads the generated log whole, page by page. */
async function scanRun(store: CollectorStore): Promise<{ rows: number; outcomes: number; pages: number; elapsedMs: number; firstPagesMs: number; lastPagesMs: number; heapPeakMb: number; heapStartMb: number }> {
  const until = LOG_START + total * 10;
  global.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const pageMs: number[] = [];
  let rows = 0;
  let outcomes = 0;
  let after: string | undefined;
  const started = performance.now();
  do {
    const before = performance.now();
    const page = await store.scanDecisions({ since: LOG_START, until, limit: pageLimit, ...(after === undefined ? {} : { after }) });
    pageMs.push(performance.now() - before);
    rows += page.rows.length;
    for (const row of page.rows) outcomes += row.outcomes.length;
    after = page.next;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  } while (after !== undefined);
  const elapsedMs = performance.now() - started;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    rows, outcomes, pages: pageMs.length, elapsedMs,
    firstPagesMs: mean(pageMs.slice(0, 50)), lastPagesMs: mean(pageMs.slice(-50)),
    heapPeakMb: heapPeak / 1048576, heapStartMb: heapStart / 1048576,
  };
}

const store = await open();
try {
  log(`store ${store.kind}, ${storeName === 'postgres' ? `schema ${schema}` : `folder ${dataDir}`}`);
  const fillMs = await fill(store);
  if (fillMs) log(`filled ${total} decisions in ${(fillMs / 1000).toFixed(1)} s`);
  const scan = await scanRun(store);
  log(`scan: ${scan.rows} decisions (${scan.outcomes} outcomes) in ${(scan.elapsedMs / 1000).toFixed(1)} s`);
  const append = await appendRun(store);
  const result = {
    store: store.kind,
    decisions: total,
    page: pageLimit,
    scan: {
      decisionsPerSecond: Math.round(scan.rows / (scan.elapsedMs / 1000)),
      rows: scan.rows,
      outcomes: scan.outcomes,
      pages: scan.pages,
      seconds: +(scan.elapsedMs / 1000).toFixed(1),
      first50PagesMs: +scan.firstPagesMs.toFixed(2),
      last50PagesMs: +scan.lastPagesMs.toFixed(2),
      heapStartMb: +scan.heapStartMb.toFixed(1),
      heapPeakMb: +scan.heapPeakMb.toFixed(1),
    },
    append: {
      clients,
      requestsPerSecond: Math.round(append.requests / (append.elapsedMs / 1000)),
      decisionsPerSecond: Math.round(append.decisions / (append.elapsedMs / 1000)),
      outcomesPerSecond: Math.round(append.outcomes / (append.elapsedMs / 1000)),
      p50Ms: +append.p50Ms.toFixed(2),
      p99Ms: +append.p99Ms.toFixed(2),
    },
  };
  console.log(JSON.stringify(result, null, json ? 0 : 2));
} finally {
  await store.close();
}
