/**
 * OneToOne — on-site 1:1 individualization in the browser.
 *
 * ```ts
 * import { init } from 'onetoone';
 * const o2o = init({ endpoint: 'https://o2o.example.com' });
 * o2o.track('add_to_cart', { items: [{ id: 'sku-1', category: 'running', price: 89 }] });
 * ```
 * @packageDocumentation
 */
export { init } from './init.js';
export type { IdentifyOptions, OneToOne, TrackProperties } from './api.js';
export { ConfigError } from './config.js';
export type { ConsentState, OneToOneConfig } from './config.js';
export type { Decision, DecisionGroup } from './core/decide.js';
export type { Recommendation } from './core/recommend.js';
export type { Item, TrackedEvent } from './core/events.js';
export type { Model, CandidateModel, Range, Rule } from './core/model.js';
export type { VariantSpec } from './core/variants.js';
export type { ProfileView } from './core/view.js';
export type { StorageMode } from './store/store.js';
export type { Batch } from './sync/batch.js';
export type { SyncRequest, Transport, TransportResult } from './sync/transport.js';
