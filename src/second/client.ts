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
import { type Profile, applyAll, emptyProfile } from '../core/profile.js';
import { type DecisionSnapshot, SNAPSHOT_VERSION, snapshotOf } from '../core/snapshot.js';
import { type ProfileView, viewProfile } from '../core/view.js';
import { type ConsentState, type OneToOneConfig, type ResolvedConfig, resolveConfig } from '../config.js';
import { eraseStoredDatabase, rememberConsent, startingConsent, storedDevice } from '../consent/consent.js';
import type { VisitContext } from '../core/context.js';
import { collectContext } from '../collect/context.js';
import { startCollectors } from '../collect/start.js';
import type { RawEvent } from '../collect/types.js';
import { type DebugLog, createDebugLog } from '../debug/log.js';
import type { ClientInternals } from '../debug/internals.js';
import { DEBUG_EVENT, panelInUrl } from '../debug/loader.js';
import { addAntiFlicker } from '../render/anti-flicker.js';
import { renderSlots } from '../render/page-slots.js';
import { CONVERSIONS } from '../render/offer-conversion.js';
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
import type { BufferedCall, Handoff, PendingCall, StageClient } from '../first/handoff.js';
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

class Client implements StageClient {
  readonly ready: Promise<void>;
  private readonly log: DebugLog;
  private model: Model;
  consent: ConsentState;
  private readonly reduce: Reducer = (profile, events) => applyAll(profile, events);
  private store: Store = createMemoryStore();
  private sender: Sync | undefined;
  private current: Profile | undefined;
  private view: { of: Profile; view: ProfileView } | undefined;
  private decisionSnapshot: { of: Profile; snapshot: DecisionSnapshot } | undefined;
  private opened = false;
  private readonly decisions: PageDecisions;
  private readonly writer: EventWriter;
  private decideWith: DecideOptions = {};
  /** Forced variants (QA preview): from this page's URL, else as remembered with the visitor's state. */
  private preview = new Map<string, string>();
  private visit: VisitContext | undefined;
  private recordPage: ((properties?: Record<string, unknown>) => void) | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly describe?: DescribeVariants,
    private readonly handoff?: Handoff,
  ) {
    this.log = handoff?.log ?? createDebugLog(config.debug);
    this.decisions = handoff?.decisions ?? pageDecisions(this.log);
    this.writer = eventWriter({
      store: () => this.store,
      reduce: this.reduce,
      log: this.log,
      committed: (profile, events) => {
        this.current = profile;
        this.sender?.schedule(events);
      },
    });
    this.model = handoff?.model ?? (config.model === undefined ? BUILTIN_MODEL : configuredModel(config.model, this.log));
    this.consent = handoff?.consent ?? startingConsent(config.consent, config.respectGpc, config.databaseName);
    // Storage opens first: the browser opens the database while the rest of this task runs.
    this.ready = this.start().catch((error: unknown) => this.log.count('init:failed', error));
    // The first file hid the slots and showed them; npm builds do both here.
    if (!handoff) addAntiFlicker(document, config.antiFlickerMs, LATE);
    // Before any other pagehide listener: no transaction may straddle the back/forward cache or a freeze.
    watchPageLifecycle(window, () => this.store, () => void this.restored());
  }

  get storageMode(): StorageMode {
    // While the stage opens its store on the first file's working connection, state is in IndexedDB, not memory.
    return !this.opened && this.handoff?.read.connection && this.consent === 'granted' ? 'indexeddb' : this.store.mode;
  }

  get counters(): Readonly<Record<string, number>> {
    return this.log.counters;
  }

  /** Opens storage with consent: the first file's connection when there is one, the snapshot written with every commit. */
  private open(): Promise<Store> {
    return openStore(this.config.databaseName, this.log, this.handoff?.read.connection, (profile) => snapshotOf(viewProfile(profile, Date.now())));
  }

  private async start(): Promise<void> {
    const handoff = this.handoff;
    if (this.consent === 'granted') this.store = await this.open();
    // One read: device, profile and cached model together (with a handoff, after the page's first decisions).
    const start = await this.store.loadStart();
    // A model pulled on an earlier page applies from this one (decisions never wait for the network);
    // it was validated before it was stored.
    const cached = handoff || this.config.model !== undefined ? undefined : cachedModel(start.model);
    if (cached) this.model = cached;
    this.current = start.profile;
    this.preview = handoff?.preview ?? readPreview((spec) => this.store.update(PREVIEW_KEY, () => spec), this.log, location.search, start.preview);
    // QA left the debug panel open on an earlier page: reopen it (the loader fetches it on demand),
    // unless `?o2o_debug=1` opens it already (`debug()` toggles, so a second call would close it).
    if (start.panel && !panelInUrl()) this.debug();
    this.visit = handoff?.visit ?? collectContext(window, this.snapshot());
    this.decideWith = visitorOptions(this.snapshot(), start.device, this.visit);
    this.opened = true;
    if (!handoff) this.decidePageSlots();
    // A visitor from before the split, or a snapshot of another version: the next page decides from this one.
    else if (this.store.mode === 'indexeddb' && start.profile.own.seq && storedSnapshotMissing(handoff.read.snapshot)) this.saveSnapshot();
    // Nothing below is needed for the page's slots, so it runs after they are shown.
    // Another tab committed: reload so this tab decides on the shared profile.
    tabChannel(this.config.databaseName)?.addEventListener('message', () => void this.store.loadProfile().then((p) => (this.current = p)));
    startOffers(this.config, this.model, {
      choose: () => decideOffer(this.snapshot() as DecisionSnapshot, this.model, { ...this.forSlot('offer'), now: Date.now() }),
      history: this.history,
      record: (name, props) => this.record({ name, props }),
      count: (reason, detail) => this.log.count(reason, detail),
    });
    // Calls of earlier pages that left before their stage ran, then this page's, in the order they were made.
    if (this.store.mode === 'indexeddb') (await drainPending(this.store, this.config.databaseName, this.log).catch((error: unknown) => void this.log.count('pending:drain-failed', error)))?.forEach((call) => void this.run(call));
    if (handoff) this.replay(handoff.calls);
    this.recordPage = startCollectors({ ...this.config, log: this.log, record: (raw) => void this.record(raw), loaded: !!handoff });
    this.writer.start();
    // Sync (and with it the decision log and the pull) starts once the calls that waited for this stage are
    // accepted: their writes then go ahead of the log's, which take the writer's background turn.
    if (this.consent === 'granted') this.startSync(handoff ? handoff.read.created : start.created);
    // A page entering the back/forward cache is not gone: it sends when restored (WebKit aborts its lock request now).
    addEventListener('pagehide', (event) => event.persisted || void this.sender?.flush(true));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.sender?.flush(true);
    });
  }

  /** Hands each call the first file buffered its answer. */
  private replay(calls: readonly BufferedCall[]): void {
    for (const { call, done } of calls) done(this.run(call));
  }

  /** Runs one call made before this stage, at the time it was made; never throws. */
  private run([at, method, ...args]: PendingCall): unknown {
    try {
      if (method === 'record') return this.record(args[0] as RawEvent, at);
      if (method === 'track') return this.trackAt(args[0] as string, args[1] as TrackProperties, at);
      if (method === 'identify') return this.identify(...(args as Parameters<OneToOne['identify']>));
      if (method === 'forget') return this.forget();
      if (method === 'setConsent') return this.setConsent(args[0] as ConsentState);
      if (method === 'flush') return this.flush();
      if (method === 'debug') return this.debug();
    } catch (error) {
      this.log.count('o2o:threw', error);
    }
    return undefined;
  }

  /** Writes the snapshot of the profile now (a pull merged, consent persisted the page's state); commits write theirs themselves. */
  private saveSnapshot(): void {
    const snapshot = this.snapshot();
    if (snapshot) void this.store.update(SNAPSHOT_KEY, () => snapshot).catch((error: unknown) => this.log.count('snapshot:not-saved', error));
  }

  /**
   * The page came back from the back/forward cache or a freeze: storage reopens
   * (and is verified by this read), other pages' changes are loaded, and what
   * waited while the page slept (writes, sync, offers' history) proceeds. Slots
   * already on screen keep their variant: changing them now would be a jump.
   */
  private async restored(): Promise<void> {
    if (!this.opened) return;
    try {
      this.current = await this.store.loadProfile();
      void this.sender?.flush();
    } catch (error) {
      this.log.count('storage:restore-failed', error);
    }
  }

  /** What a restore of this device needs (sync/connect.ts): the reducer, and a turn in this page's write chain. */
  private readonly host: RestoreHost = {
    reduce: this.reduce,
    decisions: () => this.decisions.made.values(),
    exclusive: (task) => this.writer.exclusive(task),
    background: (task) => this.writer.background(task),
  };

  private startSync(newDevice?: boolean): void {
    this.sender = startSyncing(this.config, this.store, this.log, (profile) => {
      this.current = profile;
      this.saveSnapshot();
    }, newDevice, this.host);
  }

  async setConsent(state: ConsentState): Promise<void> {
    // A typo must not leave the SDK in a state that is neither (and so stop syncing for good).
    if (state !== 'granted' && state !== 'pending' && state !== 'denied') return void this.log.count('consent:invalid', state);
    rememberConsent(state, this.config.databaseName);
    this.consent = state;
    await this.ready;
    await this.writer.exclusive(async () => {
      if (state === 'granted' && !this.sender) {
        const open = async (): Promise<Store> => (this.store = await this.open());
        this.current = (await persistMemoryState(this.store, this.current, open, this.reduce)).profile;
        this.saveSnapshot();
        this.startSync();
      } else if (state !== 'granted' && this.sender) {
        this.sender.stop();
        this.sender = undefined;
        this.store = createMemoryStore({ profile: this.current });
      }
    });
    await this.writer.settled();
  }

  private readonly history: History = async () => ({ events: await this.store.readEvents(), sessionStart: Number(this.profile()?.register('s.start') ?? 0) });

  private decidePageSlots(): void {
    renderSlots(document, {
      decide: (slot: PageSlot) => this.decidePageSlot(slot) as Decision,
      shown: (decision) => void (this.decisions.made.has(decision.slot) || this.made(decision)),
      record: (name, props) => this.record({ name, props }),
      late: (slot, reason) => {
        this.log.count('slot:late-' + reason, slot);
        // Once per page: the owner needs the fix, not a line per slot.
        if (reason === 'no-head-rule' && this.log.counters['slot:late-' + reason] === 1) {
          this.log.info(`slot "${slot}" was shown before OneToOne ran and keeps its default: Add the head rule (onetoone.css, docs/markup.md)`);
        }
      },
    });
  }

  decidePageSlot(slot: PageSlot): Decision | undefined {
    const snapshot = this.opened ? this.snapshot() : undefined;
    return this.decisions.made.get(slot.name) ?? (snapshot && decideSlot(slot.name, slot.candidates, snapshot, this.model, { ...this.forSlot(slot.name), now: Date.now() }));
  }

  collect(raw: Record<string, unknown>): Promise<boolean> {
    return this.record(raw);
  }

  private record(raw: RawEvent | Record<string, unknown>, at = Date.now()): Promise<boolean> {
    return this.accept(validateEvent(raw, at), raw);
  }

  /** Hands a validated event to the writer; a conversion may follow an offer shown in this session. */
  private accept(result: ValidationResult, raw: unknown, name?: string): Promise<boolean> {
    const stored = this.writer.accept(result, raw, name);
    if (result.ok && CONVERSIONS.includes(result.event.name)) void attributeConversion(stored, result.event, this.history, (event) => this.record(event)).catch((error: unknown) => this.log.count('offer:attribution-failed', error));
    return stored;
  }

  track(name: string, properties?: TrackProperties): Promise<boolean> {
    return this.trackAt(name, properties, Date.now());
  }

  /** {@link track} at `at` (a call the first file buffered keeps its own time). */
  private trackAt(name: string, properties: TrackProperties | undefined, at: number): Promise<boolean> {
    try {
      return this.accept(validateTrack(name, properties, at, this.writer.timezone()), properties, name);
    } catch (error) {
      this.log.count('track:threw', error);
      return Promise.resolve(false);
    }
  }

  async identify(userId: string, traits?: Record<string, unknown>, options?: IdentifyOptions): Promise<boolean> {
    let signature: unknown;
    try {
      // Untyped callers (the script tag's o2o()) may pass anything as options.
      signature = (options as IdentifyOptions | undefined)?.signature;
    } catch (error) {
      signature = error;
    }
    if (signature !== undefined && !isSignature(signature)) {
      // Its value stays out of the log: only what is wrong with it.
      this.log.count('identify:bad-signature', 'expected 64 lowercase hex characters');
      return false;
    }
    const ok = await this.track('identify', { userId, traits, signature });
    // The link travels in the next batch; once it is delivered, the profiles of linked devices can be pulled.
    if (ok && this.sender) void this.flush().then(() => this.sender?.pull(true));
    return ok;
  }

  recommend(slot: string, n = 3): Recommendation[] {
    const snapshot = this.opened ? this.snapshot() : undefined;
    // Untyped callers (the script tag's o2o()) may pass anything: no slot, no recommendations.
    if (typeof slot !== 'string' || typeof n !== 'number' || !(n >= 0)) {
      this.log.count('api:bad-argument', { slot, n });
      return [];
    }
    try {
      return snapshot ? recommend(slot, catalogItems(document, slot, this.model), snapshot, this.model, n, { ...this.decideWith, now: Date.now() }) : [];
    } catch (error) {
      this.log.count('recommend:failed', error);
      return [];
    }
  }

  decide(slot: string, variants?: readonly VariantSpec[]): Decision | undefined {
    if (typeof slot !== 'string') return void this.log.count('api:bad-argument', { slot });
    return this.decisions.made.get(slot) ?? this.decideDeclared(slot, variants);
  }

  /** Decide options for one slot: a QA preview forces its variant. */
  private forSlot(slot: string): DecideOptions {
    return slotOptions(this.decideWith, this.preview, slot);
  }

  /** Decides, once per page view, a slot the markup does not hold: from the caller's variants, else the model's (Preact and JS API). */
  private decideDeclared(slot: string, variants?: readonly VariantSpec[]): Decision | undefined {
    const snapshot = this.opened ? this.snapshot() : undefined;
    const declared = slotCandidates(this.model, slot);
    const list = variants && this.describe ? this.describe(variants, declared, (bad) => this.log.count('api:bad-variant', bad)) : declared;
    if (!snapshot || !list) return undefined;
    return this.made(choose(slot, list, snapshot, this.model, { ...this.forSlot(slot), now: Date.now() }));
  }

  /** Records a decision of this page view (see {@link PageDecisions.add}). */
  private made(decision: Decision): Decision {
    return this.decisions.add(decision, this.preview.get(decision.slot));
  }

  onDecision(callback: (decision: Decision) => void): () => void {
    return this.decisions.listen(callback);
  }

  async page(properties?: Record<string, unknown>): Promise<void> {
    await this.ready;
    this.recordPage?.(properties);
  }

  context(): VisitContext | undefined {
    return this.visit;
  }

  profile(): ProfileView | undefined {
    const current = this.current;
    if (!current) return undefined;
    const now = Date.now();
    // One view serves every decision of the same moment (all slots of a page, their
    // per-view tag caches included); a new profile or a second later gets a fresh one.
    const cached = this.view;
    if (cached && cached.of === current && now >= cached.view.now && now - cached.view.now < VIEW_REUSE_MS) return cached.view;
    const view = viewProfile(current, now);
    this.view = { of: current, view };
    return view;
  }

  /**
   * What every decision reads: the current profile's snapshot, made once per
   * profile object (it stays right until the profile changes; each decision
   * passes its own `now`).
   */
  private snapshot(): DecisionSnapshot | undefined {
    const current = this.current;
    if (!current) return undefined;
    if (this.decisionSnapshot?.of !== current) this.decisionSnapshot = { of: current, snapshot: snapshotOf(this.profile() as ProfileView) };
    return this.decisionSnapshot.snapshot;
  }

  async flush(): Promise<void> {
    await this.writer.settled();
    await this.sender?.flush();
  }

  debug(): void {
    dispatchEvent(new CustomEvent(DEBUG_EVENT, { detail: this }));
  }

  /** Live internals for the debug panel; not part of the public API. */
  inspect(): ClientInternals {
    return { store: this.store, log: this.log, model: this.model, profile: this.current };
  }

  async forget(): Promise<void> {
    try {
      await this.writer.settled();
      const durable = this.store.mode === 'indexeddb';
      const stored = durable
        ? storedDevice(await this.store.deviceId(), await this.store.update<DeviceCredential>(CREDENTIAL, (c) => c))
        : await eraseStoredDatabase(this.config.databaseName);
      this.sender?.stop();
      await this.store.clear();
      takeLocalPending(this.config.databaseName);
      this.current = emptyProfile();
      rememberConsent('pending', this.config.databaseName);
      if (stored && !(await forgetEverywhere(this.config, stored.device, stored.key))) this.log.count('forget:remote-failed');
      if (this.sender) this.startSync();
    } catch (error) {
      this.log.count('forget:failed', error);
    }
  }
}

/** True when the first read found no snapshot this SDK can decide from. */
const storedSnapshotMissing = (stored: unknown): boolean => (stored as { v?: unknown } | undefined)?.v !== SNAPSHOT_VERSION;

/**
 * Starts the full client on this page (npm's `init` in init.ts, which also serves server rendering and lends
 * `describe`, so `decide(slot, variants)` works there).
 * @throws {@link ConfigError} when the configuration is invalid; nothing else ever throws.
 */
export function init(config: OneToOneConfig, describe?: DescribeVariants): OneToOne {
  return new Client(resolveConfig(config, typeof location === 'undefined' ? undefined : location.href), describe);
}

/** Starts the full client from the script tag's first file (the second stage's entry, `stage/stage.ts`). */
export function startFromHandoff(handoff: Handoff): StageClient {
  return new Client(handoff.config, undefined, handoff);
}
