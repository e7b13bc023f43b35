// CPU profiles of the script tag: an unminified build of its two files, so
// profiled functions keep their names, and self time per function.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Builds the script tag's core and second stage as `rollup.config.mjs` does
 * (the stage borrowing from the core included), without terser, into a
 * temporary folder; returns the two files' paths.
 */
export async function unminifiedScriptTag() {
  const [{ rollup }, { default: configs }] = await Promise.all([import('rollup'), import('../../rollup.config.mjs')]);
  const dir = mkdtempSync(join(tmpdir(), 'o2o-unminified-'));
  const files = {};
  for (const [name, input] of [['core', 'src/script-tag.ts'], ['stage', 'src/stage/stage-entry.ts']]) {
    const config = configs.find((c) => c.input === input);
    const bundle = await rollup({ ...config, plugins: config.plugins.filter((p) => !/terser/.test(p.name)) });
    files[name] = join(dir, basename(config.output.file));
    await bundle.write({ ...config.output, file: files[name], sourcemap: false });
    await bundle.close();
  }
  return files;
}

/** Self ms per function of one CDP profile (url-less nodes keep their V8 names: (program), (garbage collector)…). */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? url.replace(/^.*\//, '') + ':' + (lineNumber + 1) : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return self;
}
