/**
 * How decisions and outcomes are kept in both stores' rows, and the scan
 * cursor: the record's JSON text beside the columns the keys and the scan
 * order need, so reading a page is one index range plus one lookup per
 * decision's outcomes.
 */
import type { DecisionRecord, OutcomeRecord } from '../../src/core/decision-record.js';
import type { DecisionScan, LoggedDecision } from './decision-log-store.js';

/** Most rows one `scanDecisions` page returns, whatever `limit` asks. */
export const MAX_SCAN_PAGE = 10_000;

/** A scan position: the last row of a page, in the scan order. */
export interface ScanPosition {
  receivedAt: number;
  device: string;
  id: string;
}

/** The cursor text of a position (opaque to callers: base64url JSON). */
export function encodeCursor(position: ScanPosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.device, position.id])).toString('base64url');
}

/** The position in a cursor made by {@link encodeCursor}; throws on anything else. */
export function decodeCursor(cursor: string): ScanPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Error('invalid decision scan cursor');
  }
  if (!Array.isArray(value) || value.length !== 3 || !Number.isFinite(value[0]) || typeof value[1] !== 'string' || typeof value[2] !== 'string') {
    throw new Error('invalid decision scan cursor');
  }
  return { receivedAt: value[0] as number, device: value[1], id: value[2] };
}

/** The page size a scan asks for, bounded to 1…{@link MAX_SCAN_PAGE}. */
export function pageSize(scan: DecisionScan): number {
  return Math.max(1, Math.min(MAX_SCAN_PAGE, Math.floor(scan.limit) || 1));
}

/** A window bound as a whole number of ms (receipt times are whole ms): rounded up, infinities clamped. */
export function timeBound(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Number.isFinite(ms) ? Math.ceil(ms) : ms > 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/**
 * The start of a scan: rows strictly after this position (and received at `since` or later).
 * Without a cursor, `(since, '', '')`: before every row received at `since`, since no device id is empty.
 */
export function scanStart(scan: DecisionScan): ScanPosition {
  const first = { receivedAt: timeBound(scan.since), device: '', id: '' };
  if (scan.after === undefined) return first;
  const after = decodeCursor(scan.after);
  // A cursor before `since` (a caller that changed its window) still starts at `since`.
  return after.receivedAt < first.receivedAt ? first : after;
}

/** A decision row as both stores return it. */
export interface DecisionRow {
  device: string;
  receivedAt: number;
  record: string;
}

/** Builds a scanned decision from its row and its outcomes (ordered here by time, then id). */
export function loggedDecision(row: DecisionRow, outcomes: OutcomeRecord[]): LoggedDecision {
  const record = JSON.parse(row.record) as DecisionRecord;
  outcomes.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...record, device: row.device, receivedAt: row.receivedAt, outcomes };
}

/** The JSON kept for a decision: the protocol's fields only, in a fixed order. */
export function decisionText(d: DecisionRecord): string {
  const record: DecisionRecord = { id: d.id, t: d.t, slot: d.slot, model: d.model, group: d.group, variant: d.variant, candidates: [...d.candidates], p: d.p, pm: d.pm, f: d.f, cf: d.cf };
  if (d.pe !== undefined) record.pe = d.pe;
  return JSON.stringify(record);
}

/** The JSON kept for an outcome: the protocol's fields only. */
export function outcomeText(o: OutcomeRecord): string {
  const record: OutcomeRecord = { id: o.id, d: o.d, k: o.k, t: o.t };
  if (o.v !== undefined) record.v = o.v;
  return JSON.stringify(record);
}
