/**
 * Entry of `dist/onetoone-debug.min.js`, the panel's script-tag build. The
 * core's loader injects it on the first `debug()` call and then calls
 * `debug()` again, which this listener turns into an open panel.
 */
import { installDebugPanel } from './open.js';

installDebugPanel();
