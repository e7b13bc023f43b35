import { type ComponentChildren, createContext, type VNode } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { OneToOne } from '../api.js';
import { DEFAULT_VARIANT, type Decision } from '../core/decide.js';
import type { Rule } from '../core/model.js';
import type { VariantSpec } from '../core/variants.js';
import { hasOwn } from '../core/field.js';
import type { ProfileView } from '../core/view.js';
import { observeSlotFeedback } from '../render/feedback.js';

const ClientContext = createContext<OneToOne | undefined>(undefined);

/** Props of {@link OneToOneProvider}. */
export interface ProviderProps {
  client: OneToOne;
  children?: ComponentChildren;
}

/** Makes a client available to {@link Slot}, {@link useDecision} and {@link useProfile}. */
export function OneToOneProvider({ client, children }: ProviderProps): VNode {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

/** What a variant list says, to compare renders by content; the list itself when it cannot be written as JSON (a cycle, a throwing getter). */
function contentOf(variants: readonly VariantSpec[] | undefined): unknown {
  try {
    return variants === undefined ? undefined : JSON.stringify(variants);
  } catch {
    return variants;
  }
}

/**
 * The decision for `slot`, updated when it is made; `undefined` until then.
 * With `variants` (the ids your code renders, with their tags and optional
 * eligibility) the slot is decided from the visitor's local profile on the
 * first page view, with no model declaring it; without them, only a slot the
 * page's markup or the model declares is decided.
 */
export function useDecision(slot: string, variants?: readonly VariantSpec[]): Decision | undefined {
  const client = useContext(ClientContext);
  const [decision, setDecision] = useState<Decision | undefined>(() => client?.decide(slot, variants));
  // The same description re-rendered as a new array must not decide again: compare what it says.
  const described = contentOf(variants);
  useEffect(() => {
    if (!client) return undefined;
    let live = true;
    // A slot not in the markup is decided on request, which needs the profile: ask again once it is loaded.
    void client.ready.then(() => live && setDecision((d) => d ?? client.decide(slot, variants)));
    const stop = client.onDecision((d) => d.slot === slot && setDecision(d));
    return () => {
      live = false;
      stop();
    };
    // `variants` is read through `described`, its content.
  }, [client, slot, described]);
  return decision;
}

/** The visitor's profile values once loaded. */
export function useProfile(): ProfileView | undefined {
  const client = useContext(ClientContext);
  const [view, setView] = useState<ProfileView | undefined>(() => client?.profile());
  useEffect(() => {
    let live = true;
    void client?.ready.then(() => live && setView(client.profile()));
    return () => void (live = false);
  }, [client]);
  return view;
}

/** The variants of a {@link Slot} as `decide()` takes them: own keys only, so `constructor` is no variant. */
function describe(variants: Record<string, ComponentChildren>, tags?: SlotProps['tags'], eligibility?: SlotProps['eligibility']): VariantSpec[] {
  return Object.keys(variants).filter((id) => id !== DEFAULT_VARIANT).map((id) => ({
    id,
    ...(tags && hasOwn(tags, id) ? { tags: tags[id] } : {}),
    ...(eligibility && hasOwn(eligibility, id) ? { eligibility: eligibility[id] } : {}),
  }));
}

/** Props of {@link Slot}. */
export interface SlotProps {
  /** Slot name, as in the model and in `decide()`. */
  name: string;
  /** Content per variant id. */
  variants: Record<string, ComponentChildren>;
  /**
   * Tags per variant id, matched against the visitor's affinities (as `data-o2o-tags` in markup), e.g.
   * `{ running: ['running'], camping: ['camping'] }`. With tags, the slot is decided from the local profile on
   * the first page view; without, a variant takes the tags of the model's entry with its id (if any).
   */
  tags?: Record<string, readonly string[]>;
  /** Eligibility rule per variant id, e.g. `{ app: { 'ctx.mobile': [1, null] } }` (see docs/model.md). */
  eligibility?: Record<string, Rule>;
  /** Shown until decided, and when the default wins. */
  fallback?: ComponentChildren;
  /**
   * Class of the wrapping `<div>` (it carries `data-o2o-component`, the shown variant in `data-o2o-shown` and,
   * for the debug panel's Force menu, the variant ids it can show in `data-o2o-variants`).
   */
  class?: string;
}

/**
 * Renders the variant chosen for `name`, or `fallback`, inside a `<div>` that
 * reports the impression (half visible for 1 s) and the first click like a
 * markup slot does: `view_promotion` / `select_promotion` with `{ slot, variant, group }`.
 */
export function Slot({ name, variants, fallback, class: className, tags, eligibility }: SlotProps): VNode {
  const client = useContext(ClientContext);
  const decision = useDecision(name, tags || eligibility ? describe(variants, tags, eligibility) : undefined);
  const ref = useRef<HTMLDivElement>(null);
  // Own keys only: a variant id such as `constructor` must not pick up an inherited member.
  const shown = decision && hasOwn(variants, decision.variant) ? decision.variant : undefined;
  useEffect(() => {
    if (!client || !decision || !ref.current) return undefined;
    return observeSlotFeedback(ref.current, { ...decision, variant: shown ?? 'default' }, (event, props) => client.track(event, props));
  }, [client, decision, shown]);
  return (
    <div ref={ref} class={className} data-o2o-component={name} data-o2o-shown={decision ? shown ?? 'default' : undefined}
      data-o2o-variants={Object.keys(variants).filter((id) => id !== DEFAULT_VARIANT).join(' ')}>
      {shown ? variants[shown] : fallback}
    </div>
  );
}
