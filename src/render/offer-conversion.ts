/**
 * `offer_converted`: a conversion that follows an offer shown (or clicked) in
 * the same session is attributed to that offer, once per conversion name and
 * offer shown, so learning can tell offers that convert from offers that only
 * get clicked. Decided from the stored event log, so it holds across pages.
 */
import type { TrackedEvent } from '../core/events.js';

/**
 * The `offer_converted` event (raw, for the record path) that `conversion` earns, or
 * `undefined` when no offer of this session (events at or after
 * `sessionStart`) precedes it or it was already attributed.
 */
export function offerConversion(events: readonly TrackedEvent[], sessionStart: number, conversion: TrackedEvent): Record<string, unknown> | undefined {
  let offer: Record<string, unknown> | undefined;
  let converted: unknown[] = [];
  for (const event of events) {
    if (event.ts < sessionStart) continue;
    if (event.name === 'offer_shown') (offer = event.props), (converted = []);
    else if (event.name === 'offer_converted') converted.push(event.props.conversion);
  }
  if (!offer || converted.includes(conversion.name)) return undefined;
  return { name: 'offer_converted', props: { offer: offer.offer, group: offer.group, conversion: conversion.name }, value: conversion.value };
}
