/**
 * Sending the queue: one batch at a time through a {@link Transport}, from a
 * persisted outbox so a retried batch keeps its id (the backend dedupes it),
 * with backoff on failures, under a cross-tab lock, and with keepalive
 * requests kept under the browser's 64 KiB in-flight limit when the page is
 * going away. Deltas leave the queue only after the backend accepted them.
 */
import type { ResolvedConfig } from '../config.js';
import type { DebugLog } from '../debug/log.js';
import type { Store } from '../store/store.js';
import type { Proof } from './register.js';
import { type Batch, byteLength, splitIntoBatches } from './batch.js';
import { retryDelay, verdictFor } from './backoff.js';
import { withSendLock } from './lock.js';
import type { Transport, TransportResult } from './transport.js';

/** Most bytes of keepalive bodies sent at once when the page is hidden (browsers allow 64 KiB in flight). */
export const KEEPALIVE_BUDGET = 60_000;
/** Store key of the batches cut from the queue and not yet accepted. */
export const OUTBOX = 'outbox';

/** Sends the queue to the backend. */
export interface Sender {
  /** Sends now; `keepalive` lets requests outlive the page (sends what fits in {@link KEEPALIVE_BUDGET}). */
  flush(keepalive?: boolean): Promise<void>;
  /** Asks for a send after the flush interval (no-op while a retry is already waiting). */
  schedule(): void;
  /** Stops sending (consent withdrawn, or erased). */
  stop(): void;
}

/**
 * Creates the {@link Sender} of `store` through `transport`: batches carry
 * `config.writeKey`, a send waits `config.flushIntervalMs` after a new delta,
 * and the cross-tab lock is named after `config.databaseName`. `prove`
 * answers the device key to send (registering the device first where the
 * protocol asks for it), a result to retry after, or `undefined` when the
 * backend refused the device; without it, requests carry no key.
 */
export function createSender(
  config: Pick<ResolvedConfig, 'writeKey' | 'flushIntervalMs' | 'databaseName'>,
  store: Store,
  log: DebugLog,
  transport: Transport,
  prove?: () => Promise<Proof>,
): Sender {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let attempt = 0;
  let stopped = false;

  const arm = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void sender.flush(), ms);
  };

  /** The outbox, cut from the queue when empty. */
  async function outbox(): Promise<Batch[]> {
    const box = await store.update<Batch[]>(OUTBOX, (b) => b);
    if (box?.length) return box;
    const queue = await store.readQueue();
    if (!queue.length) return [];
    const cut = splitIntoBatches(queue, await store.deviceId(), config.writeKey);
    await store.update(OUTBOX, () => cut);
    return cut;
  }

  /** Sends one batch; resolves with the answer when it must be retried. */
  async function deliver(batch: Batch, keepalive: boolean, deviceKey: string | undefined): Promise<TransportResult | undefined> {
    let result: TransportResult;
    try {
      result = await transport({ kind: 'batch', batch: { ...batch, sentAt: Date.now() }, keepalive, deviceKey });
    } catch {
      result = { status: 0 };
    }
    const verdict = verdictFor(result.status);
    if (verdict === 'retry') return result;
    if (result.status === 401 && prove) {
      // The key is refused: keep the queue (nothing stored is lost) and stop for this page instead of retrying.
      log.count('sync:credential-refused', 401);
      return void sender.stop();
    }
    if (verdict === 'drop') log.count('sync:dropped-batch', result.status);
    await store.acknowledge(batch.deltas);
    await store.update<Batch[]>(OUTBOX, (b) => b?.filter((x) => x.id !== batch.id));
    log.info(`sync: ${batch.id} ${verdict} (${batch.deltas.length} deltas)`);
  }

  /** Waits out the backoff (and any `Retry-After`) before the next attempt. */
  function retryAfter(failed: TransportResult[]): void {
    log.count('sync:retry', failed[0]!.status);
    arm(retryDelay(++attempt, Math.max(...failed.map((r) => r.retryAfterMs ?? 0)), Math.random()));
  }

  async function drain(keepalive: boolean): Promise<void> {
    // The device is registered before its first batch is cut, so no batch is ever sealed with an id it gives up.
    const key = await prove?.();
    if (prove && typeof key !== 'string') return key ? retryAfter([key]) : sender.stop();
    while (!stopped) {
      const box = await outbox();
      if (!box.length) return;
      let spent = 0;
      const parts = keepalive ? box.filter((b) => (spent += byteLength(JSON.stringify(b)) + 300) <= KEEPALIVE_BUDGET) : box.slice(0, 1);
      const failed = (await Promise.all(parts.map((b) => deliver(b, keepalive, key as string | undefined)))).filter((r) => r) as TransportResult[];
      if (failed.length) return retryAfter(failed);
      attempt = 0;
      if (keepalive) return;
    }
  }

  const sender: Sender = {
    async flush(keepalive = false) {
      if (stopped) return;
      clearTimeout(timer);
      timer = undefined;
      return (inFlight ??= withSendLock('o2o-sync-' + config.databaseName, () => drain(keepalive))
        // Another tab holds the lock and is sending the shared queue; look again later in case it finished first.
        .then((held) => void (held || arm(config.flushIntervalMs)))
        .catch((error: unknown) => log.count('sync:failed', error))
        .finally(() => (inFlight = undefined)));
    },
    schedule() {
      if (timer === undefined && !stopped) arm(config.flushIntervalMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      removeEventListener('online', online);
    },
  };
  const online = (): void => {
    attempt = 0;
    void sender.flush();
  };
  addEventListener('online', online);
  return sender;
}
