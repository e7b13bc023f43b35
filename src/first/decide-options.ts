/**
 * The options every decision of a page view shares: whom holdout and
 * exploration are seeded for, and this visit's context.
 */
import type { DecideOptions } from '../core/decide.js';
import type { VisitContext } from '../core/context.js';
import { type DecisionSnapshot, snapshotNumber, snapshotRegister } from '../core/snapshot.js';

/** Seeds holdout and exploration for this page view: the user id when known, else the device id. */
export function visitorOptions(snapshot: DecisionSnapshot | undefined, device: string, context: VisitContext | undefined): DecideOptions {
  const user = snapshot && snapshotRegister(snapshot, 'u.id');
  return { visitor: typeof user === 'string' ? user : device, seed: (snapshot && snapshotNumber(snapshot, 'n.page_view')) ?? 0, context };
}

/** Decide options for one slot: a QA preview forces its variant. */
export function slotOptions(shared: DecideOptions, preview: ReadonlyMap<string, string>, slot: string): DecideOptions {
  const forced = preview.get(slot);
  return forced ? { ...shared, preview: forced } : shared;
}
