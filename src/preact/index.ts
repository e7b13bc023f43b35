/**
 * Preact door: `<Slot>`, `useDecision()` and `useProfile()` over a client
 * created with `init()` and passed through {@link OneToOneProvider}.
 */
export { OneToOneProvider, useDecision, useProfile, Slot } from './components.js';
export type { SlotProps, ProviderProps } from './components.js';
