/**
 * The first file's slot watch before the second stage (`first/slot-clicks.ts`): the first click on a
 * decided slot calls its record once and is marked for the stage; later clicks record nothing, and the
 * listener the stage removes is the one that was added.
 */
import { expect, it } from 'vitest';
import type { Decision } from '../../src/core/decide.js';
import { watchEarlyClick } from '../../src/first/slot-clicks.js';

const decision = { slot: 'hero', variant: 'running', group: 'personalized', explanation: [] } as unknown as Decision;

it('records only the first click and marks the slot clicked', () => {
  const element = document.createElement('div');
  document.body.append(element);
  let records = 0;
  const slot = watchEarlyClick(element, decision, () => records++);
  expect(slot.slice(0, 2)).toEqual([element, decision]);
  expect(slot[3]).toBeUndefined();
  element.click();
  element.click();
  expect(records).toBe(1);
  expect(slot[3]).toBe(true);
  element.remove();
});

it('records nothing once the stage removed its listener', () => {
  const element = document.createElement('div');
  let records = 0;
  const [, , click, clicked] = watchEarlyClick(element, decision, () => records++);
  element.removeEventListener('click', click);
  element.click();
  expect(records).toBe(0);
  expect(clicked).toBeUndefined();
});
