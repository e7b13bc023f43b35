/**
 * Script-tag configuration: `data-*` attributes of the tag become config options.
 */
import { INTEGERS } from './config.js';

const BOOLEAN = ['debug', 'respectGpc'];

/** Turns the tag's `data-*` attributes into a config object (`data-write-key` → `writeKey`). */
export function configFromDataset(dataset: DOMStringMap): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dataset)) {
    if (value === undefined) continue;
    if (Object.keys(INTEGERS).includes(key)) config[key] = value.trim() === '' ? NaN : Number(value);
    else if (BOOLEAN.includes(key)) config[key] = value === '' || value === 'true' || value === '1';
    else config[key] = value;
  }
  return config;
}
