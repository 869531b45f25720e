/**
 * Store activities: mirror the workflow's state into PostgreSQL so lists and reports
 * never scan Temporal. Every write is idempotent (keyed by case + clock / event key),
 * so a retried activity or a replayed workflow never records anything twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import { Prisma, execute, query, type Db } from '../prisma/client';
import { appendEvent, writeCase, type CaseWrites } from './audit-chain';
import type {
  CaseState,
  CaseStatus,
  CaseStep,
  ClockName,
  ClockOwner,
  ClockPlan,
  ClockState,
  Extension,
  PersonRole,
} from '../workflows/types';
import { compensationApprover, computeClockPlan, parsedPolicy, type CaseAttributes, type PolicyDefinition } from './policy';

export interface PlanClockInput {
  caseId: string;
  clockId: string;
  clock: ClockName;
  round: number;
  owner: ClockOwner;
  startedAt: string;
  dueAt?: string;
}

/** What a clock's plan depends on: the case's attributes and its own policy version. */
export type PlanContext = CaseAttributes & { id: string; policy: PolicyDefinition };

/**
 * Neither changes after intake (a policy change is a new version; a case keeps the one it started
 * with), so each case's context is read once per process (the last 1 000 cases), its policy
 * parsed once per version (`parsedPolicy`).
 */
const planContexts = new Map<string, PlanContext>();

/** Straight through the driver (prisma/client.ts): a step that starts clocks waits for this. */
export async function loadPlanContext(db: Db, caseId: string): Promise<PlanContext | undefined> {
  const cached = planContexts.get(caseId);
  if (cached) return cached;
  const [row] = await query<CaseAttributes & { id: string; policyId: string; definition: unknown }>(db, Prisma.sql`
    SELECT c.id, c.severity, c.origin, c.category, p.id AS "policyId", p.definition
    FROM complaint_case c JOIN deadline_policy p ON p.id = c.policy_id WHERE c.id = ${caseId}::uuid`);
  if (!row) return undefined;
  const context: PlanContext = { id: row.id, severity: row.severity, origin: row.origin, category: row.category, policy: parsedPolicy({ id: row.policyId, definition: row.definition }) };
  if (planContexts.size >= 1000) planContexts.clear();
  planContexts.set(caseId, context);
  return context;
}

/**
 * A clock's plan (due time, reminders, escalations) from the case's own policy version, and
 * the statement that stores its row. Deterministic for (policy version, clock, case, start):
 * intake's first-contact row and a retried write compute the same plan, so an existing row is
 * simply kept.
 */
export function planClockWrite(input: PlanClockInput, c: PlanContext): { writes: CaseWrites; plan: ClockPlan } {
  const startedAt = new Date(input.startedAt);
  const plan = computeClockPlan(c.policy, input.clock, c, startedAt, {
    id: input.clockId,
    round: input.round,
    owner: input.owner,
    dueAt: input.dueAt ? new Date(input.dueAt) : undefined,
  });
  const sql = Prisma.sql`
    INSERT INTO case_clock (id, case_id, clock_id, clock, round, owner_role, owner_department_id, started_at, due_at, original_due, updated_at)
    VALUES (${randomUUID()}::uuid, ${c.id}::uuid, ${input.clockId}, ${input.clock}, ${input.round}, ${input.owner.role}, ${input.owner.departmentId ?? null},
      ${startedAt.toISOString()}::timestamptz, ${plan.dueAt}::timestamptz, ${plan.originalDueAt}::timestamptz, now())
    ON CONFLICT (case_id, clock_id) DO UPDATE SET owner_role = EXCLUDED.owner_role, owner_department_id = EXCLUDED.owner_department_id, updated_at = now()`;
  return { writes: { caseId: c.id, statements: [{ target: `clock:${c.id}:${input.clockId}`, sql }], events: [] }, plan };
}

/** What the workflow mirrors into complaint_case.data for lists, reports and the register. */
export type CaseSnapshot = Pick<CaseState, 'data' | 'countermeasures' | 'compensation' | 'rpr' | 'resolution' | 'duplicateOf' | 'capaRound'>;

export interface StoreDeps {
  db: Db;
}

export function createStoreActivities({ db }: StoreDeps) {
  async function loadCase(caseId: string) {
    const c = await db.complaintCase.findUnique({ where: { id: caseId }, include: { policy: true } });
    if (!c) throw ApplicationFailure.nonRetryable(`Case ${caseId} does not exist`, 'CaseNotFound');
    return c;
  }

  async function loadPolicy(c: Awaited<ReturnType<typeof loadCase>>) {
    return parsedPolicy(c.policy);
  }

  return {
    /**
     * Compute a clock's plan (due time, reminders, escalations) from the case's own policy
     * version and store the clock row.
     */
    async planClock(input: PlanClockInput): Promise<ClockPlan> {
      const c = await loadPlanContext(db, input.caseId);
      if (!c) throw ApplicationFailure.nonRetryable(`Case ${input.caseId} does not exist`, 'CaseNotFound');
      const { writes, plan } = planClockWrite(input, c);
      await writeCase(db, writes);
      return plan;
    },

    /**
     * Move a running clock to the due time agreed with the customer (§5.5): the reminders
     * and escalations are recomputed for the new due time; the original due time and
     * every extension stay on record.
     */
    async extendClock(input: { caseId: string; clockId: string; extension: Extension }): Promise<ClockPlan> {
      const c = await loadCase(input.caseId);
      const row = await db.caseClock.findUnique({ where: { caseId_clockId: { caseId: c.id, clockId: input.clockId } } });
      if (!row) throw ApplicationFailure.nonRetryable(`Clock ${input.clockId} of ${c.caseNo} does not exist`, 'ClockNotFound');
      const plan = computeClockPlan(await loadPolicy(c), row.clock as ClockName, c as CaseAttributes, row.startedAt, {
        id: row.clockId,
        round: row.round,
        owner: { role: row.ownerRole as ClockOwner['role'], departmentId: row.ownerDeptId ?? undefined },
        dueAt: new Date(input.extension.toDueAt),
      });
      plan.originalDueAt = row.originalDue.toISOString();
      const extensions = (row.extensions as unknown as Extension[]) ?? [];
      const already = extensions.some((e) => e.at === input.extension.at && e.toDueAt === input.extension.toDueAt);
      await db.$transaction(async (tx) => {
        if (!already) {
          await tx.caseClock.update({
            where: { id: row.id },
            data: { dueAt: new Date(plan.dueAt), extensions: [...extensions, input.extension] as object[] },
          });
        }
        await recordEventRow(tx as unknown as Db, {
          caseId: c.id,
          key: `${c.id}:clock:${input.clockId}:extended:${input.extension.at}`,
          kind: 'deadline_extended',
          actorId: input.extension.actorId,
          data: { clockId: input.clockId, ...input.extension },
        });
      });
      return plan;
    },

    /** The approving role of a compensation under the case's authority matrix. */
    async compensationApprover(input: { caseId: string; amount: number; currency: string }): Promise<PersonRole> {
      const c = await loadCase(input.caseId);
      const policy = await loadPolicy(c);
      if (input.currency !== policy.authority.currency) {
        throw ApplicationFailure.nonRetryable(
          `The authority matrix is in ${policy.authority.currency}; a compensation in ${input.currency} needs the management representative`,
          'CurrencyMismatch',
        );
      }
      return compensationApprover(policy, input.amount);
    },

    /** Mirror what the workflow recorded (steps' data, countermeasures, compensation …) for lists and reports. */
    async mirrorCase(input: { caseId: string; snapshot: CaseSnapshot }): Promise<void> {
      await writeCase(db, caseWrites.mirrorCase(input));
    },

    /** Freeze a clock's outcome. Only the first write counts: an outcome is never recomputed. */
    async recordClockOutcome(input: { caseId: string; state: ClockState }): Promise<void> {
      await writeCase(db, caseWrites.recordClockOutcome(input));
    },

    /** Mirror the current step / status (and the recorded data); `seq` numbers the steps entered. */
    async recordStep(input: { caseId: string; step: CaseStep; status: CaseStatus; seq: number; snapshot: CaseSnapshot }): Promise<void> {
      await writeCase(db, caseWrites.recordStep(input));
    },

    /** Record one event of the case; the key makes a retry a no-op. */
    async recordEvent(input: EventInput): Promise<void> {
      await writeCase(db, caseWrites.recordEvent(input));
    },
  };
}

/**
 * The row changes and audit records of the store's plain writes, written by `writeCase`
 * (activities/audit-chain.ts) — alone, or several of one case together (activities/write-batch.ts).
 * Each is idempotent: the updates are guarded or overwrite with the same values, the records are
 * keyed. Straight through the driver (prisma/client.ts): a step waits for these statements.
 */
export const caseWrites = {
  mirrorCase({ caseId, snapshot }: { caseId: string; snapshot: CaseSnapshot }): CaseWrites {
    return {
      caseId,
      statements: [
        {
          target: `case:${caseId}`,
          sql: Prisma.sql`
            UPDATE complaint_case SET data = ${JSON.stringify(snapshot)}::jsonb, resolution = ${snapshot.resolution}, duplicate_of = ${snapshot.duplicateOf},
              updated_at = now()
            WHERE id = ${caseId}::uuid`,
        },
      ],
      events: [],
    };
  },

  recordClockOutcome({ caseId, state: s }: { caseId: string; state: ClockState }): CaseWrites {
    return {
      caseId,
      statements: [
        {
          target: `clock:${caseId}:${s.id}`,
          sql: Prisma.sql`
            UPDATE case_clock SET outcome = ${s.outcome}, stopped_at = ${s.stoppedAt ?? null}::timestamptz, late_reason = ${s.lateReason ?? null},
              escalation = ${s.escalationLevel}, updated_at = now()
            WHERE case_id = ${caseId}::uuid AND clock_id = ${s.id} AND outcome IS NULL`,
        },
      ],
      events: [
        {
          caseId,
          key: `${caseId}:clock:${s.id}:outcome`,
          kind: 'clock_stopped',
          actorId: 'system',
          data: { clockId: s.id, clock: s.clock, outcome: s.outcome, dueAt: s.dueAt, stoppedAt: s.stoppedAt, lateReason: s.lateReason },
        },
      ],
    };
  },

  /** The first close time is kept when a retried write runs again. */
  recordStep(input: { caseId: string; step: CaseStep; status: CaseStatus; seq: number; snapshot: CaseSnapshot }): CaseWrites {
    const closing = input.status === 'closed';
    const { caseId, snapshot } = input;
    return {
      caseId,
      statements: [
        {
          target: `case:${caseId}`,
          sql: Prisma.sql`
            UPDATE complaint_case SET step = ${input.step}, status = ${input.status}, data = ${JSON.stringify(snapshot)}::jsonb,
              resolution = ${snapshot.resolution}, duplicate_of = ${snapshot.duplicateOf}, updated_at = now(),
              closed_at = CASE WHEN ${closing} AND closed_at IS NULL THEN now() ELSE closed_at END
            WHERE id = ${caseId}::uuid`,
        },
      ],
      events: [
        {
          caseId,
          key: `${caseId}:step:${input.seq}:${input.step}`,
          kind: closing ? 'case_closed' : 'step_entered',
          actorId: 'system',
          data: { step: input.step, status: input.status, resolution: snapshot.resolution },
        },
      ],
    };
  },

  recordEvent(input: EventInput): CaseWrites {
    return { caseId: input.caseId, statements: [], events: [input] };
  },
};

export interface EventInput {
  caseId: string;
  key: string;
  kind: string;
  actorId: string;
  data: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
}

/** Append to the case's hash-chained audit trail (activities/audit-chain.ts); a repeated key is a no-op. */
export async function recordEventRow(db: Db | Prisma.TransactionClient, e: EventInput): Promise<void> {
  await appendEvent(db, e);
}
