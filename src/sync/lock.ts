/**
 * One sender across tabs: the send runs under a Web Lock, so two tabs of one
 * site never send the same queue at the same time. Where Web Locks are
 * missing, a short lease in localStorage stands in (a lost race there costs
 * a duplicate request, which the batch id makes harmless).
 */

/** How long a localStorage lease lasts, ms; renewed by each send. */
const LEASE_MS = 10_000;

/**
 * Runs `task` if this tab can hold the lock `name` now.
 * @returns false when another tab holds it (that tab is sending).
 */
export async function withSendLock(name: string, task: () => Promise<void>): Promise<boolean> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks) {
    return locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (!lock) return false;
        await task();
        return true;
      })
      .catch((error: unknown) => {
        // WebKit aborts the request of a page entering the back/forward cache: not sent now, sent when restored.
        if ((error as Error | undefined)?.name === 'AbortError') return false;
        throw error;
      });
  }
  const me = Math.random().toString(36);
  const now = Date.now();
  let lease: string[] = [];
  try {
    lease = (localStorage.getItem(name) ?? '').split(' ');
    if (lease[0] && Number(lease[1]) > now) return false;
    localStorage.setItem(name, me + ' ' + (now + LEASE_MS));
  } catch {
    // No storage at all: this tab is the only coordinator it can know of.
  }
  try {
    await task();
  } finally {
    try {
      if (localStorage.getItem(name)?.startsWith(me)) localStorage.removeItem(name);
    } catch {
      // Nothing to release.
    }
  }
  return true;
}
