/** O2O_TRAIN_INTERVAL_S: scheduled training is off unless set, and a bad value names the variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config.js';

describe('training schedule configuration', () => {
  it('is off by default and on with O2O_TRAIN_INTERVAL_S', () => {
    expect(readConfig({}).app.learning).toBeUndefined();
    expect(readConfig({ O2O_TRAIN_INTERVAL_S: '0' }).app.learning).toBeUndefined();
    expect(readConfig({ O2O_TRAIN_INTERVAL_S: '3600' }).app.learning).toEqual({ intervalMs: 3_600_000 });
  });

  it('refuses a value that is not a whole number of seconds', () => {
    for (const bad of ['-1', '1.5', 'hourly']) {
      expect(() => readConfig({ O2O_TRAIN_INTERVAL_S: bad })).toThrow(ConfigError);
      expect(() => readConfig({ O2O_TRAIN_INTERVAL_S: bad })).toThrow(/O2O_TRAIN_INTERVAL_S/);
    }
  });
});
