import { describe, expect, it } from 'vitest';
import { contribution } from '../../src/core/explain.js';

// Every per-candidate feature the model can cite must read as plain words in the debug panel and decisions.
const CANDIDATE_FEATURES = ['match.long', 'match.short', 'match.recent', 'match.freq', 'match.now', 'match.start', 'match.next', 'prior', 'learned'];

describe('explanations', () => {
  it.each(CANDIDATE_FEATURES)('%s is explained in words, not by its name', (feature) => {
    const text = contribution(feature, 1.25, 'running').text;
    expect(text).not.toContain(feature);
    expect(text).toMatch(/running: \+1\.3$/);
  });
});
