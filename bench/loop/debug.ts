import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../server/learn/ope.js';
import { policyProbabilities } from '../../server/learn/policy.js';
import { DEFAULT_TRAIN, train } from '../../server/learn/trainer.js';
import { heldBack } from '../../server/learn/training-run.js';
import type { LoggedDecision } from '../../server/store/decision-log-store.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { BUILTIN_MODEL, type Model } from '../../src/core/model.js';
import { clickChance, population } from './world.js';
import { runLoop } from './simulate.js';

// Keep the store: run with a patched rmSync? Simpler: re-run a loop and read its store before close is not exposed; so rebuild the logs here.
const cfg = { seed: 1, visitors: 1500, days: 3, holdout: 0.2, noise: 0.5, train: false };
process.env.O2O_KEEP_LOOP_DIR = '1';
const r = await runLoop(cfg);
const { keptLoopDir } = await import('./simulate.js');
const dir = keptLoopDir!; void r;
const store = new SqliteStore({ file: join(dir, 'collector.sqlite'), durability: 'normal' });
await store.migrate();
const rows: LoggedDecision[] = [];
let after: string | undefined;
do { const page = await store.scanDecisions({ since: 0, until: Date.now(), limit: 5000, ...(after ? { after } : {}) }); rows.push(...page.rows); after = page.next; } while (after);
const visitors = new Map(population(cfg.visitors, cfg.seed).map((v) => [v.id, v]));
const truth = (m: Model, ds: LoggedDecision[]): number => {
  let s = 0;
  for (const d of ds) {
    const v = visitors.get(d.device)!;
    const moment = { evening: (d.f['ctx.evening'] ?? 0) > 0, campaign: (d.f['ctx.campaign'] ?? 0) > 0 };
    policyProbabilities(m, d, 0.5).forEach((p, id) => (s += p * clickChance(v, d.slot, id, moment)));
  }
  return s / ds.length;
};
const live: Model = { ...BUILTIN_MODEL, id: 'site-1', holdout: 0.2, explore: { prior: 20, noise: 0.5 } };
const pers = rows.filter((d) => d.group === 'personalized');
const tr = pers.filter((d) => !heldBack(d.device, 0.2));
const ev = pers.filter((d) => heldBack(d.device, 0.2));
for (const opts of [DEFAULT_TRAIN, { ...DEFAULT_TRAIN, newDeviceTrust: 1e9 }, { ...DEFAULT_TRAIN, newDeviceTrust: 1e9, candidateLambda: 20, lambda: 5 }]) {
  const { model, stats } = train(tr, { live, id: 'x', until: Date.now() + 10 * 86400000 }, opts);
  const e = evaluate(model, live, ev, { reward: 'click', alpha: 0.05, loggedNoise: 0.5 });
  console.log('stats', stats.used, stats.newShiftRaw.toFixed(2), 'truth live', truth(live, ev).toFixed(4), 'truth cand', truth(model, ev).toFixed(4), 'dr cand', e.candidate.dr.estimate.toFixed(4), 'dr live', e.live.dr.estimate.toFixed(4), 'ips cand', e.candidate.ips.estimate.toFixed(4), 'snips', e.candidate.snips.estimate.toFixed(4), 'logged', e.logged.estimate.toFixed(4), 'agree', e.candidate.agreement.toFixed(3));
  console.log('live meanWeight', e.live.meanWeight, 'ips live', e.live.ips.estimate, 'cand meanW', e.candidate.meanWeight);
  let bad = 0; let maxd = 0;
  for (const d of ev) { const p = policyProbabilities(live, d, 0.5).get(d.variant) ?? 0; const diff = Math.abs(p - d.p); if (diff > 1e-3) { bad++; if (bad < 3) console.log('mismatch', d.p, p, JSON.stringify(d)); } maxd = Math.max(maxd, diff); }
  console.log('mismatches', bad, 'of', ev.length, 'max', maxd);
  for (const slot of ['hero', 'banner']) {
    const s = ev.filter((d) => d.slot === slot);
    console.log('  ', slot, 'live', truth(live, s).toFixed(4), 'cand', truth(model, s).toFixed(4));
  }
  console.log(JSON.stringify(model.slots.hero?.map((c) => [c.id, c.bias])), JSON.stringify(model.weights), model.bias);
}
