/**
 * The script-tag door. Site owners paste
 *
 * ```html
 * <script async src="/dist/onetoone.min.js" data-endpoint="https://o2o.example.com"></script>
 * ```
 *
 * Options come from the tag's `data-*` attributes (`data-write-key`,
 * `data-consent`, `data-debug`, …). Calls made before the script loaded are
 * queued with the documented stub `window.o2o = window.o2o || function(){(o2o.q=o2o.q||[]).push(arguments)}`
 * and replayed in order. Invalid configuration is reported once on the console:
 * an option the first file reads stops it (the page keeps its default content);
 * any other, or an unknown one, stops the second stage, which checks it (the page
 * keeps its first decisions). See `config.ts`.
 *
 * This file is the first stage (`src/first/`): it decides the page's slots and
 * loads the rest (`src/second/`, `onetoone-stage.min.js`) right after.
 */
import type { OneToOne } from './api.js';
import { startFirst } from './first/start.js';

/** The page's API (the `OneToOne` global), or `undefined` when the configuration was invalid. */
const client: OneToOne | undefined = startFirst(document.currentScript as HTMLScriptElement | null);
export default client;
