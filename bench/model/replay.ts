/**
 * Replays one visitor's history through the real SDK code path: events are
 * validated into `TrackedEvent`s, folded with `apply`, and after each one
 * the decision snapshot is made (`snapshotOf(viewProfile(…))`), as the second
 * stage writes it whenever the profile changes; each step decides from the
 * snapshot of the previous event at the time of the next one, as a page does.
 */
import { validateEvent } from '../../src/core/events.js';
import { apply, emptyProfile } from '../../src/core/profile.js';
import { type DecisionSnapshot, snapshotOf } from '../../src/core/snapshot.js';
import { viewProfile } from '../../src/core/view.js';
import type { Dataset, Persona } from './data.js';

/** Events before the first prediction, per the protocol. */
export const WARMUP = 5;
/** A gap at least this long before the next event makes the step a new visit. */
export const NEW_VISIT_MS = 30 * 60_000;

/** One prediction step: the profile's snapshot before the next event, that event's time, and what it was. */
export interface Step {
  /** Made when the profile last changed (the previous event). */
  snapshot: DecisionSnapshot;
  /** The next event's time: when the decision is made. */
  now: number;
  /** Genres of the next movie: a hit is featuring one of them. */
  next: readonly string[];
  /** True when the next event comes 30 minutes or more after the previous one. */
  newVisit: boolean;
}

/** The persona's age band, as MovieLens 1M groups ages. */
export function ageBand(age: number): string {
  return age < 18 ? 'u18' : age < 25 ? '18-24' : age < 35 ? '25-34' : age < 45 ? '35-44' : age < 50 ? '45-49' : age < 56 ? '50-55' : '56p';
}

function track(raw: Record<string, unknown>, now: number) {
  const result = validateEvent(raw, now);
  if (!result.ok) throw new Error(`benchmark event rejected: ${result.reason}`);
  return result.event;
}

/**
 * Calls `onStep` for every step after the warm-up. The visitor identifies
 * with their persona as traits first, so demographics reach the model as
 * `trait.*` features the same way a site's `identify` call would.
 */
export function replay(data: Dataset, user: number, persona: Persona, onStep: (step: Step) => void): void {
  const ratings = data.ratings.get(user) ?? [];
  if (!ratings.length) return;
  const first = (ratings[0]?.ts ?? 0) * 1000;
  let profile = apply(emptyProfile(), track({
    name: 'identify', ts: first - 1,
    props: { userId: `u${user}`, traits: { age: ageBand(persona.age), gender: persona.gender, occupation: persona.occupation } },
  }, first)).profile;
  let snapshot = snapshotOf(viewProfile(profile, first - 1));
  ratings.forEach((rating, i) => {
    const ts = rating.ts * 1000;
    const genres = data.items.get(rating.item) ?? [];
    if (i >= WARMUP) {
      const previous = (ratings[i - 1]?.ts ?? 0) * 1000;
      onStep({ snapshot, now: ts, next: genres, newVisit: ts - previous >= NEW_VISIT_MS });
    }
    const items = genres.map((category) => ({ id: String(rating.item), category }));
    profile = apply(profile, track({ name: 'view_item', ts, props: {}, items: items.length ? items : [{ id: String(rating.item) }] }, ts)).profile;
    if (i >= WARMUP - 1) snapshot = snapshotOf(viewProfile(profile, ts));
  });
}
