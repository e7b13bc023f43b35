import { afterEach, describe, expect, it } from 'vitest';
import { rememberConsent, startingConsent } from '../../src/consent/consent.js';

const setGpc = (value: boolean | undefined) => Object.defineProperty(navigator, 'globalPrivacyControl', { value, configurable: true });

describe('consent', () => {
  afterEach(() => {
    localStorage.clear();
    setGpc(undefined);
  });

  it('starts in the configured state, and a remembered choice applies only when configured pending', () => {
    expect(startingConsent('pending', false, 'db')).toBe('pending');
    rememberConsent('granted', 'db');
    expect(startingConsent('pending', false, 'db')).toBe('granted');
    expect(startingConsent('denied', false, 'db')).toBe('denied');
    expect(startingConsent('pending', false, 'other')).toBe('pending');
    rememberConsent('pending', 'db');
    expect(localStorage.length).toBe(0);
  });

  it('a Global Privacy Control signal means denied when respected, and only then', () => {
    setGpc(true);
    rememberConsent('granted', 'db');
    expect(startingConsent('granted', true, 'db')).toBe('denied');
    expect(startingConsent('pending', true, 'db')).toBe('denied');
    expect(startingConsent('granted', false, 'db')).toBe('granted');
  });
});
