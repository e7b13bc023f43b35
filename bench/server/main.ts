/**
 * `npm run bench:server -- --store embedded|postgres --devices N [--via http|store] [--seconds S] [--clients C] [--json]`
 *
 * Throughput and latency of batch application with a stored population of N
 * devices (~20 fields each, generated straight in the database and cached:
 * `.o2o-data/bench/sqlite-<N>/`, PostgreSQL schema `bench_<N>`). C concurrent
 * clients (default 8) send realistic batches (20–34 deltas, bench/server/workload.ts)
 * for random devices of the population.
 *
 *  - `--via http` (default when the service exists): starts the collector
 *    service (server/main.ts) as its own process on 127.0.0.1 and POSTs protocol
 *    v2 batches to it; `restartMs` is the time from starting that process to its
 *    first ready answer; `rssMb` is the service process's resident memory.
 *  - `--via store`: the same clients call `applyBatch` on the store in this
 *    process; `restartMs` is opening the store to its first read.
 *
 * Prints `{ store, devices, batchesPerSecond, p50Ms, p99Ms, databaseBytes, rssMb, restartMs, … }`;
 * `cpuMsPerBatch` is the CPU time the applying process (service or store) spent per batch,
 * a figure that holds up better than throughput on a shared machine; `dbCpuMsPerBatch` (PostgreSQL)
 * adds the CPU of the database server's backends serving the benchmark's database.
 * PostgreSQL: DATABASE_URL or --database-url (default the store engineer's o2o_store database).
 * O2O_SQLITE_SYNC=normal runs the embedded store with synchronous=NORMAL (store-level runs only; the
 * service always opens it with the default, FULL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { openStore } from '../../server/store/open-store.js';
import type { PostgresStore } from '../../server/store/postgres-store.js';
import type { SqliteStore } from '../../server/store/sqlite-store.js';
import type { CollectorStore, DeviceBounds } from '../../server/store/store.js';
import { populatePostgres, populateSqlite } from './population.js';
import { prng as random } from '../../src/core/random.js';
import { BatchMaker, percentile, populationDevice, populationDeviceKey } from './workload.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index > 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

const storeName = option('--store', 'embedded');
if (storeName !== 'embedded' && storeName !== 'postgres') throw new Error('--store must be embedded or postgres');
const devices = Number(option('--devices', '10000'));
const via = option('--via', existsSync('server/app.ts') && existsSync('server/main.ts') ? 'http' : 'store');
const seconds = Number(option('--seconds', '15'));
const warmupSeconds = Number(option('--warmup', '2'));
const clients = Number(option('--clients', '8'));
const databaseUrl = option('--database-url', process.env.DATABASE_URL || 'postgres://o2o:o2o@127.0.0.1:5432/o2o_store');
const json = process.argv.includes('--json');
/** The service's defaults (server/options.ts). */
const BOUNDS: DeviceBounds = { maxFields: 1024, maxBytes: 256 * 1024, maxSeqStep: 1_000_000 };

const dataDir = join('.o2o-data', 'bench', `sqlite-${devices}`);
const schema = `bench_${devices}`;

function log(message: string): void {
  if (!json) console.error(message);
}

async function openBenchStore(): Promise<CollectorStore> {
  return storeName === 'postgres' ? openStore({ databaseUrl, dataDir, schema, maxConnections: clients + 2 }) : openStore({ dataDir, durability: process.env.O2O_SQLITE_SYNC === 'normal' ? 'normal' : 'full' });
}

async function databaseBytes(store: CollectorStore): Promise<number> {
  if (storeName === 'postgres') return (store as PostgresStore).databaseBytes();
  const file = join(dataDir, 'collector.sqlite');
  return [file, file + '-wal'].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
}

/** One measured run: C clients send batches until the time is up; returns per-batch latencies. */
async function drive(send: (device: string, id: string, deltas: ReturnType<BatchMaker['deltas']>) => Promise<void>, runSeconds: number, prefix: string): Promise<{ latencies: number[]; elapsedMs: number }> {
  const maker = new BatchMaker(Date.now() & 0xffff);
  const pick = random(Date.now() & 0xffffff);
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + runSeconds * 1000;
  let n = 0;
  const busy = new Set<string>();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      let device = populationDevice(Math.floor(pick() * devices));
      // One browser sends one batch at a time: two clients never hold the same device.
      while (busy.has(device)) device = populationDevice(Math.floor(pick() * devices));
      busy.add(device);
      const deltas = maker.deltas(device, Date.now());
      const t0 = performance.now();
      await send(device, `${prefix}${process.pid.toString(36)}-${Date.now().toString(36)}-${n++}`, deltas);
      latencies.push(performance.now() - t0);
      busy.delete(device);
    }
  }));
  return { latencies, elapsedMs: performance.now() - started };
}

function summary(latencies: number[], elapsedMs: number) {
  latencies.sort((a, b) => a - b);
  return {
    batches: latencies.length,
    seconds: +(elapsedMs / 1000).toFixed(1),
    batchesPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** CPU time (user + system) a process has used so far, ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU ms so far of every PostgreSQL backend serving the benchmark's database, by pid (Linux /proc). */
function postgresBackendsCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  if (storeName !== 'postgres') return cpu;
  const { username, pathname } = new URL(databaseUrl);
  const marker = ` ${decodeURIComponent(username)} ${decodeURIComponent(pathname.slice(1))} `;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('postgres:') && cmdline.includes(marker)) cpu.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return cpu;
}

/** The database server's CPU ms per batch between two {@link postgresBackendsCpu} snapshots (undefined for SQLite). */
function databaseCpuMsPerBatch(before: Map<number, number>, after: Map<number, number>, batches: number): number | undefined {
  if (storeName !== 'postgres') return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return +(total / batches).toFixed(3);
}

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Starts the collector service; resolves with its process and the ms until it answered ready. */
async function startService(entry: string, port: number): Promise<{ child: ChildProcess; restartMs: number; url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    O2O_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    O2O_RATE_IP_PER_MIN: '0',
    O2O_RATE_DEVICE_PER_MIN: '0',
    DATABASE_URL: storeName === 'postgres' ? `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` : '',
  };
  const t0 = performance.now();
  // O2O_BENCH_SERVICE_NODE_ARGS: extra Node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.O2O_BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, entry], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return { child, restartMs: Math.round(performance.now() - t0), url };
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120_000) throw new Error(`the service was not ready after 120 s: ${stderr.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Keep-alive connections, one per client, as browsers keep theirs: the cost measured is the batch, not TCP setup. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a CORS-simple request (text/plain) with node:http, lighter on the client side than fetch. */
function postText(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  log(`bench:server ${storeName}, ${devices} devices, via ${via}, ${clients} clients, ${seconds} s`);
  let store = await openBenchStore();
  const populateMs = storeName === 'postgres' ? await populatePostgres((store as PostgresStore).sql, devices) : populateSqlite(store as SqliteStore, devices);
  log(populateMs ? `population generated in ${(populateMs / 1000).toFixed(1)} s` : 'population cached');
  let result: Record<string, unknown>;
  if (via === 'store') {
    await store.close();
    const t0 = performance.now();
    store = await openBenchStore();
    await store.device(populationDevice(0));
    const restartMs = Math.round(performance.now() - t0);
    const apply = async (device: string, id: string, deltas: ReturnType<BatchMaker['deltas']>): Promise<void> => {
      const outcome = await store.applyBatch({ device, id, deltas, receivedAt: Date.now(), skewMs: 0, bytes: 1500 }, BOUNDS);
      if (outcome.rejected || outcome.refused) throw new Error(`batch refused: ${JSON.stringify(outcome)}`);
    };
    await drive(apply, warmupSeconds, 'w');
    const cpu0 = cpuMsOf(process.pid);
    const db0 = postgresBackendsCpu();
    const run = await drive(apply, seconds, 'm');
    const cpuMsPerBatch = +((cpuMsOf(process.pid) - cpu0) / run.latencies.length).toFixed(3);
    const dbCpuMsPerBatch = databaseCpuMsPerBatch(db0, postgresBackendsCpu(), run.latencies.length);
    result = { ...summary(run.latencies, run.elapsedMs), cpuMsPerBatch, dbCpuMsPerBatch, databaseBytes: await databaseBytes(store), rssMb: Math.round(process.memoryUsage().rss / 1048576), restartMs };
    await store.close();
  } else {
    await store.close();
    const entry = 'bench/.build/server-main.mjs';
    await build({ entryPoints: ['server/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: entry, logLevel: 'warning' });
    const service = await startService(entry, await freePort());
    try {
      const post = async (device: string, id: string, deltas: ReturnType<BatchMaker['deltas']>): Promise<void> => {
        const seqs = deltas.map((d) => d.s);
        const body = JSON.stringify({ v: 2, id, device, deviceKey: populationDeviceKey(device), sentAt: Date.now(), seq: [Math.min(...seqs), Math.max(...seqs)], deltas });
        const { status, text } = await postText(`${service.url}/v1/batch`, body);
        if (status !== 200) throw new Error(`POST /v1/batch answered ${status}: ${text.slice(0, 300)}`);
      };
      await drive(post, warmupSeconds, 'w');
      const cpu0 = cpuMsOf(service.child.pid as number);
      const db0 = postgresBackendsCpu();
      const run = await drive(post, seconds, 'm');
      const cpuMsPerBatch = +((cpuMsOf(service.child.pid as number) - cpu0) / run.latencies.length).toFixed(3);
      const dbCpuMsPerBatch = databaseCpuMsPerBatch(db0, postgresBackendsCpu(), run.latencies.length);
      const rssMb = rssMbOf(service.child.pid as number);
      await stopService(service.child);
      store = await openBenchStore();
      result = { ...summary(run.latencies, run.elapsedMs), cpuMsPerBatch, dbCpuMsPerBatch, databaseBytes: await databaseBytes(store), rssMb, restartMs: service.restartMs };
      await store.close();
    } finally {
      await stopService(service.child);
    }
  }
  agent.destroy();
  // The machine's 1-minute load average at the end: on a shared machine, read throughput next to it.
  const output = { store: storeName, devices, via, clients, ...result, populateMs, loadAverage: +(loadavg()[0] ?? 0).toFixed(1) };
  console.log(json ? JSON.stringify(output) : JSON.stringify(output, null, 2));
}

await main();
