/**
 * URLs from offer content: only http(s) (absolute or a path on this site);
 * `javascript:`, `data:` and everything else is dropped.
 */

/** The absolute http(s) URL for `value`, or `undefined`. */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value, location.href);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
