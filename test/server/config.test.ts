// Environment variables to options: defaults for development, one clear error naming the variable otherwise.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config.js';

const SECRET = 's'.repeat(32);
const production = { O2O_ENV: 'production', O2O_WRITE_KEYS: 'site-1, site-2', O2O_COOKIE_SECRET: SECRET };

describe('readConfig', () => {
  it('defaults to development on 127.0.0.1:8080 with the embedded store', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '.o2o-data', app: { production: false, writeKeys: 'any', allowedOrigins: 'local', cookieSecure: false } });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads production settings', () => {
    const config = readConfig({ ...production, DATABASE_URL: 'postgres://u:p@127.0.0.1/db', O2O_ALLOWED_ORIGINS: 'https://shop.example', O2O_RATE_IP_PER_MIN: '600', O2O_MAX_FUTURE_S: '60', PORT: '9000' });
    expect(config).toMatchObject({ port: 9000, databaseUrl: 'postgres://u:p@127.0.0.1/db', app: { production: true, writeKeys: ['site-1', 'site-2'], allowedOrigins: ['https://shop.example'], cookieSecure: true, cookieSecret: SECRET, bounds: { maxFutureMs: 60_000 } } });
    expect(config.app.rateLimits?.ip).toEqual({ perMinute: 600, burst: 300 });
  });

  it('reads the decision log bounds and its rate limit, with the service defaults', () => {
    expect(readConfig({}).app).toMatchObject({ bounds: { maxDecisionsPerDevice: 10_000, maxOutcomesPerDecision: 16 }, rateLimits: { decisions: { perMinute: 60, burst: 30 } } });
    const config = readConfig({ O2O_MAX_DECISIONS_PER_DEVICE: '500', O2O_MAX_OUTCOMES_PER_DECISION: '4', O2O_RATE_DECISIONS_PER_MIN: '10', O2O_RATE_DECISIONS_BURST: '5' });
    expect(config.app).toMatchObject({ bounds: { maxDecisionsPerDevice: 500, maxOutcomesPerDecision: 4 }, rateLimits: { decisions: { perMinute: 10, burst: 5 } } });
  });

  it.each([
    [{ O2O_ENV: 'prod' }, 'O2O_ENV'],
    [{ O2O_ENV: 'production', O2O_COOKIE_SECRET: SECRET }, 'O2O_WRITE_KEYS'],
    [{ O2O_ENV: 'production', O2O_WRITE_KEYS: 'k' }, 'O2O_COOKIE_SECRET'],
    [{ ...production, O2O_COOKIE_SECRET: 'short' }, 'O2O_COOKIE_SECRET'],
    [{ O2O_IDENTITY_SECRET: 'short' }, 'O2O_IDENTITY_SECRET'],
    [{ O2O_ADMIN_TOKEN: 'short' }, 'O2O_ADMIN_TOKEN'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ O2O_RATE_DEVICE_PER_MIN: '-1' }, 'O2O_RATE_DEVICE_PER_MIN'],
    [{ O2O_MAX_DECISIONS_PER_DEVICE: '0' }, 'O2O_MAX_DECISIONS_PER_DEVICE'],
    [{ O2O_MAX_OUTCOMES_PER_DECISION: 'many' }, 'O2O_MAX_OUTCOMES_PER_DECISION'],
    [{ O2O_RATE_DECISIONS_BURST: '0' }, 'O2O_RATE_DECISIONS_BURST'],
    [{ O2O_ALLOWED_ORIGINS: 'https://shop.example/' }, 'O2O_ALLOWED_ORIGINS'],
    [{ O2O_COOKIE_SECURE: 'yes' }, 'O2O_COOKIE_SECURE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      readConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(variable + ': ')).toBe(true);
  });
});
