/**
 * The full client, the heart of the second stage: it wires the pure core to
 * the browser edges and owns the page's lifecycle after the first decision
 * (storage → profile → collectors, sync, offers, decision log) and is the only
 * place where errors are caught on their way to the host page. The script
 * tag's first file starts it with a handoff (`first/handoff.ts`): it adopts
 * the decisions already shown and replays the calls that waited, the stored
 * ones of earlier pages first. npm's `init()` starts it directly.
 */
import { type DecideOptions, type Decision, choose, decideSlot } from '../core/decide.js';
import { type ValidationResult, isSignature, validateEvent, validateTrack } from '../core/events.js';
import { BUILTIN_MODEL, type Model, cachedModel, parseModel, slotCandidates } from '../core/model.js';
import { CONVERSIONS, type Profile, applyAll, emptyProfile } from '../core/profile.js';
import { type DecisionSnapshot, SNAPSHOT_VERSION, snapshotOf } from '../core/snapshot.js';
import { type ProfileView, viewProfile } from '../core/view.js';
import { type ConsentState, type OneToOneConfig, type ResolvedConfig, resolveConfig } from '../config.js';
import { eraseStoredDatabase, rememberConsent, startingConsent, storedDevice } from '../consent/consent.js';
import type { VisitContext } from '../core/context.js';
import { decisionContext, describeVisit } from '../collect/context.js';
import { startCollectors } from '../collect/start.js';
import type { RawEvent } from '../collect/types.js';
import { type DebugLog, createDebugLog } from '../debug/log.js';
import type { InspectableClient } from '../debug/internals.js';
import { DEBUG_EVENT, panelInUrl } from '../debug/loader.js';
import { addAntiFlicker } from '../render/anti-flicker.js';
import { renderSlots } from '../render/page-slots.js';
import { observeSlotFeedback } from '../render/feedback.js';
import { decideOffer } from '../core/offers.js';
import { type Recommendation, recommend } from '../core/recommend.js';
import { catalogItems } from '../render/catalog.js';
import { LATE, type PageSlot } from '../render/slots.js';
import { createMemoryStore } from '../store/memory-store.js';
import { openStore } from '../store/open-store.js';
import { SNAPSHOT_KEY } from '../store/setup.js';
import { PREVIEW_KEY } from '../store/store.js';
import type { Reducer } from '../store/state.js';
import type { StorageMode, Store } from '../store/store.js';
import { tabChannel } from '../store/tabs.js';
import { watchPageLifecycle } from '../store/page-lifecycle.js';
import type { RestoreHost, Sync } from '../sync/connect.js';
import { CREDENTIAL, type DeviceCredential } from '../sync/credential.js';
import { forgetEverywhere, startSyncing } from './sync-start.js';
import { persistMemoryState } from './persist-memory-state.js';
import { type PageDecisions, pageDecisions } from '../first/decisions.js';
import type { Handoff, PendingCall, StageClient } from '../first/handoff.js';
import { readPreview } from '../first/preview.js';
import { slotOptions, visitorOptions } from '../first/decide-options.js';
import { type EventWriter, eventWriter } from './event-writer.js';
import { type History, attributeConversion, startOffers } from './offer-flow.js';
import { drainPending } from './drain.js';
import { takeLocalPending } from '../store/pending-local.js';
import type { VariantSpec } from '../core/variants.js';

export type { DescribeVariants, IdentifyOptions, OneToOne, TrackProperties } from '../api.js';
import type { DescribeVariants, IdentifyOptions, OneToOne, TrackProperties } from '../api.js';

/** How long one profile view is reused while the profile is unchanged, ms (affinities decay over minutes). */
const VIEW_REUSE_MS = 1000;

/** Validates a model passed to `init({ model })`; the built-in model stands in when it is invalid (counted). */
function configuredModel(input: unknown, log: DebugLog): Model {
  const parsed = parseModel(input);
  if (parsed.ok) return parsed.model;
  log.count('model:rejected', parsed.reason);
  return BUILTIN_MODEL;
}

/**
 * Creates the full client (a closure, not a class: its state is local variables, which minify to one
 * letter, where a class's members keep their names). Returns the public API plus what the first file and
 * the debug panel call.
 */
function createClient(config: ResolvedConfig, describe?: DescribeVariants, handoff?: Handoff): StageClient & InspectableClient {
  const database = config.databaseName;
  const log = handoff?.log ?? createDebugLog(config.debug);
  const decisions = handoff?.decisions ?? pageDecisions(log);
  const reduce: Reducer = (profile, events) => applyAll(profile, events);
  let store: Store = createMemoryStore();
  let sender: Sync | undefined;
  let current: Profile | undefined;
  let cachedView: { of: Profile; view: ProfileView } | undefined;
  let cachedSnapshot: { of: Profile; snapshot: DecisionSnapshot } | undefined;
  let opened = false;
  let decideWith: DecideOptions = {};
  /** Forced variants (QA preview): from this page's URL, else as remembered with the visitor's state. */
  let preview = new Map<string, string>();
  let visit: VisitContext | undefined;
  let recordPage: ((properties?: Record<string, unknown>) => void) | undefined;
  const writer: EventWriter = eventWriter({
    store: () => store,
    reduce,
    log,
    committed: (profile, events) => {
      current = profile;
      sender?.schedule(events);
    },
  });
  let model = handoff?.model ?? (config.model === undefined ? BUILTIN_MODEL : configuredModel(config.model, log));
  let consent = handoff?.consent ?? startingConsent(config.consent, config.respectGpc, database);

  /** Opens storage with consent: the first file's connection when there is one, the snapshot written with every commit. */
  const open = (): Promise<Store> => openStore(database, log, handoff?.read.connection, (profile) => snapshotOf(viewProfile(profile, Date.now())));

  const start = async (): Promise<void> => {
    if (consent === 'granted') store = await open();
    // One read: device, profile and cached model together (with a handoff, after the page's first decisions).
    const loaded = await store.loadStart();
    // A model pulled on an earlier page applies from this one (decisions never wait for the network);
    // it was validated before it was stored.
    const cached = handoff || config.model !== undefined ? undefined : cachedModel(loaded.model);
    if (cached) model = cached;
    current = loaded.profile;
    preview = handoff?.preview ?? readPreview((spec) => store.update(PREVIEW_KEY, () => spec), log, location.search, loaded.preview);
    // QA left the debug panel open on an earlier page: reopen it (the loader fetches it on demand),
    // unless `?o2o_debug=1` opens it already (`debug()` toggles, so a second call would close it).
    if (loaded.panel && !panelInUrl()) client.debug();
    // The first file collected what its decisions read; the rest is described here, for both doors.
    visit = describeVisit(handoff?.visit ?? decisionContext(window, snapshot()), window);
    decideWith = visitorOptions(snapshot(), loaded.device, visit);
    opened = true;
    if (!handoff) decidePageSlots();
    // A visitor from before the split, or a snapshot of another version: the next page decides from this one.
    else if (store.mode === 'indexeddb' && loaded.profile.own.seq && storedSnapshotMissing(handoff.read.snapshot)) saveSnapshot();
    // Nothing below is needed for the page's slots, so it runs after they are shown.
    // Another tab committed: reload so this tab decides on the shared profile.
    tabChannel(database)?.addEventListener('message', () => void store.loadProfile().then((p) => (current = p)));
    startOffers(config, model, {
      choose: () => decideOffer(snapshot() as DecisionSnapshot, model, { ...forSlot('offer'), now: Date.now() }),
      history,
      record: (name, props) => record({ name, props }),
      // The offer shown is a decision the running sync's decision log records.
      decided: (decision) => sender?.decided(decision),
      count: (reason, detail) => log.count(reason, detail),
    });
    // Calls of earlier pages that left before their stage ran, then this page's, in the order they were made.
    if (store.mode === 'indexeddb') (await drainPending(store, database, log).catch((error: unknown) => void log.count('pending:drain-failed', error)))?.forEach((call) => void run(call));
    // Each call the first file buffered gets its answer.
    handoff?.calls.forEach(({ call, done }) => done(run(call)));
    recordPage = startCollectors({ ...config, log, record: (raw) => void record(raw), loaded: !!handoff });
    writer.start();
    // Sync (and with it the decision log and the pull) starts once the calls that waited for this stage are
    // accepted: their writes then go ahead of the log's, which take the writer's background turn.
    if (consent === 'granted') startSync(handoff ? handoff.read.created : loaded.created);
    // A page entering the back/forward cache is not gone: it sends when restored (WebKit aborts its lock request now).
    addEventListener('pagehide', (event) => event.persisted || void sender?.flush(true));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void sender?.flush(true);
    });
  };

  /** Runs one call made before this stage, at the time it was made; never throws. */
  const run = ([at, method, ...args]: PendingCall): unknown => {
    try {
      if (method === 'record') return record(args[0] as RawEvent, at);
      if (method === 'track') return trackAt(args[0] as string, args[1] as TrackProperties, at);
      if (method === 'identify') return client.identify(...(args as Parameters<OneToOne['identify']>));
      if (method === 'forget') return client.forget();
      if (method === 'setConsent') return client.setConsent(args[0] as ConsentState);
      if (method === 'flush') return client.flush();
      if (method === 'debug') return client.debug();
    } catch (error) {
      log.count('o2o:threw', error);
    }
    return undefined;
  };

  /** Writes the snapshot of the profile now (a pull merged, consent persisted the page's state); commits write theirs themselves. */
  const saveSnapshot = (): void => {
    const latest = snapshot();
    if (latest) void store.update(SNAPSHOT_KEY, () => latest).catch((error: unknown) => log.count('snapshot:not-saved', error));
  };

  /**
   * The page came back from the back/forward cache or a freeze: storage reopens
   * (and is verified by this read), other pages' changes are loaded, and what
   * waited while the page slept (writes, sync, offers' history) proceeds. Slots
   * already on screen keep their variant: changing them now would be a jump.
   */
  const restored = async (): Promise<void> => {
    if (!opened) return;
    try {
      current = await store.loadProfile();
      void sender?.flush();
    } catch (error) {
      log.count('storage:restore-failed', error);
    }
  };

  /** What a restore of this device needs (sync/connect.ts): the reducer, and a turn in this page's write chain. */
  const host: RestoreHost = {
    reduce,
    decisions: () => decisions.made.values(),
    exclusive: (task) => writer.exclusive(task),
    background: (task) => writer.background(task),
  };

  const startSync = (newDevice?: boolean): void => {
    sender = startSyncing(config, store, log, (profile) => {
      current = profile;
      saveSnapshot();
    }, newDevice, host);
  };

  const history: History = async () => ({ events: await store.readEvents(), sessionStart: Number(client.profile()?.register('s.start') ?? 0) });

  const decidePageSlots = (): void =>
    renderSlots(document, {
      decide: (slot: PageSlot) => client.decidePageSlot(slot) as Decision,
      shown: (decision, element) => {
        if (!decisions.made.has(decision.slot)) madeDecision(decision);
        client.watchSlot(element, decision);
      },
      log,
    });

  const record = (raw: RawEvent | Record<string, unknown>, at = Date.now()): Promise<boolean> => accept(validateEvent(raw, at), raw);

  /** Hands a validated event to the writer; a conversion may follow an offer shown in this session. */
  const accept = (result: ValidationResult, raw: unknown, name?: string): Promise<boolean> => {
    const stored = writer.accept(result, raw, name);
    if (result.ok && CONVERSIONS.includes(result.event.name)) void attributeConversion(stored, result.event, history, (event) => record(event)).catch((error: unknown) => log.count('offer:attribution-failed', error));
    return stored;
  };

  /** `track` at `at` (a call the first file buffered keeps its own time). */
  const trackAt = (name: string, properties: TrackProperties | undefined, at: number): Promise<boolean> => {
    try {
      return accept(validateTrack(name, properties, at, writer.timezone()), properties, name);
    } catch (error) {
      log.count('track:threw', error);
      return Promise.resolve(false);
    }
  };

  /** Decide options for one slot: a QA preview forces its variant. */
  const forSlot = (slot: string): DecideOptions => slotOptions(decideWith, preview, slot);

  /** Decides, once per page view, a slot the markup does not hold: from the caller's variants, else the model's (Preact and JS API). */
  const decideDeclared = (slot: string, variants?: readonly VariantSpec[]): Decision | undefined => {
    const visitor = loadedSnapshot();
    const declared = slotCandidates(model, slot);
    const list = variants && describe ? describe(variants, declared, (bad) => log.count('api:bad-variant', bad)) : declared;
    if (!visitor || !list) return undefined;
    return madeDecision(choose(slot, list, visitor, model, { ...forSlot(slot), now: Date.now() }));
  };

  /** Records a decision of this page view (see {@link PageDecisions.add}). */
  const madeDecision = (decision: Decision): Decision => decisions.add(decision, preview.get(decision.slot));

  /** The snapshot decisions read, once the profile is loaded. */
  const loadedSnapshot = (): DecisionSnapshot | undefined => (opened ? snapshot() : undefined);

  /**
   * What every decision reads: the current profile's snapshot, made once per
   * profile object (it stays right until the profile changes; each decision
   * passes its own `now`).
   */
  const snapshot = (): DecisionSnapshot | undefined => {
    const profile = current;
    if (!profile) return undefined;
    if (cachedSnapshot?.of !== profile) cachedSnapshot = { of: profile, snapshot: snapshotOf(client.profile() as ProfileView) };
    return cachedSnapshot.snapshot;
  };

  const client: StageClient & InspectableClient = {
    get ready() {
      return ready;
    },
    get storageMode(): StorageMode {
      // While the stage opens its store on the first file's working connection, state is in IndexedDB, not memory.
      return !opened && handoff?.read.connection && consent === 'granted' ? 'indexeddb' : store.mode;
    },
    get counters(): Readonly<Record<string, number>> {
      return log.counters;
    },
    get consent() {
      return consent;
    },

    async setConsent(state) {
      // A typo must not leave the SDK in a state that is neither (and so stop syncing for good).
      if (state !== 'granted' && state !== 'pending' && state !== 'denied') return void log.count('consent:invalid', state);
      rememberConsent(state, database);
      consent = state;
      await ready;
      await writer.exclusive(async () => {
        if (state === 'granted' && !sender) {
          current = (await persistMemoryState(store, current, async () => (store = await open()), reduce)).profile;
          saveSnapshot();
          startSync();
        } else if (state !== 'granted' && sender) {
          sender.stop();
          sender = undefined;
          store = createMemoryStore({ profile: current });
        }
      });
      await writer.settled();
    },

    watchSlot(element, decision, clicked) {
      observeSlotFeedback(element, decision, (name, props) => record({ name, props }), clicked);
    },

    decidePageSlot(slot) {
      const visitor = loadedSnapshot();
      return decisions.made.get(slot.name) ?? (visitor && decideSlot(slot.name, slot.candidates, visitor, model, { ...forSlot(slot.name), now: Date.now() }));
    },

    collect: (raw) => record(raw),

    track: (name, properties) => trackAt(name, properties, Date.now()),

    async identify(userId, traits, options) {
      let signature: unknown;
      try {
        // Untyped callers (the script tag's o2o()) may pass anything as options.
        signature = (options as IdentifyOptions | undefined)?.signature;
      } catch (error) {
        signature = error;
      }
      if (signature !== undefined && !isSignature(signature)) {
        // Its value stays out of the log: only what is wrong with it.
        log.count('identify:bad-signature', 'expected 64 lowercase hex characters');
        return false;
      }
      const ok = await client.track('identify', { userId, traits, signature });
      // The link travels in the next batch; once it is delivered, the profiles of linked devices can be pulled.
      if (ok && sender) void client.flush().then(() => sender?.pull(true));
      return ok;
    },

    recommend(slot, n = 3) {
      const visitor = loadedSnapshot();
      // Untyped callers (the script tag's o2o()) may pass anything: no slot, no recommendations.
      if (typeof slot !== 'string' || typeof n !== 'number' || !(n >= 0)) {
        log.count('api:bad-argument', { slot, n });
        return [];
      }
      try {
        return visitor ? recommend(slot, catalogItems(document, slot, model), visitor, model, n, { ...decideWith, now: Date.now() }) : [];
      } catch (error) {
        log.count('recommend:failed', error);
        return [];
      }
    },

    decide(slot, variants) {
      if (typeof slot !== 'string') return void log.count('api:bad-argument', { slot });
      return decisions.made.get(slot) ?? decideDeclared(slot, variants);
    },

    onDecision: (callback) => decisions.listen(callback),

    async page(properties) {
      await ready;
      recordPage?.(properties);
    },

    context: () => visit,

    profile() {
      if (!current) return undefined;
      const now = Date.now();
      // One view serves every decision of the same moment (all slots of a page, their
      // per-view tag caches included); a new profile or a second later gets a fresh one.
      if (cachedView && cachedView.of === current && now >= cachedView.view.now && now - cachedView.view.now < VIEW_REUSE_MS) return cachedView.view;
      const view = viewProfile(current, now);
      cachedView = { of: current, view };
      return view;
    },

    async flush() {
      await writer.settled();
      await sender?.flush();
    },

    debug() {
      dispatchEvent(new CustomEvent(DEBUG_EVENT, { detail: client }));
    },

    /** Live internals for the debug panel; not part of the public API. */
    inspect: () => ({ store, log, model, profile: current }),

    async forget() {
      try {
        await writer.settled();
        const stored = store.mode === 'indexeddb'
          ? storedDevice(await store.deviceId(), await store.update<DeviceCredential>(CREDENTIAL, (c) => c))
          : await eraseStoredDatabase(database);
        sender?.stop();
        await store.clear();
        takeLocalPending(database);
        current = emptyProfile();
        rememberConsent('pending', database);
        if (stored && !(await forgetEverywhere(config, stored.device, stored.key))) log.count('forget:remote-failed');
        if (sender) startSync();
      } catch (error) {
        log.count('forget:failed', error);
      }
    },
  };

  // Storage opens first: the browser opens the database while the rest of this task runs.
  const ready: Promise<void> = start().catch((error: unknown) => log.count('init:failed', error));
  // The first file hid the slots and showed them; npm builds do both here.
  if (!handoff) addAntiFlicker(document, config.antiFlickerMs, LATE);
  // Before any other pagehide listener: no transaction may straddle the back/forward cache or a freeze.
  watchPageLifecycle(window, () => store, () => void restored());
  // The first file watched its slots for their first click: this stage watches them from here on.
  handoff?.slots.forEach(([element, decision, click, clicked]) => {
    element.removeEventListener('click', click);
    client.watchSlot(element, decision, clicked);
  });
  return client;
}

/** True when the first read found no snapshot this SDK can decide from. */
const storedSnapshotMissing = (stored: unknown): boolean => (stored as { v?: unknown } | undefined)?.v !== SNAPSHOT_VERSION;

/**
 * Starts the full client on this page (npm's `init` in init.ts, which also serves server rendering and lends
 * `describe`, so `decide(slot, variants)` works there).
 * @throws {@link ConfigError} when the configuration is invalid; nothing else ever throws.
 */
export function init(config: OneToOneConfig, describe?: DescribeVariants): OneToOne {
  return createClient(resolveConfig(config, typeof location === 'undefined' ? undefined : location.href), describe);
}

/** Starts the full client from the script tag's first file (the second stage's entry, `stage/stage.ts`, which checked `config`). */
export function startFromHandoff(handoff: Handoff, config: ResolvedConfig): StageClient {
  return createClient(config, undefined, handoff);
}
