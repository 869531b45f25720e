/**
 * Store activities: mirror the workflow's state into PostgreSQL so lists and reports
 * never scan Temporal. Every write is idempotent (keyed by case + clock / event key),
 * so a retried activity or a replayed workflow never records anything twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db, Prisma } from '../prisma/client';
import { appendEvent } from './audit-chain';
import type { CaseStatus, CaseStep, ClockName, ClockPlan, ClockState } from '../workflows/types';
import { computeClockPlan, policyDefinitionSchema, type CaseAttributes } from './policy';

export interface StoreDeps {
  db: Db;
}

export function createStoreActivities({ db }: StoreDeps) {
  async function loadCase(caseId: string) {
    const c = await db.complaintCase.findUnique({ where: { id: caseId }, include: { policy: true } });
    if (!c) throw ApplicationFailure.nonRetryable(`Case ${caseId} does not exist`, 'CaseNotFound');
    return c;
  }

  return {
    /**
     * Compute a clock's plan (due time, reminders, escalations) from the case's own policy
     * version and store the clock row.
     */
    async planClock(input: { caseId: string; clock: ClockName; startedAt: string }): Promise<ClockPlan> {
      const c = await loadCase(input.caseId);
      const policy = policyDefinitionSchema.parse(c.policy.definition);
      const startedAt = new Date(input.startedAt);
      const plan = computeClockPlan(policy, input.clock, c as CaseAttributes, startedAt);
      // Deterministic for (policy version, clock, case, start): intake's first-contact row and
      // a retried activity compute the same plan, so an existing row is simply kept.
      await db.caseClock.upsert({
        where: { caseId_clock: { caseId: c.id, clock: input.clock } },
        create: {
          caseId: c.id,
          clock: input.clock,
          startedAt,
          dueAt: new Date(plan.dueAt),
          originalDue: new Date(plan.originalDueAt),
        },
        update: {},
      });
      return plan;
    },

    /** Freeze a clock's outcome. Only the first write counts: an outcome is never recomputed. */
    async recordClockOutcome(input: { caseId: string; state: ClockState }): Promise<void> {
      const s = input.state;
      await db.caseClock.updateMany({
        where: { caseId: input.caseId, clock: s.clock, outcome: null },
        data: {
          outcome: s.outcome,
          stoppedAt: s.stoppedAt ? new Date(s.stoppedAt) : null,
          lateReason: s.lateReason,
          escalation: s.escalationLevel,
        },
      });
      await recordEventRow(db, {
        caseId: input.caseId,
        key: `${input.caseId}:clock:${s.clock}:outcome`,
        kind: 'clock_stopped',
        actorId: 'system',
        data: { clock: s.clock, outcome: s.outcome, dueAt: s.dueAt, stoppedAt: s.stoppedAt, lateReason: s.lateReason },
      });
    },

    /** Mirror the current step / status. */
    async recordStep(input: { caseId: string; step: CaseStep; status: CaseStatus }): Promise<void> {
      await db.complaintCase.update({
        where: { id: input.caseId },
        data: { step: input.step, status: input.status, closedAt: input.status === 'closed' ? new Date() : undefined },
      });
      await recordEventRow(db, {
        caseId: input.caseId,
        key: `${input.caseId}:step:${input.step}`,
        kind: 'step_entered',
        actorId: 'system',
        data: { step: input.step, status: input.status },
      });
    },

    /** Record one event of the case; the key makes a retry a no-op. */
    async recordEvent(input: EventInput): Promise<void> {
      await recordEventRow(db, input);
    },
  };
}

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
