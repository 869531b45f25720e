/**
 * Account and administration audit records (table security_event): sign-ins, failed
 * sign-ins, sign-outs, role / department / active changes of people, accounts issued,
 * API tokens created and revoked, deadline policy versions. Case events stay in the
 * per-case chain (activities/audit-chain.ts); these are one chain of their own: each row
 * carries its position `seq`, the previous row's hash and its own hash. The table is
 * append-only in the database (trigger, migration 20261123120000_attachments).
 */
import { canonicalJson, sha256, walkChain, type ChainWalk } from '../activities/hash';
import type { Db, Prisma } from '../prisma/client';

export type SecurityEventKind =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'password_changed'
  | 'person_created'
  | 'person_changed'
  | 'account_issued'
  | 'api_token_created'
  | 'api_token_revoked'
  | 'policy_version_created';

export interface SecurityEventInput {
  kind: SecurityEventKind;
  /** Who did it (person id); null when unknown (a failed sign-in with an unknown e-mail). */
  actor: string | null;
  /** Whom it concerns (person id). */
  subject?: string | null;
  data?: Record<string, unknown>;
  ip?: string | null;
}

export interface SecurityChainFields {
  seq: number;
  kind: string;
  actor: string | null;
  subject: string | null;
  data: unknown;
  ip: string | null;
  at: Date | string;
  prevHash: string | null;
}

export function securityEventHash(f: SecurityChainFields): string {
  return sha256(
    canonicalJson({
      seq: f.seq,
      kind: f.kind,
      actor: f.actor ?? null,
      subject: f.subject ?? null,
      data: f.data ?? {},
      ip: f.ip ?? null,
      at: new Date(f.at).toISOString(),
      prevHash: f.prevHash ?? null,
    }),
  );
}

/** Append one record (its own transaction, serialised by an advisory lock so the chain has no forks). */
export async function recordSecurityEvent(db: Db, e: SecurityEventInput): Promise<void> {
  const data = JSON.parse(JSON.stringify(e.data ?? {})) as Record<string, unknown>;
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('security_event'))`;
      const last = await tx.securityEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? null;
      const at = new Date();
      const row = { seq, kind: e.kind, actor: e.actor ?? null, subject: e.subject ?? null, data, ip: e.ip ?? null, at, prevHash };
      await tx.securityEvent.create({ data: { ...row, data: data as Prisma.InputJsonValue, hash: securityEventHash(row) } });
    },
    { maxWait: 15_000, timeout: 15_000 },
  );
}

export type SecurityChainReport = ChainWalk;

/** Recompute the chain from the stored rows. */
export async function verifySecurityChain(db: Db): Promise<SecurityChainReport> {
  return walkChain(await db.securityEvent.findMany({ orderBy: { seq: 'asc' } }), securityEventHash);
}
