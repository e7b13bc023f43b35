/**
 * Names that are also Object.prototype members, labels in any script, and a
 * host page that added enumerable members to Object.prototype: found by the
 * Chromium fuzz (test/browser/hostile-markup.test.ts), pinned here in the core.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decideSlot } from '../../src/core/decide.js';
import { cleanItem, validateTrack } from '../../src/core/events.js';
import { isFieldKey } from '../../src/core/field.js';
import { isDelta } from '../../src/core/merge.js';
import { BUILTIN_MODEL, parseModel, satisfies, slotCandidates } from '../../src/core/model.js';
import { applyAll, emptyProfile } from '../../src/core/profile.js';
import { snapshotAt } from './support/snapshot-at.js';

const NOW = 1_700_000_000_000;

describe('prototype-named inputs', () => {
  it('a slot named like an Object.prototype member is simply undeclared', () => {
    const parsed = parseModel({ version: 1, id: 'm', slots: { hero: [{ id: 'running', tags: ['running'] }] } });
    expect(parsed.ok).toBe(true);
    const model = parsed.ok ? parsed.model : BUILTIN_MODEL;
    for (const slot of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
      expect(slotCandidates(model, slot)).toBeUndefined();
      expect(slotCandidates(BUILTIN_MODEL, slot)).toBeUndefined();
      expect(decideSlot(slot, [], snapshotAt(emptyProfile(), NOW), model).variant).toBe('default');
    }
    expect(slotCandidates(model, 'hero')?.map((c) => c.id)).toEqual(['running']);
  });

  it('an event named "constructor" or "prototype" is rejected: every field keyed by it would be refused downstream', () => {
    for (const name of ['constructor', 'prototype']) expect(validateTrack(name, { items: [{ id: 'sku-1', category: 'running' }] }, NOW, 0)).toEqual({ ok: false, reason: 'bad-name' });
    const fine = validateTrack('view_item', { items: [{ id: 'sku-1', category: 'running' }] }, NOW, 0);
    if (!fine.ok) throw new Error(fine.reason);
    const { profile, deltas } = applyAll(emptyProfile(), [fine.event]);
    expect(JSON.stringify(profile)).not.toContain('function');
    expect(deltas.every(isDelta)).toBe(true);
  });

  it('a profile option table keyed by event name gives nothing to an event named like a prototype member', () => {
    const toString = { name: 'tostring_', ts: NOW, props: {}, items: [{ id: 'a', category: 'c' }] };
    // The reducer itself (used by tests and the collector) reads only own weights.
    const { profile } = applyAll(emptyProfile(), [{ ...toString, name: 'constructor' }]);
    expect(JSON.stringify(profile)).not.toContain('function');
    expect(profile.own.fields['a.n']).toBeUndefined();
  });

  it('labels with a prototype key between dots and colons are dropped; every delta stays valid', () => {
    const item = cleanItem({ id: 'x', category: 'Constructor', brand: 'a.__proto__', tags: ['prototype', 'ok', 'b:constructor'] });
    expect(item).toEqual({ id: 'x', tags: ['ok'] });
  });
});

describe('labels in any script', () => {
  it('field keys take the site’s own labels, but no control characters or prototype parts', () => {
    for (const key of ['a.l.cat:chaussures été', 'a.l.tag:跑步', 'a.l.brand:men’s & women’s', 'a.l.cat:t-shirts / tops']) expect(isFieldKey(key)).toBe(true);
    for (const key of ['a.l.cat:x\u0000y', 'a.l.cat:\u200b', 'a.l.cat:constructor', '', '1abc', 'a'.repeat(129)]) expect(isFieldKey(key)).toBe(false);
  });

  it('an accented or non-Latin category makes deltas the collector accepts', () => {
    const events = ['Chaussures été', 'Беговые', '跑步'].map((category, i) => {
      const r = validateTrack('view_item', { items: [{ id: 'sku-' + i, category }] }, NOW + i, 0);
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    });
    const { deltas } = applyAll(emptyProfile(), events);
    expect(deltas.map((d) => d.key)).toContain('a.l.cat:chaussures été');
    expect(deltas.every(isDelta)).toBe(true);
  });
});

describe('a host page that added enumerable members to Object.prototype', () => {
  const proto = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    delete proto.polluted;
  });

  it('still parses models, checks rules and decides', () => {
    proto.polluted = 1;
    const parsed = parseModel({ version: 1, id: 'm', segments: { runner: { 'a.l.cat:running': [0.1, null] } }, slots: { hero: [{ id: 'running', tags: ['running'], eligibility: { 'ctx.desktop': [1, null] } }] } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(satisfies({ a: [0, 1] }, { a: 0.5 })).toBe(true);
    const decision = decideSlot('hero', [], snapshotAt(emptyProfile(), NOW), parsed.model);
    expect(decision.slot).toBe('hero');
    expect(decision.explanation.some((c) => c.feature === 'polluted')).toBe(false);
  });
});
