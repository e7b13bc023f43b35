import { type ComponentChildren, createContext, type VNode } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { OneToOne } from '../client.js';
import type { Decision } from '../core/decide.js';
import type { ProfileView } from '../core/view.js';

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

/** The decision for `slot`, updated when it is made; `undefined` until then. */
export function useDecision(slot: string): Decision | undefined {
  const client = useContext(ClientContext);
  const [decision, setDecision] = useState<Decision | undefined>(() => client?.decide(slot));
  useEffect(() => client?.onDecision((d) => d.slot === slot && setDecision(d)), [client, slot]);
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

/** Props of {@link Slot}. */
export interface SlotProps {
  /** Slot name, as in the model and in `decide()`. */
  name: string;
  /** Content per variant id. */
  variants: Record<string, ComponentChildren>;
  /** Shown until decided, and when the default wins. */
  fallback?: ComponentChildren;
}

/** Renders the variant chosen for `name`, or `fallback`. */
export function Slot({ name, variants, fallback }: SlotProps): VNode {
  const decision = useDecision(name);
  const chosen = decision && decision.variant in variants ? variants[decision.variant] : fallback;
  return <>{chosen}</>;
}
