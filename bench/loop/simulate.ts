/**
 * The learning loop on a simulated site: the real collector (buildApp with
 * the embedded SQLite store, on 127.0.0.1) and simulated devices running the
 * real SDK core, over simulated days. Each day the devices pull the live
 * model (`GET /v1/model`), visit, and sync (`POST /v1/batch`,
 * `POST /v1/decisions`); at the end of the day the service trains
 * (`POST /v1/admin/train`: off-policy evaluation, promotion only when better
 * with confidence). The server's clock is the simulation's: `Date.now` is
 * set to each request's simulated time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { prng } from '../../src/core/random.js';
import { replay } from '../../server/learn/policy.js';
import type { TrainingRunResult } from '../../server/learn/training-run.js';
import { DEFAULT_TRAIN } from '../../server/learn/trainer.js';
import type { UpliftReport } from '../../server/report/uplift.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { BUILTIN_MODEL, type Model, parseModel } from '../../src/core/model.js';
import { type DecisionFact, SimDevice, visitStart } from './device.js';
import { call, closeConnections, json } from './http.js';
import { type Visitor, population } from './world.js';

const DAY = 86_400_000;
/** The simulation's first day (a Monday, 00:00 UTC). */
export const SIM_START = Date.UTC(2026, 0, 5);

/** The last run's folder when O2O_KEEP_LOOP_DIR is set. */
export let keptLoopDir: string | undefined;

/** Settings of one simulated run. */
export interface LoopConfig {
  seed: number;
  visitors: number;
  days: number;
  /** The site's holdout share (the model file's `holdout`): more holdout, narrower uplift intervals. */
  holdout: number;
  /** The site's exploration noise (`explore.noise`). */
  noise: number;
  /** Train at the end of every day. */
  train: boolean;
  /** Log one line per day. */
  log?: (line: string) => void;
}

/** One simulated day's figures (personalized decisions unless said). */
export interface DayFigures {
  day: number;
  /** Live model version the devices used. */
  version: number;
  decisions: number;
  /** Realized clicks and purchases per personalized decision. */
  clickRate: number;
  conversionRate: number;
  /** True expected clicks per personalized decision of what was shown, and of what the built-in model would have shown. */
  trueClick: number;
  builtinClick: number;
  trueConversion: number;
  builtinConversion: number;
  /** Realized clicks and purchases per holdout decision. */
  holdoutClickRate: number;
  holdoutConversionRate: number;
  /** Per slot: true expected clicks per personalized decision, served model against the built-in one. */
  slots: Record<string, { trueClick: number; builtinClick: number }>;
  training?: Pick<TrainingRunResult, 'version' | 'promoted' | 'reason' | 'ms'> & { candidateDr?: [number, number, number]; stats?: TrainingRunResult['stats'] };
}

/** What a run produced. */
export interface LoopResult {
  days: DayFigures[];
  report: UpliftReport;
  /** The simulator's true uplift: mean true conversion chance of personalized visitors minus holdout visitors. */
  trueUplift: number;
  /** Off-policy prediction of a promoted model's click rate against its measured rate the next day. */
  ope: Array<{ day: number; estimate: number; low: number; high: number; measured: number; decisions: number }>;
  /** The flood's effect (only when asked). */
  poison?: PoisonResult;
  /** Wall time, ms. */
  ms: number;
}

/** The poisoning check's figures. */
export interface PoisonResult {
  devices: number;
  candidate: string;
  /** Largest logit move the new devices caused in the trained model (after the trust region) and without it. */
  shift: number;
  unbounded: number;
  bound: number;
  /** Whether the flooded training was promoted, and how far the served model then moved on the flooded candidate (mean logit over real contexts). */
  promoted: boolean;
  servedShift: number;
  newShare: number;
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function summarize(day: number, version: number, facts: readonly DecisionFact[]): DayFigures {
  const pers = facts.filter((f) => f.group === 'personalized');
  const hold = facts.filter((f) => f.group === 'holdout');
  return {
    day, version, decisions: pers.length,
    clickRate: mean(pers.map((f) => (f.clicked ? 1 : 0))),
    conversionRate: mean(pers.map((f) => (f.bought ? 1 : 0))),
    trueClick: mean(pers.map((f) => f.clickChance)),
    builtinClick: mean(pers.map((f) => f.compareClick)),
    trueConversion: mean(pers.map((f) => f.clickChance * f.buyChance)),
    builtinConversion: mean(pers.map((f) => f.compareClick * f.compareBuy)),
    holdoutClickRate: mean(hold.map((f) => (f.clicked ? 1 : 0))),
    holdoutConversionRate: mean(hold.map((f) => (f.bought ? 1 : 0))),
    slots: Object.fromEntries([...new Set(pers.map((f) => f.slot))].map((slot) => {
      const mine = pers.filter((f) => f.slot === slot);
      return [slot, { trueClick: mean(mine.map((f) => f.clickChance)), builtinClick: mean(mine.map((f) => f.compareClick)) }];
    })),
  };
}

/** Runs one simulation; `poison` adds the flood check after the last day. */
export async function runLoop(config: LoopConfig, poison = false): Promise<LoopResult> {
  const started = performance.now();
  const realNow = Date.now;
  let clock = SIM_START;
  Date.now = () => clock;
  const setClock = (t: number): void => {
    clock = Math.max(clock, t);
  };
  const dir = mkdtempSync(join(tmpdir(), 'o2o-loop-'));
  const modelFile = join(dir, 'model.json');
  const site: Model = { ...BUILTIN_MODEL, id: 'site-1', holdout: config.holdout, explore: { prior: 20, noise: config.noise } };
  writeFileSync(modelFile, JSON.stringify(site));
  const store = new SqliteStore({ file: join(dir, 'collector.sqlite'), durability: 'normal' });
  await store.migrate();
  const off = { perMinute: 0, burst: 1 };
  const app = buildApp({
    store, modelFile, rateLimits: { ip: off, device: off, decisions: off },
    bounds: { maxDecisionsPerDevice: 100_000 },
    learning: { now: () => Date.now() },
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const random = prng(config.seed * 7919 + 1);
    const visitors: Visitor[] = population(config.visitors, config.seed);
    const devices = new Map(visitors.map((v) => [v.id, new SimDevice(v)]));
    const compare: Model = { ...BUILTIN_MODEL, holdout: 0 };
    const days: DayFigures[] = [];
    const allFacts = new Map<string, DecisionFact[]>();
    const ope: LoopResult['ope'] = [];
    let pending: { day: number; estimate: number; low: number; high: number } | undefined;
    for (let day = 0; day < config.days; day++) {
      const dayStart = SIM_START + day * DAY;
      setClock(dayStart);
      const served = await call(base, 'GET', '/v1/model');
      const parsed = parseModel(served.body);
      if (!parsed.ok) throw new Error(`served model invalid: ${parsed.reason}`);
      const version = Number(served.headers['x-o2o-model-version'] ?? 0);
      const today = visitors.filter((v) => random() < v.frequency).map((v) => ({ v, start: visitStart(dayStart, v, random) })).sort((a, b) => a.start - b.start);
      const facts: DecisionFact[] = [];
      for (const { v, start } of today) {
        setClock(start);
        const mine = await (devices.get(v.id) as SimDevice).visit(base, start, parsed.model, compare, random, setClock);
        facts.push(...mine);
        const list = allFacts.get(v.id) ?? [];
        list.push(...mine);
        allFacts.set(v.id, list);
      }
      const figures = summarize(day, version, facts);
      if (pending) {
        ope.push({ ...pending, measured: figures.clickRate, decisions: figures.decisions });
        pending = undefined;
      }
      if (config.train) {
        setClock(dayStart + DAY - 60_000);
        const result = await json<TrainingRunResult>(base, 'POST', '/v1/admin/train');
        const dr = result.evaluation?.candidate.dr;
        figures.training = {
          ...(result.version === undefined ? {} : { version: result.version }), promoted: result.promoted, reason: result.reason, ms: result.ms,
          ...(dr ? { candidateDr: [dr.estimate, dr.low, dr.high] as [number, number, number] } : {}),
          ...(result.stats ? { stats: result.stats } : {}),
        };
        if (result.promoted && dr) pending = { day: day + 1, estimate: dr.estimate, low: dr.low, high: dr.high };
      }
      days.push(figures);
      config.log?.(`day ${day + 1}: model v${version}, ${figures.decisions} personalized decisions, clicks ${figures.clickRate.toFixed(4)} (true ${figures.trueClick.toFixed(4)}, built-in ${figures.builtinClick.toFixed(4)}), holdout ${figures.holdoutClickRate.toFixed(4)} ${JSON.stringify(figures.slots)}${figures.training ? `; training: ${figures.training.promoted ? 'promoted v' + figures.training.version : 'kept'} (${Math.round(figures.training.ms)} ms)` : ''}`);
    }
    setClock(SIM_START + config.days * DAY);
    const report = await json<UpliftReport>(base, 'GET', `/v1/report?days=${config.days + 1}`);
    const conversionChance = (facts: readonly DecisionFact[]): number => 1 - facts.reduce((q, f) => q * (1 - f.clickChance * f.buyChance), 1);
    const byGroup: Record<string, number[]> = { personalized: [], holdout: [] };
    allFacts.forEach((facts) => byGroup[facts[0]?.group ?? 'personalized']?.push(conversionChance(facts)));
    const trueUplift = mean(byGroup.personalized as number[]) - mean(byGroup.holdout as number[]);
    const result: LoopResult = { days, report, trueUplift, ope, ms: 0 };
    if (poison) result.poison = await flood(base, setClock, SIM_START + config.days * DAY, store);
    result.ms = performance.now() - started;
    return result;
  } finally {
    await app.close();
    await store.close();
    closeConnections();
    Date.now = realNow;
    // O2O_KEEP_LOOP_DIR keeps the run's database for inspection (keptLoopDir).
    if (process.env.O2O_KEEP_LOOP_DIR) keptLoopDir = dir;
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** 1,000 new devices each log three hero decisions for one candidate and click all of them; then the service trains. */
async function flood(base: string, setClock: (t: number) => void, at: number, store: SqliteStore): Promise<PoisonResult> {
  const target = 'kids';
  const devices = 1000;
  setClock(at + 3_600_000);
  const before = await json<Model & { release: { version: number } }>(base, 'GET', '/v1/model');
  const sample = (await store.scanDecisions({ since: 0, until: at, limit: 2000 })).rows.filter((d) => d.slot === 'hero' && d.group === 'personalized');
  for (let i = 0; i < devices; i++) {
    const device = `fake${i.toString(36)}`;
    const credential = { v: 2, device, deviceKey: Buffer.alloc(32, i % 251).toString('base64url') };
    await json(base, 'POST', '/v1/device', credential);
    const t = Date.now();
    const decisions = [0, 1, 2].map((k) => ({
      id: `${device}-${k}`, t, slot: 'hero', model: before.id, group: 'personalized', variant: target,
      candidates: ['default', target], p: 0.5, pm: 'exact', f: { 'ctx.mobile': 1 }, cf: { [target]: { 'match.long': 0.05 } },
    }));
    const outcomes = decisions.map((d) => ({ id: `${d.id}-k`, d: d.id, k: 'click', t }));
    await json(base, 'POST', '/v1/decisions', { ...credential, id: `f${i}`, sentAt: t, decisions, outcomes });
  }
  setClock(at + 2 * 3_600_000);
  const result = await json<TrainingRunResult>(base, 'POST', '/v1/admin/train');
  const after = await json<Model & { release: { version: number } }>(base, 'GET', '/v1/model');
  const logitOf = (model: Model, d: (typeof sample)[number]): number => {
    const record = { ...d, candidates: d.candidates.includes(target) ? d.candidates : [...d.candidates, target] };
    return replay(model, record).find((c) => c.id === target)?.logit ?? 0;
  };
  const servedShift = mean(sample.map((d) => Math.abs(logitOf(after, d) - logitOf(before, d))));
  const stats = result.stats;
  return {
    devices, candidate: target,
    shift: stats?.newShift ?? 0, unbounded: stats?.newShiftRaw ?? 0, bound: DEFAULT_TRAIN.newDeviceTrust,
    promoted: result.promoted, servedShift, newShare: stats?.newShare ?? 0,
  };
}
