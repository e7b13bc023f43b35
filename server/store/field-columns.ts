/**
 * How a profile field is stored so the database itself can run `core/field`'s
 * join: each field becomes sortable columns (kind rank, number, time, register
 * bytes) plus its JSON for reading back, and {@link incomingWinsSql} spells
 * `compareFields(existing, incoming) < 0` in SQL over those columns.
 */
import type { Field } from '../../src/core/field.js';

/** One field as stored: the columns the join compares, plus its JSON. */
export interface FieldColumns {
  /** Kind rank, as `compareFields` orders kinds: counter 0, min 1, decayed 2, register 3. */
  kr: number;
  /** The numeric value of a counter, min or decayed field; null for a register. */
  v: number | null;
  /** The time of a decayed field or register; null otherwise. */
  t: number | null;
  /**
   * A register's value as `JSON.stringify` would print it, in UTF-16 big-endian code units:
   * comparing these bytes (memcmp in SQLite and PostgreSQL alike) is exactly JavaScript's
   * string order, which `compareFields` uses. Null for other kinds.
   */
  r: Buffer | null;
  /** The field's JSON, as returned to readers. */
  f: string;
  /** What the field counts against the device's byte bound: UTF-8 bytes of its key plus its JSON. */
  bytes: number;
}

const KIND_RANK: Record<Field['k'], number> = { c: 0, m: 1, d: 2, r: 3 };

/** JavaScript string order as bytes: UTF-16 code units, big-endian. */
export function utf16Order(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** The stored columns of `field` under `key`. */
export function fieldColumns(key: string, field: Field): FieldColumns {
  const f = JSON.stringify(field);
  const bytes = Buffer.byteLength(key) + Buffer.byteLength(f);
  switch (field.k) {
    case 'c':
    case 'm':
      return { kr: KIND_RANK[field.k], v: field.v, t: null, r: null, f, bytes };
    case 'd':
      return { kr: 2, v: field.v, t: field.t, r: null, f, bytes };
    case 'r':
      return { kr: 3, v: null, t: field.t, r: utf16Order(JSON.stringify(field.v)), f, bytes };
  }
}

/** Bytes a field counts against the device's byte bound (see {@link FieldColumns.bytes}). */
export function fieldBytes(key: string, field: Field): number {
  return Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(field));
}

/**
 * SQL that is true when the row named `incoming` is strictly greater than the row named `existing`
 * in `compareFields`' order (the join keeps the existing field on a tie, as `joinFields` does):
 * kinds by rank; counters by larger v; mins by smaller v; decayed by later t, then larger v;
 * registers by later t, then larger JSON. Only column names are interpolated, never values.
 */
export function incomingWinsSql(incoming: string, existing: string): string {
  const i = (column: string): string => `${incoming}.${column}`;
  const e = (column: string): string => `${existing}.${column}`;
  return `(CASE WHEN ${i('kr')} <> ${e('kr')} THEN ${i('kr')} > ${e('kr')}` +
    ` WHEN ${i('kr')} = 0 THEN ${i('v')} > ${e('v')}` +
    ` WHEN ${i('kr')} = 1 THEN ${i('v')} < ${e('v')}` +
    ` WHEN ${i('kr')} = 2 THEN (${i('t')} > ${e('t')} OR (${i('t')} = ${e('t')} AND ${i('v')} > ${e('v')}))` +
    ` ELSE (${i('t')} > ${e('t')} OR (${i('t')} = ${e('t')} AND ${i('r')} > ${e('r')})) END)`;
}

/** The stored columns the join replaces when the incoming field wins. */
export const FIELD_VALUE_COLUMNS = ['kr', 'v', 't', 'r', 'f', 'bytes'] as const;
