/**
 * The database writes a case workflow made in one workflow activation, applied as ONE local
 * activity (the workflow's WriteQueue, workflows/kit.ts). A human step writes its record, the
 * plans of the clocks it starts, the step it leads to and the outcome of the clock it stopped —
 * one activity instead of one each, so the step is answered after one write round trip. The
 * plain writes among them (records, the step, outcomes, the mirror) and the clocks' rows go to
 * the database as one statement after one read of the audit chain's head (`writeCase`,
 * activities/audit-chain.ts); a clock is planned from its case and policy version, read once per case.
 *
 * The writes run in the order the workflow made them. Every write is idempotent, so a retried
 * batch (a database outage) simply writes again what it had already written. A write refused for
 * good (a non-retryable ApplicationFailure, e.g. a compensation in a currency the authority
 * matrix does not know) ends the batch there: the writes before it are done and answered, that
 * one is refused to its caller, and the workflow queues the rest again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import { writeCase, type CaseWrites } from './audit-chain';
import { caseWrites, loadPlanContext, planClockWrite, type createStoreActivities, type PlanClockInput } from './store';
import type { createSurveyActivities } from './surveys';

/** The writes a batch can carry: the store and survey activities. */
export type Writers = ReturnType<typeof createStoreActivities> & ReturnType<typeof createSurveyActivities>;
export type WriteName = keyof Writers;
export type WriteOp = { [K in WriteName]: { name: K; input: Parameters<Writers[K]>[0] } }[WriteName];

export interface WriteBatchResult {
  /** The writes done, in order (the auditor's timeline shows them: local activities keep no input in the history). */
  writes: WriteName[];
  /** One result per write done, in order. */
  results: unknown[];
  /** The write refused for good, if one was: the writes after it were not run. */
  failure?: { index: number; message: string; type: string | null; details: unknown[] };
}

const isPlain = (name: WriteName): name is keyof typeof caseWrites => Object.hasOwn(caseWrites, name);

/** `db` given: consecutive plain writes of a case are combined (writeCase); without it every write runs on its own. */
export function createWriteBatch(writers: Writers, db?: Db) {
  return {
    async writeBatch(input: { ops: WriteOp[] }): Promise<WriteBatchResult> {
      const results: unknown[] = [];
      const writes: WriteName[] = [];
      let combined: CaseWrites | null = null;
      const flush = async () => {
        if (combined) await writeCase(db!, combined);
        combined = null;
      };
      const combine = async (w: CaseWrites) => {
        if (combined && combined.caseId !== w.caseId) await flush();
        combined = combined ? { caseId: w.caseId, statements: [...combined.statements, ...w.statements], events: [...combined.events, ...w.events] } : w;
      };
      for (const [index, op] of input.ops.entries()) {
        if (!Object.hasOwn(writers, op.name)) throw ApplicationFailure.nonRetryable(`No such write: ${String(op.name)}`, 'UnknownWrite');
        if (db && isPlain(op.name)) {
          await combine((caseWrites[op.name] as (i: unknown) => CaseWrites)(op.input));
          results.push(undefined);
          writes.push(op.name);
          continue;
        }
        // A clock's plan joins the combined statement too (its row); an unknown case is refused below.
        if (db && op.name === 'planClock') {
          const plan = op.input as PlanClockInput;
          const context = await loadPlanContext(db, plan.caseId);
          if (context) {
            const planned = planClockWrite(plan, context);
            await combine(planned.writes);
            results.push(planned.plan);
            writes.push(op.name);
            continue;
          }
        }
        await flush();
        try {
          results.push(await (writers[op.name] as (i: unknown) => Promise<unknown>)(op.input));
          writes.push(op.name);
        } catch (err) {
          if (err instanceof ApplicationFailure && err.nonRetryable) {
            return { writes, results, failure: { index, message: err.message, type: err.type ?? null, details: err.details ? [...err.details] : [] } };
          }
          throw err; // retried as a whole (every write is idempotent)
        }
      }
      await flush();
      return { writes, results };
    },
  };
}
