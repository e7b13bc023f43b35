import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, resolveFirstConfig, resolveStageConfig } from '../../src/config.js';
import { configFromDataset } from '../../src/script-config.js';

describe('resolveConfig', () => {
  it('fills defaults and resolves relative endpoints', () => {
    expect(resolveConfig({ endpoint: '/o2o/' }, 'https://shop.example/a')).toMatchObject({ endpoint: 'https://shop.example/o2o', consent: 'granted', antiFlickerMs: 300 });
  });
  it.each([
    [{}, 'endpoint'],
    [{ endpoint: 'javascript:alert(1)' }, 'endpoint'],
    [{ endpoint: 'ftp://x' }, 'endpoint'],
    [{ endpoint: '/x', consent: 'yes' }, 'consent'],
    [{ endpoint: '/x', antiFlickerMs: -1 }, 'antiFlickerMs'],
    [{ endpoint: '/x', antiFlickerMs: NaN }, 'antiFlickerMs'],
    [{ endpoint: '/x', debug: 'true' }, 'debug'],
    [{ endpoint: '/x', endpont: '/y' }, 'endpont'],
    [{ endpoint: '/x', writeKey: 'a b' }, 'writeKey'],
    [null, 'config'],
  ])('rejects %j naming %s', (input, option) => {
    try {
      resolveConfig(input, 'https://shop.example/');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe(option);
      expect((error as Error).message).toContain(`"${option}"`);
    }
  });
  it('suggests the option a typo meant', () => {
    expect(() => resolveConfig({ endpoint: '/x', endpont: '/y' })).toThrow(/did you mean "endpoint"/);
  });
});

describe('configFromDataset', () => {
  it('converts numbers and booleans from data attributes', () => {
    expect(configFromDataset({ endpoint: '/o2o', debug: '', antiFlickerMs: '200', writeKey: 'k' })).toEqual({ endpoint: '/o2o', debug: true, antiFlickerMs: 200, writeKey: 'k' });
  });
});

describe('the script tag checks its options in two halves: the first file its own, the second stage the rest', () => {
  const thrown = (run: () => unknown): ConfigError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    return expect.unreachable() as never;
  };

  it('the first file checks only what it reads and passes the rest on untouched', () => {
    const first = resolveFirstConfig({ endpoint: 'javascript:alert(1)', offerIdleMs: -5, typo: 1, consent: 'pending', antiFlickerMs: 500 });
    expect(first).toMatchObject({ endpoint: 'javascript:alert(1)', offerIdleMs: -5, typo: 1, consent: 'pending', antiFlickerMs: 500, debug: false, databaseName: 'onetoone', respectGpc: false });
    expect(first.collect.pages).toBe(true);
    for (const [input, option] of [[{ consent: 'yes' }, 'consent'], [{ antiFlickerMs: 20_000 }, 'antiFlickerMs'], [{ databaseName: 'a b' }, 'databaseName'], [{ collect: '-nope' }, 'collect'], [{ debug: 'on' }, 'debug'], [{ respectGpc: 1 }, 'respectGpc']] as const) {
      expect(thrown(() => resolveFirstConfig(input)).option, option).toBe(option);
    }
  });

  it('the stage checks the rest, unknown options included, with the same messages as init()', () => {
    for (const input of [{ endpoint: 'javascript:alert(1)' }, { endpoint: '/x', offerIdleMs: -5 }, { endpoint: '/x', endpont: '/y' }, { endpoint: '/x', transport: 'beacon' }, {}]) {
      const stage = thrown(() => resolveStageConfig(resolveFirstConfig(input), 'https://shop.example/'));
      const whole = thrown(() => resolveConfig(input, 'https://shop.example/'));
      expect(stage.option).toBe(whole.option);
      expect(stage.message).toBe(whole.message);
    }
  });

  it('both halves together resolve what resolveConfig resolves', () => {
    const dataset = { endpoint: '/o2o/', writeKey: 'demo', consent: 'pending', antiFlickerMs: '500', offerIdleMs: '0', debug: '', collect: '-video', dialogUrl: '/js/d.js' };
    const raw = configFromDataset(dataset);
    expect(resolveStageConfig(resolveFirstConfig(raw), 'https://shop.example/a')).toEqual(resolveConfig(raw, 'https://shop.example/a'));
  });
});
