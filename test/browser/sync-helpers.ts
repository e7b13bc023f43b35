/**
 * Helpers shared by the sync browser tests: open the sync test page with
 * options, drive the `OneToOne` global, and read the profile and queue
 * straight from IndexedDB.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Field } from '../../src/core/field.js';
import type { Delta } from '../../src/core/merge.js';
import { readIndexedDb, waitFor } from './harness.js';

interface Global {
  OneToOne: {
    ready: Promise<void>;
    track(name: string, props?: Record<string, unknown>): Promise<boolean>;
    identify(user: string, traits?: Record<string, unknown>, options?: { signature?: string }): Promise<boolean>;
    flush(): Promise<void>;
    forget(): Promise<void>;
    setConsent(state: string): Promise<void>;
    storageMode: string;
    consent: string;
    counters: Record<string, number>;
  };
}

/** Opens the sync test page with `data-*` options and waits for the client. */
export async function openSyncPage(context: BrowserContext, base: string, options: Record<string, string> = {}): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/test-pages/sync-page.html?${new URLSearchParams({ 'flush-interval-ms': '100', ...options })}`);
  await page.waitForFunction(() => 'OneToOne' in window);
  await page.evaluate(() => (window as unknown as Global).OneToOne.ready);
  return page;
}

/** Tracks `count` events named `name`, awaiting each until durable. */
export function trackMany(page: Page, name: string, count: number): Promise<boolean[]> {
  return page.evaluate(
    ([n, c]) => Promise.all(Array.from({ length: c as number }, () => (window as unknown as Global).OneToOne.track(n as string))),
    [name, count] as const,
  );
}

/** Calls a client method by name in the page. */
export function call(page: Page, method: 'flush' | 'forget', ...args: unknown[]): Promise<unknown> {
  return page.evaluate(([m, a]) => ((window as unknown as Global).OneToOne as unknown as Record<string, (...x: unknown[]) => unknown>)[m as string]?.(...(a as unknown[])), [method, args] as const);
}

/** Reads a client property in the page. */
export function read<K extends keyof Global['OneToOne']>(page: Page, key: K): Promise<Global['OneToOne'][K]> {
  return page.evaluate((k) => (window as unknown as Record<string, Record<string, unknown>>).OneToOne?.[k], key as string) as Promise<Global['OneToOne'][K]>;
}

/** What the SDK keeps in IndexedDB, by key. */
export interface Stored {
  device?: string;
  /** The device's key record (protocol v2, `sync/credential.ts`), once the second stage made one. */
  credential?: { device: string; key: string; registered?: boolean };
  fields: Record<string, Field>;
  queue: Delta[];
  outbox: Array<{ id: string; deltas: Delta[] }>;
  entries: number;
}

/** Reads the SDK's IndexedDB state. */
export async function readStored(page: Page): Promise<Stored> {
  const entries = await readIndexedDb(page);
  const byKey = new Map(entries.map(([k, v]) => [JSON.stringify(k), v]));
  const profile = byKey.get('"profile"') as { own: { fields: Record<string, Field> } } | undefined;
  return {
    device: byKey.get('"device"') as string | undefined,
    credential: byKey.get('"credential"') as Stored['credential'],
    fields: profile?.own.fields ?? {},
    queue: (byKey.get('"queue"') as Delta[] | undefined) ?? [],
    outbox: (byKey.get('"outbox"') as Stored['outbox'] | undefined) ?? [],
    entries: entries.length,
  };
}

/** Waits until the queue and the outbox are empty in IndexedDB (everything acknowledged). */
export function waitDrained(page: Page, timeoutMs = 15_000): Promise<Stored> {
  return waitFor(async () => {
    const stored = await readStored(page);
    return stored.queue.length === 0 && stored.outbox.length === 0 && stored.device ? stored : undefined;
  }, timeoutMs, 'an empty sync queue');
}
