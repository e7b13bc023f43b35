/**
 * The engines of the cross-engine suite. A browser missing here is skipped
 * with one line; with CI set, a missing browser fails the run.
 * `O2O_ENGINES=firefox,webkit` narrows the run (for local work).
 */
import { chromiumEngine } from './chromium.js';
import { firefoxEngine } from './firefox.js';
import type { Engine } from './types.js';
import { webkitEngine } from './webkit.js';

export type { Engine, EngineBrowser, EngineName, EngineSession, TopExit } from './types.js';

/** Every engine, installed or not. */
export const ALL_ENGINES: readonly Engine[] = [chromiumEngine, firefoxEngine, webkitEngine];

function selected(): Engine[] {
  const only = process.env.O2O_ENGINES?.split(',').map((s) => s.trim()).filter(Boolean);
  return ALL_ENGINES.filter((e) => !only || only.includes(e.name));
}

/** The engines to run: installed ones; throws under CI when one is missing. */
export function installedEngines(): Engine[] {
  const engines = selected();
  const missing = engines.filter((e) => !e.available());
  if (missing.length && process.env.CI) {
    throw new Error(`engines suite: missing ${missing.map((e) => `${e.name} (${e.binary})`).join(', ')}; CI must install them (.ci/run).`);
  }
  for (const e of missing) console.warn(`[engines suite] ${e.name} skipped: not installed (${e.binary}).`);
  return engines.filter((e) => e.available());
}
