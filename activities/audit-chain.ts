/**
 * The case audit trail (审计追踪): `case_event` rows form one hash chain per case.
 * Each row carries its position `seq` (1..n), the previous row's hash and its own
 * hash = sha256(canonical JSON of {caseId, seq, kind, actor, at, data, before, after, prevHash}).
 * The database refuses UPDATE / DELETE (trigger, migration 20261123100000_audit_trail), so
 * a changed row can only come from someone bypassing it — and `verifyCaseChain` finds it.
 *
 * Concurrent writers (API intake, several workers) always extend one chain: appends inside a
 * transaction take a per-case advisory lock; standalone appends are optimistic (unique
 * case + seq, retried on the new head). The event key keeps retries idempotent.
 */
import { randomUUID } from 'node:crypto';
import { Prisma, execute, isUniqueViolation, query, type Db } from '../prisma/client';
import { canonicalJson, sha256, walkChain, type ChainWalk } from './hash';

type Tx = Prisma.TransactionClient;

export interface AuditEventInput {
  caseId: string;
  /** Idempotency key: an event with the same key is written once. */
  key: string;
  kind: string;
  actorId: string;
  data: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
  /** Defaults to now. */
  at?: Date;
}

export interface ChainFields {
  caseId: string;
  seq: number;
  kind: string;
  actor: string;
  at: Date | string;
  data: unknown;
  before: unknown;
  after: unknown;
  prevHash: string | null;
}

export interface AppendResult {
  created: boolean;
  seq: number;
  hash: string;
}

/** The hash of one audit record. */
export function eventHash(f: ChainFields): string {
  return sha256(
    canonicalJson({
      caseId: f.caseId,
      seq: f.seq,
      kind: f.kind,
      actor: f.actor,
      at: new Date(f.at).toISOString(),
      data: f.data ?? {},
      before: f.before ?? null,
      after: f.after ?? null,
      prevHash: f.prevHash ?? null,
    }),
  );
}

/** What jsonb gives back: plain JSON (Dates as ISO strings, undefined dropped). */
const asJson = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

const lockCase = (tx: Tx, caseId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'case_event:' + caseId}))`;

/**
 * The first record of a new case's chain (seq 1, no predecessor), for a writer that inserts
 * it together with the case in one statement (intake): the data as jsonb will return it and its hash.
 */
export function firstChainRecord(e: { caseId: string; kind: string; actorId: string; at: Date; data: Record<string, unknown> }): { data: Record<string, unknown>; hash: string } {
  const data = (asJson(e.data) ?? {}) as Record<string, unknown>;
  return { data, hash: eventHash({ caseId: e.caseId, seq: 1, kind: e.kind, actor: e.actorId, at: e.at, data, before: null, after: null, prevHash: null }) };
}

/** Append inside an open transaction (the caller's). */
export async function appendEventInTx(tx: Tx, e: AuditEventInput): Promise<AppendResult> {
  await lockCase(tx, e.caseId);
  const existing = await tx.caseEvent.findUnique({ where: { eventKey: e.key }, select: { seq: true, hash: true } });
  if (existing) return { created: false, seq: existing.seq, hash: existing.hash ?? '' };
  const last = await tx.caseEvent.findFirst({ where: { caseId: e.caseId }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  const prevHash = last ? (last.hash ?? (await sealCaseInTx(tx, e.caseId))) : null;
  const seq = (last?.seq ?? 0) + 1;
  const at = e.at ?? new Date();
  const data = (asJson(e.data) ?? {}) as Record<string, unknown>;
  const before = asJson(e.before) ?? null;
  const after = asJson(e.after) ?? null;
  const hash = eventHash({ caseId: e.caseId, seq, kind: e.kind, actor: e.actorId, at, data, before, after, prevHash });
  await tx.caseEvent.create({
    data: {
      caseId: e.caseId,
      eventKey: e.key,
      kind: e.kind,
      actor: e.actorId,
      at,
      data: data as Prisma.InputJsonValue,
      before: before === null ? undefined : (before as Prisma.InputJsonValue),
      after: after === null ? undefined : (after as Prisma.InputJsonValue),
      seq,
      prevHash,
      hash,
    },
  });
  return { created: true, seq, hash };
}

/**
 * Append one audit record. Inside a transaction (a transaction client) it takes the case's
 * lock and joins it. With the Prisma client it appends optimistically, holding no lock
 * between round trips (on the embedded PGlite an open transaction holds the whole
 * database): read the chain's head, insert the next record with ON CONFLICT DO NOTHING;
 * the unique (case, seq) makes a concurrent writer's record win and this one retry on the
 * new head, the unique event key makes a retry of the same event a no-op.
 */
export async function appendEvent(db: Db | Tx, e: AuditEventInput): Promise<AppendResult> {
  if (!('$transaction' in db && typeof db.$transaction === 'function')) return appendEventInTx(db as Tx, e);
  const client = db as Db;
  for (let attempt = 0; attempt < 50; attempt++) {
    const last = await chainHead(client, e.caseId);
    // Rows from before the chain existed are sealed first, under the lock.
    if (last && !last.hash) return client.$transaction((tx) => appendEventInTx(tx, e), { maxWait: 15_000, timeout: 15_000 });
    const seq = (last?.seq ?? 0) + 1;
    const { values, hash } = chainRow(e, seq, last?.hash ?? null);
    // One statement (Prisma's createMany would wrap it in BEGIN … COMMIT round trips).
    const count = await execute(client, Prisma.sql`${INSERT_EVENTS} ${values} ON CONFLICT DO NOTHING`);
    if (count === 1) return { created: true, seq, hash };
    const existing = await client.caseEvent.findUnique({ where: { eventKey: e.key }, select: { seq: true, hash: true } });
    if (existing) return { created: false, seq: existing.seq, hash: existing.hash ?? '' };
    // Another record took this position: go again on the new head.
  }
  throw new Error(`Could not append ${e.kind} to the audit trail of case ${e.caseId}: the chain kept moving`);
}

/** The head of a case's chain (its last record), straight through the driver: every step waits for it. */
async function chainHead(db: Db, caseId: string): Promise<{ seq: number; hash: string | null } | undefined> {
  const [head] = await query<{ seq: number; hash: string | null }>(db, Prisma.sql`
    SELECT seq, hash FROM case_event WHERE case_id = ${caseId}::uuid ORDER BY seq DESC LIMIT 1`);
  return head;
}

const INSERT_EVENTS = Prisma.sql`INSERT INTO case_event (id, case_id, event_key, kind, actor, data, at, seq, prev_hash, hash, before, after) VALUES`;

/** One record at position `seq` after `prevHash`: its VALUES tuple (for INSERT_EVENTS) and its hash. */
function chainRow(e: AuditEventInput, seq: number, prevHash: string | null): { values: Prisma.Sql; hash: string } {
  const data = (asJson(e.data) ?? {}) as Record<string, unknown>;
  const before = asJson(e.before) ?? null;
  const after = asJson(e.after) ?? null;
  const at = e.at ?? new Date();
  const hash = eventHash({ caseId: e.caseId, seq, kind: e.kind, actor: e.actorId, at, data, before, after, prevHash });
  const values = Prisma.sql`(${randomUUID()}::uuid, ${e.caseId}::uuid, ${e.key}, ${e.kind}, ${e.actorId}, ${JSON.stringify(data)}::jsonb, ${at.toISOString()}::timestamptz,
    ${seq}, ${prevHash}, ${hash}, ${before === null ? null : JSON.stringify(before)}::jsonb, ${after === null ? null : JSON.stringify(after)}::jsonb)`;
  return { values, hash };
}

/** One idempotent statement of a case's writes, and the row it changes (`target`). */
export interface CaseStatement {
  target: string;
  sql: Prisma.Sql;
}

/** Row changes and audit records of one case, written together by `writeCase`. */
export interface CaseWrites {
  caseId: string;
  statements: CaseStatement[];
  events: AuditEventInput[];
}

/**
 * Write a case's statements and audit records in two round trips: read the chain's head, then
 * one statement that runs the row changes (as data-modifying WITH queries) and inserts every
 * record. That statement is atomic: when a record's key or position is already taken (a retried
 * write, another writer on the same case) none of it is applied, and the changes and records go
 * one at a time through the idempotent path (`appendEvent`). Two changes of the same row never
 * share a statement (PostgreSQL would apply only one of them): they run in order, one after the other.
 */
export async function writeCase(db: Db, w: CaseWrites): Promise<void> {
  const groups: CaseStatement[][] = [[]];
  for (const st of w.statements) {
    if (groups[groups.length - 1].some((g) => g.target === st.target)) groups.push([]);
    groups[groups.length - 1].push(st);
  }
  const last = groups.pop()!;
  for (const g of groups) await execute(db, withStatements(g, Prisma.sql`SELECT 1`));
  if (!w.events.length) {
    if (last.length) await execute(db, withStatements(last, Prisma.sql`SELECT 1`));
    return;
  }
  const head = await chainHead(db, w.caseId);
  if (!head || head.hash) {
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? null;
    const rows = w.events.map((e) => {
      const row = chainRow(e, ++seq, prevHash);
      prevHash = row.hash;
      return row.values;
    });
    const insert = Prisma.sql`${INSERT_EVENTS} ${Prisma.join(rows)}`;
    try {
      await execute(db, last.length ? withStatements(last, insert) : insert);
      return;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Taken: a retry of records already written, or another writer moved the head.
    }
  }
  for (const st of last) await execute(db, st.sql);
  for (const e of w.events) await appendEvent(db, e);
}

const withStatements = (statements: CaseStatement[], main: Prisma.Sql): Prisma.Sql =>
  statements.length ? Prisma.sql`WITH ${Prisma.join(statements.map((st, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${st.sql})`))} ${main}` : main;

/**
 * Seal rows written before the chain existed (hash NULL; the migration numbered them):
 * compute their hashes in order. The trigger allows exactly this update. Returns the
 * last hash of the case's chain.
 */
async function sealCaseInTx(tx: Tx, caseId: string): Promise<string | null> {
  const rows = await tx.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  let prev: string | null = null;
  for (const r of rows) {
    if (r.hash) {
      prev = r.hash;
      continue;
    }
    const hash = eventHash({ ...r, prevHash: prev });
    await tx.caseEvent.update({ where: { id: r.id }, data: { hash, prevHash: prev } });
    prev = hash;
  }
  return prev;
}

/** Seal every case that still has rows from before the chain existed. Returns how many cases. */
export async function sealLegacyEvents(db: Db): Promise<number> {
  const cases = await db.caseEvent.findMany({ where: { hash: null }, distinct: ['caseId'], select: { caseId: true } });
  for (const { caseId } of cases) {
    await db.$transaction(async (tx) => {
      await lockCase(tx, caseId);
      await sealCaseInTx(tx, caseId);
    });
  }
  return cases.length;
}

export interface ChainReport extends ChainWalk {
  caseId: string;
}

/** Recompute one case's chain from the stored rows. */
export async function verifyCaseChain(db: Db, caseId: string): Promise<ChainReport> {
  const rows = await db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  return { caseId, ...walkChain(rows, (r) => eventHash({ ...r, prevHash: r.prevHash ?? null })) };
}

export interface AllChainsReport {
  ok: boolean;
  cases: number;
  events: number;
  broken: (ChainReport & { caseNo: string })[];
}

/** Verify every case's chain. */
export async function verifyAllChains(db: Db): Promise<AllChainsReport> {
  const cases = await db.complaintCase.findMany({ select: { id: true, caseNo: true }, orderBy: [{ year: 'asc' }, { seq: 'asc' }] });
  const report: AllChainsReport = { ok: true, cases: cases.length, events: 0, broken: [] };
  for (const c of cases) {
    const r = await verifyCaseChain(db, c.id);
    report.events += r.count;
    if (!r.ok) {
      report.ok = false;
      report.broken.push({ ...r, caseNo: c.caseNo });
    }
  }
  return report;
}
