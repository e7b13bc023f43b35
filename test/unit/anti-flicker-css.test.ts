/**
 * The shipped head rule (src/render/anti-flicker.css → dist/onetoone.css) is
 * the rule the SDK adds itself, for the default antiFlickerMs: a site linking
 * the stylesheet and a site relying on the SDK hide and reveal slots alike.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { antiFlickerCss } from '../../src/render/anti-flicker.js';
import { INTEGERS } from '../../src/config.js';

it('the shipped stylesheet is antiFlickerCss(default antiFlickerMs)', () => {
  const css = readFileSync('src/render/anti-flicker.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s*\n\s*/g, '');
  expect(css).toBe(antiFlickerCss(INTEGERS.antiFlickerMs[0]));
});
