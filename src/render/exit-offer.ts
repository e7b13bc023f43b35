/**
 * Exit-intent offers: on exit intent, if the caps allow and the model picks
 * an offer for this visitor, load the dialog and show it once, reporting
 * `offer_shown`, `offer_closed` and `offer_clicked` with `{ offer, group }`.
 * The dialog file is fetched when the browser is idle as soon as an offer is
 * possible, so it is ready when the moment comes.
 */
import type { ResolvedConfig } from '../config.js';
import type { TrackedEvent } from '../core/events.js';
import type { OfferDecision } from '../core/offers.js';
import { DIALOG_URL, loadDialog } from './dialog-loader.js';
import { watchExitIntent } from './exit-intent.js';
import type { RecordFeedback } from './feedback.js';
import { offerAllowed } from './offer-caps.js';

/** What exit-intent offers need from the client. */
export interface OfferHost {
  /** The model's offer for this visitor now. */
  choose(): OfferDecision;
  /** The stored event log and this session's start, for the caps. */
  history(): Promise<{ events: TrackedEvent[]; sessionStart: number }>;
  /** Records offer events. */
  record: RecordFeedback;
  /** Counts a reason in the debug counters. */
  count(reason: string, detail?: unknown): void;
  /** The offer decision about to be shown (the decision log records it before its `offer_shown`). */
  decided?(decision: OfferDecision): void;
}

/** The options offers read (see `OneToOneConfig`): timing, caps and where the dialog file is. */
export type OfferOptions = Pick<ResolvedConfig, 'offerMinMs' | 'offerIdleMs' | 'offerPerSession' | 'offerCooldownDays' | 'dialogUrl'>;

/** Starts exit-intent detection for offers; does nothing where the dialog cannot be loaded or caps allow no offer. */
export function startExitOffers(host: OfferHost, { offerMinMs, offerIdleMs, offerPerSession, offerCooldownDays, dialogUrl = DIALOG_URL }: OfferOptions): void {
  if (!dialogUrl || !offerPerSession || !host.choose().content) return;
  const load = (): Promise<unknown> => loadDialog(dialogUrl).catch((error: unknown) => host.count('offer:load-failed', error));
  (window.requestIdleCallback ?? setTimeout)(() => void load());
  let busy = false;
  watchExitIntent(offerMinMs, offerIdleMs, async (strategy) => {
    if (busy) return;
    busy = true;
    const { events, sessionStart } = await host.history();
    const decision = host.choose();
    const content = decision.content;
    if (!content || !offerAllowed(events, sessionStart, Date.now(), offerPerSession, offerCooldownDays)) {
      busy = false;
      return;
    }
    const props = { offer: decision.variant, group: decision.group };
    try {
      const open = await loadDialog(dialogUrl);
      host.decided?.(decision);
      host.record('offer_shown', { ...props, strategy });
      open(content, {
        closed: () => {
          busy = false;
          host.record('offer_closed', props);
        },
        clicked: () => host.record('offer_clicked', props) ?? undefined,
      });
    } catch (error) {
      host.count('offer:failed', error);
    }
  });
}
