/**
 * The batch: the unit the client pushes and the collector accepts.
 * Its shape is the OneToOne JSON protocol (docs/protocol.md).
 */
import type { Delta } from '../core/merge.js';

/** A batch of deltas from one device. */
export interface Batch {
  /** Unique batch id; a retried batch keeps its id. */
  id: string;
  /** Device id the deltas belong to. */
  device: string;
  /** Client clock when sent (epoch ms), for skew correction. */
  sentAt: number;
  /** Site key, if configured. */
  writeKey?: string;
  /** Compacted deltas, at most one per key. */
  deltas: Delta[];
}
