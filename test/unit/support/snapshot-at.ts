/**
 * Test helper: the decision snapshot of a profile at one moment, as the
 * client makes it (view, then snapshot). Decisions on it default to that moment.
 */
import type { Profile } from '../../../src/core/profile.js';
import { type DecisionSnapshot, snapshotOf } from '../../../src/core/snapshot.js';
import { viewProfile } from '../../../src/core/view.js';

/** `snapshotOf(viewProfile(profile, now))`. */
export function snapshotAt(profile: Profile, now: number): DecisionSnapshot {
  return snapshotOf(viewProfile(profile, now));
}
