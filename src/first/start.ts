/**
 * The first file's work, in order: configuration, the head rule, the `o2o()`
 * queue, one IndexedDB read, the page's first decisions and their swap; then
 * the second stage, loaded right after the first decisions are shown or at
 * the first interaction, whichever comes first. Until it runs, calls and
 * collected events wait in the pre-stage buffer (`buffer.ts`).
 */
import type { OneToOne } from '../api.js';
import { type ConsentState, type FirstConfig, resolveFirstConfig } from '../config.js';
import { rememberConsent, startingConsent } from '../consent/consent.js';
import { decisionContext } from '../collect/context.js';
import { pageViewEvent, switchedLoadEvents } from '../collect/page-view.js';
import { type Decision, decideSlot } from '../core/decide.js';
import { BUILTIN_MODEL, cachedModel } from '../core/model-shape.js';
import { createDebugLog } from '../debug/log.js';
import { addAntiFlicker } from '../render/anti-flicker.js';
import { renderSlots } from '../render/page-slots.js';
import { feedbackProps } from '../render/feedback.js';
import { LATE } from '../render/slots.js';
import { configFromDataset } from '../script-config.js';
import type { Connection } from '../store/connection.js';
import { watchPageLifecycle } from '../store/page-lifecycle.js';
import { PREVIEW_KEY } from '../store/store.js';
import { type FirstState, dispatch, firstApi } from './api.js';
import { preStageBuffer } from './buffer.js';
import { slotOptions, visitorOptions } from './decide-options.js';
import { pageDecisions } from './decisions.js';
import type { Handoff, Stage } from './handoff.js';
import { readPreview } from './preview.js';
import { type FirstRead, connect, memoryRead, readFirst } from './read.js';
import { storedSnapshot } from './snapshot.js';
import { type EarlySlot, watchEarlyClick } from './slot-clicks.js';
import { loadStage } from './stage-loader.js';

type QueuedCall = ArrayLike<unknown>;
type Stub = ((...args: unknown[]) => unknown) & { q?: QueuedCall[] };
declare global {
  interface Window {
    o2o?: Stub;
  }
}

/** Interactions that bring the second stage forward when the first decisions are not shown yet. */
const INTERACTIONS = ['pointerdown', 'keydown', 'touchstart', 'scroll'];

/** The first decisions' inputs, as the second stage takes them over. */
type Decided = Pick<Handoff, 'read' | 'model' | 'preview' | 'visit'>;

/** Watches a shown slot element for feedback: through the full client once it runs, else for its first click. */
type WatchSlot = (element: HTMLElement, decision: Decision) => void;

/** Writes (or, with `undefined`, deletes) one key through `connection`, without waiting for it. */
const put = (connection: Connection, key: string) => (value: unknown): Promise<unknown> =>
  connection.run('readwrite', (store) => void (value === undefined ? store.delete(key) : store.put(value, key)));

/** Decides and shows the page's markup slots from the first read; resolves with what the second stage takes over. */
function decideFirst(state: FirstState, read: FirstRead, watch: WatchSlot): Decided {
  const { log, decisions } = state;
  const now = Date.now();
  // A model pulled on an earlier page applies from this one; the second stage validated it before storing it.
  const model = cachedModel(read.model) ?? BUILTIN_MODEL;
  const snapshot = storedSnapshot(read.snapshot, now);
  const preview = readPreview(read.connection && put(read.connection, PREVIEW_KEY), log, location.search, read.preview);
  const visit = decisionContext(window, snapshot, now);
  const shared = visitorOptions(snapshot, read.device, visit);
  try {
    renderSlots(document, {
      decide: (slot) =>
        decisions.made.get(slot.name) ??
        state.client?.decidePageSlot(slot) ??
        decideSlot(slot.name, slot.candidates, snapshot, model, { ...slotOptions(shared, preview, slot.name), now: Date.now() }),
      shown: (decision, element) => {
        if (!decisions.made.has(decision.slot)) decisions.add(decision, preview.get(decision.slot));
        watch(element, decision);
      },
      log,
    });
  } catch (error) {
    // A slot left undecided is revealed with its default by the head rule's timeout.
    log.count('slot:failed', error);
  }
  return { read, model, preview, visit };
}

/**
 * Starts OneToOne for the script tag `script`: returns the page's API, or
 * `undefined` when an option the first file reads is invalid (reported once on
 * the console naming the option; the page keeps its default content). The
 * second stage checks the other options when it starts.
 */
export function startFirst(script: HTMLScriptElement | null): OneToOne | undefined {
  let config: FirstConfig;
  try {
    // The options the first file reads; the second stage checks the rest when it starts (config.ts).
    config = resolveFirstConfig(configFromDataset(script?.dataset ?? {}));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return undefined;
  }
  const log = createDebugLog(config.debug);
  addAntiFlicker(document, config.antiFlickerMs, LATE);
  const name = config.databaseName;
  let connection: Connection | undefined;
  let created = false;
  let ready = (): void => undefined;
  const tz = -new Date().getTimezoneOffset();
  const record = (raw: Record<string, unknown>): Promise<unknown> =>
    state.client ? state.client.collect(raw) : state.buffer.push([Date.now(), 'record', { ...raw, tz }]);
  const state: FirstState = {
    log,
    decisions: pageDecisions(log),
    consent: startingConsent(config.consent, config.respectGpc, name),
    buffer: preStageBuffer({ consent: () => state.consent, connection: () => (connection ??= connect(name, log, () => (created = true))), database: name, log }),
    ready: new Promise((resolve) => (ready = resolve)),
    setConsent: (value: ConsentState) => {
      if (value !== 'granted' && value !== 'pending' && value !== 'denied') return;
      rememberConsent(value, name);
      state.consent = value;
      // Opened now: a page being left has no time to open it before writing its buffer.
      if (value === 'granted') void state.buffer.connect();
    },
    page: (properties) => void record(pageViewEvent(document, location, properties as object) as unknown as Record<string, unknown>),
  };
  // Before any other pagehide listener: no transaction may straddle the back/forward cache or a freeze.
  watchPageLifecycle(window, () => connection ?? {}, () => undefined);
  const api = firstApi(state);
  const queued = window.o2o?.q ?? [];
  window.o2o = (...args: unknown[]) => dispatch(api, log, args);
  queued.forEach((call) => dispatch(api, log, call));
  switchedLoadEvents(document, location, config.collect).forEach((event) => void record(event as unknown as Record<string, unknown>));

  // Before the stage, a slot's first click is written at once (synchronously, to localStorage): a link followed
  // at once needs no hold (the stage holds one until its record is stored, render/feedback.ts).
  const slots: EarlySlot[] = [];
  const watch: WatchSlot = (element, decision) =>
    state.client
      ? state.client.watchSlot(element, decision)
      : slots.push(watchEarlyClick(element, decision, () => {
          void record({ name: 'select_promotion', props: feedbackProps(decision) });
          void state.buffer.persist(true);
        }));
  const decided = (state.consent === 'granted' ? readFirst(name, log) : Promise.resolve(memoryRead())).then((read) => {
    connection ??= read.connection;
    created ||= !!read.created;
    state.storage = read.connection ? 'indexeddb' : 'memory';
    const first = decideFirst(state, read, watch);
    // Shown: what waits for the stage is written from now on, off the first decisions' path.
    state.buffer.writeThrough();
    return first;
  });
  let loading: Promise<Stage> | undefined;
  const load = (): Promise<Stage> => (loading ??= loadStage(script?.src));
  const early = (): void => {
    INTERACTIONS.forEach((type) => removeEventListener(type, early, true));
    load().catch(() => undefined);
  };
  INTERACTIONS.forEach((type) => addEventListener(type, early, { capture: true, passive: true }));
  decided
    .then((first) =>
      load().then((stage) => {
        early();
        const client = stage.start({ ...first, read: { ...first.read, connection, created }, config, consent: state.consent, log, decisions: state.decisions, calls: state.buffer.take(), slots, script: script?.src });
        state.client = client;
        void client.ready.then(ready);
      }),
    )
    .catch((error: unknown) => {
      log.count('stage:load-failed', error);
      // What waits for the stage is written as it comes; the next page's stage folds it in.
      state.buffer.writeThrough();
    });
  return api;
}
