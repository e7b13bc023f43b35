/**
 * The debug panel (Preact): consent and storage, the profile, the event
 * stream, every decision and why, the sync queue and the collector's answers,
 * and the QA actions (force a variant, exit intent, offline, reset).
 */
import type { VNode } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Decision } from '../core/decide.js';
import { loggable } from '../core/decision-log.js';
import { propensityOf } from '../core/propensity-of.js';
import type { Dimension } from '../core/profile.js';
import type { InspectableClient } from './internals.js';
import type { Network } from './network.js';
import { rememberPanel } from './remember.js';
import { type AffinityBar, type Snapshot, takeSnapshot } from './snapshot.js';

/** Props of {@link Panel}. */
export interface PanelProps {
  client: InspectableClient;
  network: Network;
  onClose: () => void;
  /** Refresh period, ms. */
  refreshMs?: number;
}

const DIMENSION_NAMES: Record<Dimension, string> = { cat: 'Category', brand: 'Brand', price: 'Price band', tag: 'Tags' };
const PREVIEW_KEY = 'o2o_preview';
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const time = (ts: number): string => new Date(ts).toLocaleTimeString();

/** The forced variants this browser remembers (the SDK's `?o2o_preview=` switch). */
function forcedVariants(): Map<string, string> {
  let raw: string | null = null;
  try {
    raw = new URLSearchParams(location.search).get(PREVIEW_KEY) ?? localStorage.getItem(PREVIEW_KEY);
  } catch {
    // Storage blocked: nothing remembered.
  }
  const forced = new Map<string, string>();
  for (const pair of (raw && raw !== 'off' ? raw : '').split(',')) {
    const [slot, variant] = pair.split(':');
    if (slot && variant) forced.set(slot, variant);
  }
  return forced;
}

/** Reloads the page with `?o2o_preview=` set to `forced` (or `off`), which the SDK remembers for this browser. */
function reloadWithPreview(forced: Map<string, string>): void {
  const url = new URL(location.href);
  url.searchParams.set(PREVIEW_KEY, forced.size ? Array.from(forced, ([s, v]) => `${s}:${v}`).join(',') : 'off');
  location.assign(url.href);
}

/** Why a slot kept its default although the model chose otherwise (`late: <reason>`, src/render/page-slots.ts). */
export function lateWords(text: string): string {
  return text.endsWith('no-head-rule')
    ? 'Kept the default: the slot was on screen before the script ran, so swapping it would have been a visible jump. Add the head rule (onetoone.css, docs/markup.md, Anti-flicker) so undecided slots stay hidden until decided.'
    : 'Kept the default: the decision came after antiFlickerMs, when the slot had already been revealed with its default.';
}

/** The explanation line of a decision whose forced variant could not be shown (src/client.ts). */
const PREVIEW_MISSING = 'preview-missing';

/** Why a forced variant was not shown, in full (the decision carries a short note). */
export function missingWords(slot: string, variant: string): string {
  return `Forced "${variant}", but ${slot} cannot show it on this page: there is no markup (or description) for it here, or this visitor is not eligible. The default is shown.`;
}

/**
 * The exploration behind a personalized decision in plain words: the chance
 * the policy had of showing this variant, and how often exploration shows
 * something other than the best-scored one for these inputs.
 */
export function explorationWords(d: Decision): string | undefined {
  // A late slot kept its default whatever the policy chose: no chance to state.
  if (d.group !== 'personalized' || !loggable(d)) return undefined;
  const { p, best, exploration } = propensityOf(d);
  // Small shares keep a decimal: "0.4%" is not "0%".
  const share = (x: number): string => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
  if (exploration < 0.0005) return 'No exploration here: the best-scored variant is shown.';
  const chance = `shown with probability ${share(p)}`;
  return d.explored
    ? `Exploration: ${chance}; the model rates ${best} higher, and exploration shows another variant ${share(exploration)} of the time here.`
    : `Exploration: ${chance}; another variant would be shown to learn ${share(exploration)} of the time here.`;
}

/** A plain-words account of one decision. */
export function describeDecision(d: Decision): string {
  const how =
    d.group === 'preview' ? 'forced by QA preview' : d.group === 'holdout' ? 'holdout: this visitor sees defaults so uplift can be measured' : 'personalized';
  return `${d.slot} → ${d.variant} (${how}; score ${d.score.toFixed(2)}, model ${d.model})`;
}

function Bars({ list, horizon }: { list: AffinityBar[]; horizon: 'l' | 's' }): VNode {
  return (
    <div>
      {list.map((bar) => (
        <div class="bar" key={bar.label} title={`${bar.label}: ${pct(bar.share)}`}>
          <span>{bar.label}</span>
          <span class="track">
            <span class={`fill ${horizon}`} style={{ display: 'block', width: pct(bar.share) }} />
          </span>
          <span class="muted">{pct(bar.share)}</span>
        </div>
      ))}
    </div>
  );
}

function Decisions({ snapshot, forced }: { snapshot: Snapshot; forced: Map<string, string> }): VNode {
  const force = (slot: string, variant: string): void => {
    const next = new Map(forced);
    if (variant) next.set(slot, variant);
    else next.delete(slot);
    reloadWithPreview(next);
  };
  return (
    <section data-section="decisions">
      <h2>Decisions</h2>
      {snapshot.slots.length === 0 && <p class="muted">No slots on this page.</p>}
      {snapshot.slots.map((slot) => {
        const d = snapshot.decisions.find((x) => x.slot === slot.name);
        const wanted = forced.get(slot.name);
        // Forced (by URL or remembered) to a variant this slot cannot show: say so, and keep it visible in the menu.
        const missing = wanted !== undefined && (!slot.variants.includes(wanted) || d?.explanation.some((c) => c.feature === PREVIEW_MISSING)) ? wanted : undefined;
        // Once per decision: it integrates the propensity of every candidate.
        const exploration = d && explorationWords(d);
        return (
          <div class="decision" data-slot={slot.name} key={slot.name}>
            {d ? (
              <div>
                <strong>{slot.name}</strong> shows <strong data-variant>{d.variant}</strong>{' '}
                <span class={`pill ${d.group === 'personalized' ? 'ok' : 'warn'}`} data-group>{d.group}</span>{' '}
                <span class="muted">score {d.score.toFixed(2)} · {d.model}</span>
                {d.explanation.length ? (
                  <ul class="why">
                    {d.explanation.map((c) => <li key={c.feature}>{c.feature === 'late' ? lateWords(c.text) : c.feature === PREVIEW_MISSING ? missingWords(slot.name, wanted ?? '') : c.text}</li>)}
                  </ul>
                ) : d.variant === 'default' ? (
                  <p class="muted" data-why>Nothing in this profile favours another variant, so the default stays.</p>
                ) : (
                  <p class="muted" data-why>The model scores this variant highest for this visitor.</p>
                )}
                {exploration && <p class="muted" data-exploration>{exploration}</p>}
              </div>
            ) : (
              <div><strong>{slot.name}</strong> <span class="muted">not decided yet</span></div>
            )}
            {missing !== undefined && <p class="warn" data-preview-missing>⚠ {missingWords(slot.name, missing)}</p>}
            <label class="row">
              Force
              <select data-force={slot.name} value={forced.get(slot.name) ?? ''} onChange={(e) => force(slot.name, (e.target as HTMLSelectElement).value)}>
                <option value="">(model decides)</option>
                {slot.variants.map((v) => <option key={v} value={v}>{v}</option>)}
                {missing !== undefined && !slot.variants.includes(missing) && <option value={missing}>{missing} (missing here)</option>}
              </select>
            </label>
          </div>
        );
      })}
      {forced.size > 0 && <button type="button" data-action="clear-preview" onClick={() => reloadWithPreview(new Map())}>Stop forcing variants</button>}
    </section>
  );
}

function Profile({ snapshot }: { snapshot: Snapshot }): VNode {
  const dims = Object.keys(DIMENSION_NAMES) as Dimension[];
  return (
    <section data-section="profile">
      <h2>Profile</h2>
      <div class="pills">
        <span class="pill" data-lifecycle>stage: {snapshot.lifecycle ?? '—'}</span>
        {snapshot.rfm && (
          <span class="pill">
            R {snapshot.rfm.recencyDays === undefined ? '—' : `${snapshot.rfm.recencyDays} d`} · F {snapshot.rfm.sessions} sessions · M {snapshot.rfm.monetary} €
          </span>
        )}
        {snapshot.segments.map((s) => <span class="pill ok" key={s}>segment {s}</span>)}
      </div>
      <div class="cols">
        {(['l', 's'] as const).map((horizon) => (
          <div key={horizon} data-horizon={horizon}>
            <h3>{horizon === 'l' ? 'Long-term affinities' : 'This session'}</h3>
            {dims.map((dim) =>
              snapshot.affinities[horizon][dim] ? (
                <div key={dim}>
                  <span class="muted">{DIMENSION_NAMES[dim]}</span>
                  <Bars list={snapshot.affinities[horizon][dim] ?? []} horizon={horizon} />
                </div>
              ) : null,
            )}
            {Object.keys(snapshot.affinities[horizon]).length === 0 && <p class="muted">No affinities yet.</p>}
          </div>
        ))}
      </div>
      {snapshot.facts.length > 0 && (
        <table>
          <tbody>
            {snapshot.facts.map(([k, v]) => (
              <tr key={k}><td>{k}</td><td class="num">{v}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Events({ snapshot }: { snapshot: Snapshot }): VNode {
  return (
    <section data-section="events">
      <h2>Recent events ({snapshot.events.length})</h2>
      <table>
        <tbody>
          {snapshot.events.map((e, i) => (
            <tr key={`${e.ts}-${i}`}>
              <td class="muted">{time(e.ts)}</td>
              <td><code>{e.name}</code></td>
              <td>{e.items?.map((item) => item.id).join(', ') ?? (typeof e.props.path === 'string' ? e.props.path : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Sync({ snapshot, network }: { snapshot: Snapshot; network: Network }): VNode {
  return (
    <section data-section="sync">
      <h2>Sync</h2>
      <p data-queue>
        {snapshot.queue.length} deltas queued{snapshot.queue.length ? ': ' : ''}
        <code>{snapshot.queue.slice(0, 8).map((d) => d.key).join(' ')}{snapshot.queue.length > 8 ? ' …' : ''}</code>
      </p>
      <h3>Collector answers (since the panel loaded)</h3>
      {network.exchanges.length === 0 && <p class="muted">None yet.</p>}
      <table>
        <tbody>
          {network.exchanges.map((x, i) => (
            <tr key={`${x.at}-${i}`}>
              <td class="muted">{time(x.at)}</td>
              <td><code>{x.method} {x.path}</code></td>
              <td class="num">{x.status === -1 ? '…' : x.status || 'failed'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {network.exchanges[0]?.note && <p class="muted"><code>{network.exchanges[0].note}</code></p>}
    </section>
  );
}

/**
 * Triggers exit intent the way a visitor does on desktop: the pointer moves up
 * fast and leaves through the top edge. The SDK's own detector, caps and model
 * then decide whether an offer shows, exactly as for a real visitor.
 */
export function simulateExitGesture(doc: Document = document): void {
  doc.dispatchEvent(new MouseEvent('mousemove', { clientX: 300, clientY: 240 }));
  doc.dispatchEvent(new MouseEvent('mousemove', { clientX: 300, clientY: 4 }));
  doc.dispatchEvent(new MouseEvent('mouseout', { clientX: 300, clientY: 0, relatedTarget: null }));
}

/**
 * `forget()` erases the cached model with the profile and the SDK pulls it
 * again in the background; waiting for it (up to 3 s) lets the reloaded page
 * decide with the collector's model, as before the reset, not the built-in one.
 */
async function afterModelPulled(client: InspectableClient, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const store = client.inspect?.().store;
    if (!store || (await store.update<unknown>('model', (m) => m)) !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function Actions({ client, network }: { client: InspectableClient; network: Network }): VNode {
  const [offline, setOffline] = useState(network.offline);
  const [note, setNote] = useState('');
  return (
    <section data-section="actions">
      <h2>QA actions</h2>
      <div class="actions">
        <button type="button" data-action="exit-intent"
          onClick={() => {
            simulateExitGesture();
            setNote(
              matchMedia('(pointer: coarse)').matches
                ? 'This is a touch device: exit intent here comes from a fast scroll up or returning to the tab, not the pointer.'
                : 'Simulated the pointer leaving through the top. If no offer shows, the caps or the model chose none: see offer_* events and counters.',
            );
          }}>
          Trigger exit intent
        </button>
        <button type="button" data-action="offline" aria-pressed={offline} onClick={() => { network.setOffline(!offline); setOffline(!offline); }}>
          {offline ? 'Go back online' : 'Simulate offline'}
        </button>
        <button type="button" class="danger" data-action="reset"
          onClick={() => {
            setNote('Erasing…');
            // The reset erases the panel's own record too: keep it open on the reloaded page.
            void client.forget().then(() => afterModelPulled(client)).then(() => rememberPanel(client, true)).then(() => location.reload());
          }}>
          Reset profile
        </button>
      </div>
      {note && <p class="muted">{note}</p>}
    </section>
  );
}

/** The panel. Refreshes itself while open. */
export function Panel({ client, network, onClose, refreshMs = 500 }: PanelProps): VNode {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const decisions = useMemo(() => new Map<string, Decision>(), [client]);
  const forced = useMemo(forcedVariants, []);
  useEffect(() => {
    let live = true;
    const refresh = (): void => {
      takeSnapshot(client, decisions).then((s) => live && setSnapshot(s), () => undefined);
    };
    const stop = client.onDecision((d) => {
      decisions.set(d.slot, d);
      refresh();
    });
    refresh();
    const timer = setInterval(refresh, refreshMs);
    return () => {
      live = false;
      stop();
      clearInterval(timer);
    };
  }, [client]);
  return (
    <div class="panel" role="complementary" aria-label="OneToOne debug panel">
      <header>
        <h1>OneToOne debug</h1>
        <button type="button" data-action="close" aria-label="Close the debug panel" onClick={onClose}>×</button>
      </header>
      {snapshot ? (
        <div>
          <section data-section="state">
            <div class="pills">
              <span class={`pill ${snapshot.consent === 'granted' ? 'ok' : 'warn'}`} data-consent>consent: {snapshot.consent}</span>
              <span class={`pill ${snapshot.storageMode === 'indexeddb' ? 'ok' : 'warn'}`} data-storage>storage: {snapshot.storageMode}</span>
              <span class="pill">model: {snapshot.modelId}</span>
              {snapshot.context.map((c) => <span class="pill" key={c}>{c}</span>)}
              {network.offline && <span class="pill warn">offline (simulated)</span>}
            </div>
            {snapshot.storageNotes.length > 0 && (
              <ul class="why" data-storage-notes>
                {snapshot.storageNotes.map((note) => <li key={note}>{note}</li>)}
              </ul>
            )}
          </section>
          <Decisions snapshot={snapshot} forced={forced} />
          <Actions client={client} network={network} />
          <Profile snapshot={snapshot} />
          <Events snapshot={snapshot} />
          <Sync snapshot={snapshot} network={network} />
          {snapshot.counters.length > 0 && (
            <section data-section="counters">
              <h2>Counters</h2>
              <table><tbody>{snapshot.counters.map(([k, v]) => <tr key={k}><td><code>{k}</code></td><td class="num">{v}</td></tr>)}</tbody></table>
            </section>
          )}
        </div>
      ) : (
        <p class="muted">Loading…</p>
      )}
    </div>
  );
}
