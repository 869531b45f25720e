/** Canonical JSON (keys sorted at every level) and SHA-256, for data hashes that survive jsonb round trips. */
import crypto from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** What a walk over a hash chain found (case audit trails, the security log). */
export interface ChainWalk {
  ok: boolean;
  count: number;
  /** Hash of the last record: a value to note down (or sign) to detect truncation later. */
  head: string | null;
  firstBroken?: { seq: number; reason: string };
}

/**
 * Walk a hash chain's rows in `seq` order: positions 1..n without a gap, each row's prevHash the
 * previous row's hash, each hash that of the row's content (`hashOf`). Stops at the first break.
 */
export function walkChain<R extends { seq: number; prevHash: string | null; hash: string | null }>(rows: R[], hashOf: (row: R) => string): ChainWalk {
  let prev: string | null = null;
  let expected = 1;
  for (const r of rows) {
    const broken = (reason: string, seq = r.seq): ChainWalk => ({ ok: false, count: rows.length, head: rows[rows.length - 1]?.hash ?? null, firstBroken: { seq, reason } });
    if (r.seq !== expected) return broken(r.seq > expected ? `record ${expected} is missing (deleted)` : `seq ${r.seq} out of order (expected ${expected})`, expected);
    if (!r.hash) return broken('not sealed (written before the audit chain existed)');
    if ((r.prevHash ?? null) !== prev) return broken('prevHash does not match the previous record');
    if (hashOf(r) !== r.hash) return broken('content does not match its hash (the record was altered)');
    prev = r.hash;
    expected++;
  }
  return { ok: true, count: rows.length, head: prev };
}
