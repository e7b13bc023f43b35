/**
 * `onetoone/debug`: the debug panel for npm users.
 *
 * ```ts
 * import { installDebugPanel } from 'onetoone/debug';
 * installDebugPanel(); // now client.debug() toggles the panel
 * ```
 * @packageDocumentation
 */
export { closeDebugPanel, installDebugPanel, isPanelOpen, openDebugPanel } from './open.js';
