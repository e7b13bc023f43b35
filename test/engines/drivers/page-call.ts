/**
 * Serializing a page function call for drivers that take script text
 * (puppeteer-core's string evaluate, selenium's executeAsyncScript).
 */
import type { PageFunction } from './types.js';

/** `fn(...args)` as one JavaScript expression; args must be JSON-serializable. */
export function callExpression<A extends unknown[], R>(fn: PageFunction<A, R>, args: A): string {
  return `(${fn.toString()})(...${JSON.stringify(args)})`;
}

/** Polls `check` until it returns a truthy value; the error names `what` and the last value seen. */
export async function poll<R>(what: string, timeoutMs: number, check: () => Promise<R>, intervalMs = 50): Promise<NonNullable<R>> {
  const deadline = Date.now() + timeoutMs;
  let last: R | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<R>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last value: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
