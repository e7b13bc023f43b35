/**
 * `npm run train:model -- --store DIR --base model.json --out trained.json`
 *
 * Fits a model from what the reference collector stored (`DIR/collector.json`):
 * for every device and every candidate the base model declares, each
 * impression (`b.i.*`) is a row whose outcome is a click or credited
 * conversion (`b.k.*`, `b.v.*`), with features read from that device's
 * profile. Writes the base model with fitted biases and weights. Runs in Node only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candidateFeatures, visitorFeatures } from '../../src/core/features.js';
import type { DeviceState } from '../../src/core/merge.js';
import { parseModel } from '../../src/core/model.js';
import { viewProfile } from '../../src/core/view.js';
import { type Row, fit } from './train.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const store = arg('--store') ?? '.o2o-data';
const base = parseModel(readFileSync(arg('--base') ?? 'demo/model/model.json', 'utf8'));
if (!base.ok) throw new Error(`base model rejected: ${base.reason}`);
const devices = (JSON.parse(readFileSync(join(store, 'collector.json'), 'utf8')) as { devices: Record<string, DeviceState> }).devices;
const model = { ...base.model, slots: { ...base.model.slots } };
let total = 0;
for (const [slot, candidates] of Object.entries(base.model.slots)) {
  const rows: Row[] = [];
  for (const device of Object.values(devices)) {
    const view = viewProfile({ v: 1, own: device, remote: {} }, Date.now());
    const visitor = visitorFeatures(view);
    candidates.forEach((candidate, index) => {
      const n = view.number(`b.i.${slot}.${candidate.id}`) ?? 0;
      const s = Math.min(n, (view.number(`b.k.${slot}.${candidate.id}`) ?? 0) + (view.number(`b.v.${slot}.${candidate.id}`) ?? 0));
      const own = candidateFeatures(view, candidate).features;
      for (let i = 0; i < Math.min(n, 100); i++) rows.push({ candidate: index, visitor, own, y: i < s ? 1 : 0 });
    });
  }
  total += rows.length;
  if (!rows.length) continue;
  const fitted = fit(`${base.model.id}-trained`, slot, candidates, rows, { epochs: 20 });
  // The fit has no global bias; fold the base model's into each candidate's prior.
  model.slots[slot] = (fitted.slots[slot] ?? []).map((c, i) => ({ ...candidates[i], ...c, bias: (c.bias ?? 0) - base.model.bias }));
  model.weights = { ...model.weights, ...fitted.weights };
}
writeFileSync(arg('--out') ?? 'trained-model.json', JSON.stringify({ ...model, id: `${base.model.id}-trained` }, null, 2) + '\n');
console.log(`trained on ${total} impressions from ${Object.keys(devices).length} devices`);
