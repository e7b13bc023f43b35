/**
 * Everything the debug panel shows, gathered from a client in one pass so
 * the panel's components only render plain data. Reads only: nothing here
 * changes the client's state.
 */
import type { VisitContext } from '../core/context.js';
import type { Decision } from '../core/decide.js';
import type { TrackedEvent } from '../core/events.js';
import { visitorFeatures } from '../core/features.js';
import { lifecycleStage } from '../core/lifecycle.js';
import type { Delta } from '../core/merge.js';
import type { Dimension, Horizon } from '../core/profile.js';
import { snapshotOf } from '../core/snapshot.js';
import { viewProfile } from '../core/view.js';
import { hasOwn } from '../core/field.js';
import type { InspectableClient } from './internals.js';

/** One bar of an affinity chart: the label's share of its dimension, 0–1. */
export interface AffinityBar {
  label: string;
  share: number;
}

/** A slot on this page and what it can show. */
export interface SlotInfo {
  name: string;
  /** Variant ids, `default` first. */
  variants: string[];
}

/** The panel's data at one moment. */
export interface Snapshot {
  consent: string;
  storageMode: string;
  /** What happened to storage on this page, in plain words (see {@link storageNotes}). */
  storageNotes: string[];
  modelId: string;
  /** This visit's context in short words (device, referrer, campaign, session). */
  context: string[];
  lifecycle: string | undefined;
  /** Recency in days since the previous session, frequency in sessions, monetary in purchase value. */
  rfm: { recencyDays: number | undefined; sessions: number; monetary: number } | undefined;
  segments: string[];
  /** Headline counters: events by name, cart value, traits. */
  facts: Array<[string, string]>;
  /** Affinity bars per horizon and dimension. */
  affinities: Record<'l' | 's', Partial<Record<Dimension, AffinityBar[]>>>;
  decisions: Decision[];
  slots: SlotInfo[];
  /** Newest first. */
  events: TrackedEvent[];
  queue: Delta[];
  counters: Array<[string, number]>;
}

const DIMENSIONS: Dimension[] = ['cat', 'brand', 'price', 'tag'];

/** Words for the storage counters the lifecycle and the fallback keep (src/store/connection.ts, resilient-store.ts). */
const STORAGE_WORDS: Record<string, string> = {
  'storage:stalled': 'an IndexedDB open or transaction stalled and was retried',
  'storage:reopened': 'the connection was reopened (after a freeze, the back/forward cache or a close)',
  'storage:versionchange': 'closed so another tab could upgrade the database',
  'storage:closed': 'the browser closed the connection',
  'storage:wiped': 'the database had been wiped: this is a clean new start',
  'storage:restore-failed': 'reloading the profile after the page was restored failed',
};

/**
 * What happened to storage on this page, from the counters: why it runs in
 * memory (`storage:fallback:<reason>`), stalls, reopens, version changes and wipes.
 */
export function storageNotes(counters: Readonly<Record<string, number>>): string[] {
  const notes: string[] = [];
  for (const [key, count] of Object.entries(counters)) {
    const times = count > 1 ? ` (${count}×)` : '';
    if (key.startsWith('storage:fallback:')) notes.push(`fell back to memory: ${key.slice(17)}${times}`);
    else if (key in STORAGE_WORDS) notes.push(STORAGE_WORDS[key] + times);
  }
  return notes;
}
const DAY = 86_400_000;

/**
 * A credential as the panel shows it: its first four characters. The identity
 * signature links devices to a user and the device key proves a device, so
 * neither is ever shown whole (a screenshot of the panel must not leak them).
 */
export function masked(value: unknown): string {
  return String(value).slice(0, 4) + '…';
}

function bars(affinities: ReadonlyMap<string, number>, dimension: Dimension, total: number): AffinityBar[] {
  const list: AffinityBar[] = [];
  affinities.forEach((value, key) => {
    if (key.startsWith(dimension + ':') && total > 0) list.push({ label: key.slice(dimension.length + 1), share: value / total });
  });
  return list.sort((a, b) => b.share - a.share).slice(0, 6);
}

function describeContext(context: VisitContext | undefined): string[] {
  if (!context) return [];
  const words: string[] = [];
  if (context.device) words.push(context.device);
  if (context.referrer) words.push(`from ${context.referrer}`);
  if (context.utm?.campaign) words.push(`campaign ${context.utm.campaign}`);
  if (context.sessionNumber) words.push(`session ${context.sessionNumber}`);
  return words;
}

/**
 * The slots of this page and the variants each can show, for the Force menu: a slot in the markup
 * offers its `<template>` variants, a Preact `<Slot>` the variants it renders (a variant the model
 * declares without markup here would only show the default); a slot decided with neither
 * (`decide()`, `useDecision()`) offers what the model in use (the one served to this site) declares for it.
 */
export function pageSlots(doc: Document, declared: Record<string, Array<{ id: string }>>, decided: Iterable<string>): SlotInfo[] {
  const slots = new Map<string, Set<string>>();
  const add = (name: string, ids: string[]): void => {
    const set = slots.get(name) ?? new Set(['default']);
    ids.forEach((id) => set.add(id));
    slots.set(name, set);
  };
  doc.querySelectorAll('[data-o2o-slot]').forEach((element) => {
    const ids = Array.from(element.querySelectorAll(':scope > template[data-o2o-variant]'), (t) => t.getAttribute('data-o2o-variant') ?? '');
    add(element.getAttribute('data-o2o-slot') ?? '', ids.filter(Boolean));
  });
  // Preact <Slot>s: the variants their code renders, listed on the wrapping element.
  doc.querySelectorAll('[data-o2o-component][data-o2o-variants]').forEach((element) => {
    add(element.getAttribute('data-o2o-component') ?? '', (element.getAttribute('data-o2o-variants') ?? '').split(' ').filter(Boolean));
  });
  const inMarkup = new Set(slots.keys());
  for (const name of decided) if (!inMarkup.has(name)) add(name, (hasOwn(declared, name) ? declared[name] ?? [] : []).map((c) => c.id));
  return Array.from(slots, ([name, variants]) => ({ name, variants: Array.from(variants) })).filter((s) => s.name);
}

/** Reads a snapshot of `client`; `decisions` are the ones the panel has been told about. */
export async function takeSnapshot(client: InspectableClient, decisions: ReadonlyMap<string, Decision>, doc: Document = document): Promise<Snapshot> {
  const inner = client.inspect?.();
  const now = Date.now();
  const view = inner?.profile ? viewProfile(inner.profile, now) : client.profile();
  const affinities: Snapshot['affinities'] = { l: {}, s: {} };
  let lifecycle: string | undefined;
  let rfm: Snapshot['rfm'];
  const segments: string[] = [];
  const facts: Array<[string, string]> = [];
  if (view) {
    for (const horizon of ['l', 's'] as Horizon[]) {
      for (const dimension of DIMENSIONS) {
        const list = bars(view.affinities(horizon), dimension, view.affinityTotal(horizon, dimension));
        if (list.length) affinities[horizon as 'l' | 's'][dimension] = list;
      }
    }
    // The panel shows what decisions see: the lifecycle stage and segments of the page's decision snapshot.
    const decisionSnapshot = snapshotOf(view);
    lifecycle = lifecycleStage(decisionSnapshot, view.now);
    const gap = view.register('s.gap');
    rfm = { recencyDays: typeof gap === 'number' ? Math.round(gap / DAY) : undefined, sessions: view.number('s.count') ?? 0, monetary: view.number('m.value') ?? 0 };
    const features = visitorFeatures(decisionSnapshot, view.now, client.context() ?? {}, inner?.model.segments ?? {});
    for (const name in features) if (name.startsWith('seg.')) segments.push(name.slice(4));
    for (const [key, value] of view.numbers('n.')) facts.push([key.slice(2), String(value)]);
    const cart = view.register('c.value');
    if (typeof cart === 'number' && cart > 0) facts.push(['cart value', String(cart)]);
    for (const [key, value] of view.registers('u.')) facts.push([key === 'u.id' ? 'user id' : key === 'u.sig' ? 'identity signature' : `trait ${key.slice(2)}`, key === 'u.sig' ? masked(value) : String(value)]);
  }
  const store = inner?.store;
  const [events, queue] = store ? await Promise.all([store.readEvents(), store.readQueue()]) : [[], []];
  return {
    consent: client.consent,
    storageMode: client.storageMode,
    storageNotes: storageNotes(client.counters),
    context: describeContext(client.context()),
    modelId: inner?.model.id ?? decisions.values().next().value?.model ?? 'unknown',
    lifecycle,
    rfm,
    segments,
    facts,
    affinities,
    decisions: Array.from(decisions.values()),
    slots: pageSlots(doc, inner?.model.slots ?? {}, decisions.keys()),
    events: events.slice(-25).reverse().map((e) => (e.props.signature === undefined ? e : { ...e, props: { ...e.props, signature: masked(e.props.signature) } })),
    queue: queue.map((d) => (d.key === 'u.sig' && d.f.k === 'r' ? { ...d, f: { ...d.f, v: masked(d.f.v) } } : d)),
    counters: Object.entries(client.counters).sort((a, b) => b[1] - a[1]),
  };
}
