/**
 * Tabs of one site share one database; a BroadcastChannel per database tells
 * the other tabs that the stored state changed so they reload their profile.
 * One channel object per page, so a tab never hears its own messages.
 */

const channels = new Map<string, BroadcastChannel | undefined>();

/** The page's channel for database `name`, or `undefined` where BroadcastChannel is missing. */
export function tabChannel(name: string): BroadcastChannel | undefined {
  if (!channels.has(name)) channels.set(name, typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('onetoone:' + name));
  return channels.get(name);
}
