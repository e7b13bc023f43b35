import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
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
