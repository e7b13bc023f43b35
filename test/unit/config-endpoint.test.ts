import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { configFromDataset } from '../../src/script-config.js';

const PAGE = 'https://shop.example/products/1';

/** The option named by the error `resolveConfig` throws for `endpoint`, or the resolved endpoint. */
function endpointOf(endpoint: unknown): string {
  try {
    return resolveConfig({ endpoint }, PAGE).endpoint;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe('endpoint');
    return `ConfigError: ${(error as Error).message}`;
  }
}

describe('endpoint: an absolute http(s) URL or a path starting with "/"', () => {
  it.each([
    ['https://o2o.example.com', 'https://o2o.example.com'],
    ['HTTP://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['/o2o/', 'https://shop.example/o2o'],
    ['/', 'https://shop.example'],
  ])('accepts %s as %s', (value, resolved) => {
    expect(endpointOf(value)).toBe(resolved);
  });

  // Each of these used to resolve against the page, so every request went to a path on the site and 404ed.
  it.each(['127.0.0.1:8080', 'o2o.example.com', 'o2o', './o2o', '../o2o', '//o2o.example.com', '/\\evil.example', ' https://o2o.example.com', ''])(
    'refuses %j at init, naming the option',
    (value) => {
      const message = endpointOf(value);
      expect(message).toMatch(/^ConfigError: OneToOne: invalid option "endpoint": expected an http\(s\) URL or a path such as "\/o2o"/);
    },
  );

  it('refuses the scheme-less data-endpoint of a script tag the same way', () => {
    const config = configFromDataset({ endpoint: '127.0.0.1:8080', writeKey: 'site-1' });
    expect(() => resolveConfig(config, PAGE)).toThrow(/invalid option "endpoint".*got "127\.0\.0\.1:8080"/);
  });
});
