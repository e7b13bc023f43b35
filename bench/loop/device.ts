/**
 * One simulated device running the real SDK core: events are validated and
 * folded into its profile (`validateEvent` → `apply`), each page view decides
 * the slots (`decideSlot` on `snapshotOf(viewProfile)` + `visitorFeatures`), each decision
 * becomes a decision record (`buildDecisionRecord`), the hidden visitor
 * responds, the response is tracked as events (on-device learning) and as
 * outcome records, and the device syncs over real HTTP: `POST /v1/device`
 * once, then per visit `POST /v1/batch` (its deltas) and `POST /v1/decisions`.
 */
import { randomBytes } from 'node:crypto';
import type { VisitContext } from '../../src/core/context.js';
import { decideSlot } from '../../src/core/decide.js';
import { buildDecisionRecord } from '../../src/core/decision-log.js';
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import { validateEvent } from '../../src/core/events.js';
import { visitorFeatures } from '../../src/core/features.js';
import { type Delta, compactDeltas } from '../../src/core/merge.js';
import type { Model } from '../../src/core/model.js';
import { type Profile, apply, emptyProfile } from '../../src/core/profile.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';
import { json } from './http.js';
import { SLOTS, type Visitor, browse, buyChance, clickChance, price } from './world.js';

const HOUR = 3_600_000;

/** What one decision did, for the simulator's books (truth the report never sees). */
export interface DecisionFact {
  slot: string;
  group: string;
  variant: string;
  clicked: boolean;
  bought: boolean;
  /** True chances of what was shown. */
  clickChance: number;
  buyChance: number;
  /** True click chance of what the comparison model (the built-in one) would have shown. */
  compareClick: number;
  compareBuy: number;
}

/** Clock control: the server reads Date.now, which the simulator sets. */
export type SetClock = (t: number) => void;

/** A simulated device. */
export class SimDevice {
  readonly key = randomBytes(32).toString('base64url');
  private profile: Profile = emptyProfile();
  private registered = false;
  private pageViews = 0;
  private decisions = 0;
  private batches = 0;

  constructor(readonly visitor: Visitor) {}

  private track(name: string, ts: number, props: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Delta[] {
    const checked = validateEvent({ name, ts, props, ...extra }, ts);
    if (!checked.ok) throw new Error(`simulated event ${name} refused: ${checked.reason}`);
    const result = apply(this.profile, checked.event);
    this.profile = result.profile;
    return result.deltas;
  }

  /**
   * One visit starting at `start`: a few page views, each deciding every slot
   * with `model`; the visit's deltas and decision log are then sent to `base`.
   */
  async visit(base: string, start: number, model: Model, compare: Model, random: () => number, setClock: SetClock): Promise<DecisionFact[]> {
    const v = this.visitor;
    const facts: DecisionFact[] = [];
    const records: DecisionRecord[] = [];
    const outcomes: OutcomeRecord[] = [];
    const deltas: Delta[] = [];
    const hour = new Date(start).getUTCHours();
    const context: VisitContext = {
      device: v.mobile ? 'mobile' : 'desktop', hour, weekday: new Date(start).getUTCDay(),
      referrer: v.campaign ? 'paid' : 'direct', returning: this.pageViews > 0,
      ...(v.campaign ? { utm: { campaign: 'summer' } } : {}),
    };
    const moment = { evening: hour >= 18, campaign: v.campaign };
    const pages = 2 + Math.floor(random() * 4);
    let t = start;
    for (let p = 0; p < pages; p++) {
      t += Math.floor(20_000 + random() * 60_000);
      const category = browse(v, random);
      const item = { id: `${category}-${Math.floor(random() * 10)}`, category, price: price(category, random), tags: [category] };
      deltas.push(...this.track('page_view', t), ...this.track('view_item', t + 1, {}, { items: [item] }));
      this.pageViews++;
      // Made when the item view was folded in (as the second stage writes it), decided a moment later.
      const view = snapshotOf(viewProfile(this.profile, t + 1));
      const features = visitorFeatures(view, t + 2, context, model.segments);
      const compareFeatures = visitorFeatures(view, t + 2, context, compare.segments);
      for (const slot of Object.keys(SLOTS)) {
        const candidates = SLOTS[slot] as Array<{ id: string; tags: string[] }>;
        const options = { now: t + 2, visitor: v.id, seed: this.pageViews, context };
        const decision = decideSlot(slot, candidates, view, model, { ...options, features });
        const other = decideSlot(slot, candidates, view, compare, { ...options, features: compareFeatures });
        const id = `${v.id}-${(this.decisions++).toString(36)}`;
        records.push(buildDecisionRecord(decision, id, t + 2));
        const at = t + 3;
        deltas.push(...this.track('view_promotion', at, { slot, variant: decision.variant }));
        outcomes.push({ id: `${id}-i`, d: id, k: 'impression', t: at });
        const pClick = clickChance(v, slot, decision.variant, moment);
        const pBuy = buyChance(v, slot, decision.variant);
        const clicked = random() < pClick;
        const bought = clicked && random() < pBuy;
        if (clicked) {
          deltas.push(...this.track('select_promotion', at + 1000, { slot, variant: decision.variant }));
          outcomes.push({ id: `${id}-k`, d: id, k: 'click', t: at + 1000 });
        }
        if (bought) {
          const value = price(slot === 'hero' && decision.variant !== 'default' ? (decision.variant as typeof category) : category, random);
          deltas.push(...this.track('purchase', at + 60_000, {}, { value, items: [{ ...item, price: value, quantity: 1 }] }));
          outcomes.push({ id: `${id}-p`, d: id, k: 'purchase', v: value, t: at + 60_000 });
        }
        facts.push({
          slot, group: decision.group, variant: decision.variant, clicked, bought, clickChance: pClick, buyChance: pBuy,
          compareClick: clickChance(v, slot, other.variant, moment), compareBuy: buyChance(v, slot, other.variant),
        });
      }
      t += 70_000;
    }
    setClock(t + 1000);
    await this.sync(base, deltas, records, outcomes, t + 1000);
    return facts;
  }

  private async sync(base: string, deltas: Delta[], records: DecisionRecord[], outcomes: OutcomeRecord[], now: number): Promise<void> {
    const credential = { v: 2, device: this.visitor.id, deviceKey: this.key };
    if (!this.registered) {
      await json(base, 'POST', '/v1/device', credential);
      this.registered = true;
    }
    const compact = compactDeltas(deltas);
    if (compact.length) {
      const seqs = compact.map((d) => d.s);
      await json(base, 'POST', '/v1/batch', { ...credential, id: `b${(this.batches++).toString(36)}`, seq: [Math.min(...seqs), Math.max(...seqs)], sentAt: now, deltas: compact });
    }
    // Requests of at most 20 decisions stay well under the route's 15,000-byte bound.
    for (let i = 0; i < records.length; i += 20) {
      const part = records.slice(i, i + 20);
      const ids = new Set(part.map((r) => r.id));
      await json(base, 'POST', '/v1/decisions', {
        ...credential, id: `d${(this.batches++).toString(36)}`, sentAt: now, decisions: part, outcomes: outcomes.filter((o) => ids.has(o.d)),
      });
    }
  }
}

/** Hours of the day as epoch offsets: the visit of a visitor on `day` near their usual hour. */
export function visitStart(dayStart: number, visitor: Visitor, random: () => number): number {
  return dayStart + visitor.hour * HOUR + Math.floor(random() * HOUR);
}
