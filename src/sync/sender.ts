/**
 * Sending queued deltas to the backend: one batch at a time, acknowledged
 * deltas removed from the queue only after a 2xx answer.
 */
import type { DebugLog } from '../debug/log.js';
import type { Store } from '../store/store.js';
import { randomId } from '../store/store.js';
import type { Batch } from './batch.js';

/** What the sender needs from its surroundings. */
export interface SenderOptions {
  endpoint: string;
  writeKey?: string;
  store: Store;
  log: DebugLog;
  /** Delay between a new delta and the send attempt, ms. */
  flushIntervalMs: number;
}

/** Sends the queue to the collector. */
export interface Sender {
  /** Sends now; `keepalive` lets the request outlive the page. */
  flush(keepalive?: boolean): Promise<void>;
  /** Asks for a send after the flush interval. */
  schedule(): void;
}

/** Creates a {@link Sender}. */
export function createSender(options: SenderOptions): Sender {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;

  async function send(keepalive: boolean): Promise<void> {
    const deltas = await options.store.readQueue();
    if (!deltas.length) return;
    const batch: Batch = { id: randomId(), device: await options.store.deviceId(), sentAt: Date.now(), deltas };
    if (options.writeKey) batch.writeKey = options.writeKey;
    const response = await fetch(options.endpoint + '/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
      keepalive,
      credentials: 'omit',
    });
    if (!response.ok) throw new Error(`collector answered ${response.status}`);
    await options.store.acknowledge(deltas);
    options.log.info(`sync: sent ${deltas.length} deltas`);
  }

  const sender: Sender = {
    flush(keepalive = false) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      inFlight ??= send(keepalive)
        .catch((error: unknown) => options.log.count('sync:failed', error))
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
    schedule() {
      if (timer === undefined) timer = setTimeout(() => void sender.flush(), options.flushIntervalMs);
    },
  };
  return sender;
}
