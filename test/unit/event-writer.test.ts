/**
 * The event writer (src/second/event-writer.ts): events of one task share one
 * storage transaction and one promise; nothing is written before `start()`
 * and nothing accepted before it is lost; a failed commit settles `false`
 * and the write chain goes on.
 */
import { expect, it, vi } from 'vitest';
import { applyAll } from '../../src/core/profile.js';
import { validateTrack } from '../../src/core/events.js';
import { createDebugLog } from '../../src/debug/log.js';
import { eventWriter } from '../../src/second/event-writer.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';

function writerOn(store: Store) {
  const log = createDebugLog(false);
  const committed = vi.fn();
  const commit = vi.spyOn(store, 'commit');
  const writer = eventWriter({ store: () => store, reduce: (p, e) => applyAll(p, e), log, committed });
  const track = (name: string) => writer.accept(validateTrack(name, { value: 1 }, Date.now(), writer.timezone()), {}, name);
  return { writer, log, committed, commit, track };
}

it('holds events until start, then writes one task in one commit', async () => {
  const store = createMemoryStore();
  const { writer, committed, commit, track } = writerOn(store);
  const early = [track('a'), track('b')];
  await Promise.resolve();
  expect(commit).not.toHaveBeenCalled();
  writer.start();
  const late = track('c');
  expect(early[0]).toBe(early[1]);
  expect(late).toBe(early[0]);
  await expect(late).resolves.toBe(true);
  expect(commit).toHaveBeenCalledTimes(1);
  expect(committed.mock.calls[0]?.[1].map((e: { name: string }) => e.name)).toEqual(['a', 'b', 'c']);
  expect((await store.readEvents()).map((e) => e.name)).toEqual(['a', 'b', 'c']);
});

it('counts a rejected event and writes nothing for it', async () => {
  const { writer, log, commit } = writerOn(createMemoryStore());
  writer.start();
  await expect(writer.accept(validateTrack('', {}, Date.now(), 0), {}, '')).resolves.toBe(false);
  await writer.settled();
  expect(commit).not.toHaveBeenCalled();
  expect(Object.keys(log.counters).some((k) => k.startsWith('event:'))).toBe(true);
});

it('settles false when storage fails, and later writes and tasks still run in order', async () => {
  const store = createMemoryStore();
  const { writer, log, commit, track } = writerOn(store);
  writer.start();
  commit.mockRejectedValueOnce(new Error('disk full'));
  await expect(track('lost')).resolves.toBe(false);
  expect(log.counters['storage:commit-failed']).toBe(1);
  const order: string[] = [];
  const task = writer.exclusive(async () => void order.push('task'));
  const next = track('kept').then((ok) => order.push(`kept:${ok}`));
  await Promise.all([task, next]);
  expect(order).toEqual(['task', 'kept:true']);
  await expect(writer.exclusive(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
  await expect(track('after')).resolves.toBe(true);
});

it('runs a background task once no event waits or is being committed: events accepted before its turn are written first', async () => {
  const { writer, committed, track } = writerOn(createMemoryStore());
  const order: string[] = [];
  committed.mockImplementation((_profile, events: Array<{ name: string }>) => void order.push('commit:' + events.map((e) => e.name).join('+')));
  // Held until start: the task waits for them too.
  const early = track('early');
  const task = writer.background(async () => (order.push('task'), 42));
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(order).toEqual([]);
  writer.start();
  await Promise.resolve();
  // Accepted while the early commit runs and the task waits: it goes ahead of the task.
  const late = track('late');
  await expect(task).resolves.toBe(42);
  await Promise.all([early, late]);
  expect(order).toEqual(['commit:early', 'commit:late', 'task']);
});

it('a background task asked for while a commit runs waits for it and for every event accepted meanwhile', async () => {
  const { writer, committed, track } = writerOn(createMemoryStore());
  const order: string[] = [];
  committed.mockImplementation((_profile, events: Array<{ name: string }>) => void order.push('commit:' + events.map((e) => e.name).join('+')));
  writer.start();
  const a = track('a');
  await Promise.resolve();
  // The commit of `a` runs; nothing is pending any more.
  const task = writer.background(async () => void order.push('task'));
  const b = track('b');
  await Promise.all([a, b, task]);
  expect(order).toEqual(['commit:a', 'commit:b', 'task']);
});

it('a background task whose turn comes after an event was accepted lets the event go first', async () => {
  const { writer, committed, track } = writerOn(createMemoryStore());
  const order: string[] = [];
  committed.mockImplementation((_profile, events: Array<{ name: string }>) => void order.push('commit:' + events.map((e) => e.name).join('+')));
  writer.start();
  // A restore (or a consent change) holds the chain; the task takes its place behind it while nothing waits.
  let release = (): void => undefined;
  const restore = writer.exclusive(() => new Promise<void>((resolve) => (release = () => (order.push('restore'), resolve()))));
  const task = writer.background(async () => void order.push('task'));
  await new Promise((resolve) => setTimeout(resolve, 0));
  const event = track('event');
  await new Promise((resolve) => setTimeout(resolve, 0));
  release();
  await Promise.all([restore, task, event]);
  expect(order).toEqual(['restore', 'commit:event', 'task']);
});

it('an event accepted while a background task runs is written right after it, and a failed task does not stop the chain', async () => {
  const { writer, committed, track } = writerOn(createMemoryStore());
  const order: string[] = [];
  committed.mockImplementation((_profile, events: Array<{ name: string }>) => void order.push('commit:' + events.map((e) => e.name).join('+')));
  writer.start();
  let release = (): void => undefined;
  const task = writer.background(() => new Promise<void>((resolve) => (release = () => (order.push('task'), resolve()))));
  await new Promise((resolve) => setTimeout(resolve, 0));
  const during = track('during');
  release();
  await Promise.all([task, during]);
  expect(order).toEqual(['task', 'commit:during']);
  await expect(writer.background(() => Promise.reject(new Error('quota')))).rejects.toThrow('quota');
  await expect(track('after')).resolves.toBe(true);
  await expect(writer.background(async () => 'still runs')).resolves.toBe('still runs');
});
