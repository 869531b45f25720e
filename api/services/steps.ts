/**
 * The changes a person makes to a running case, shared by the API routes (api/routes/steps.ts)
 * and the web pages (web/): each one is the same Temporal update, so the workflow's
 * validator decides (409 wrong step, 403 wrong role, 422 with the field) for both.
 */
import type { Client } from '@temporalio/client';
import { completeStepUpdate, countermeasureStateQuery, extendDeadlineUpdate, recordImplementationUpdate } from '../../workflows/messages';
import { SIGNED_STEPS, type ExtendDeadlineData, type HumanStep, type ImplementationData } from '../../workflows/steps';
import type { Actor } from '../../workflows/types';
import type { Auth } from '../auth';
import { HttpError, notFound } from '../errors';
import { signAs } from '../signatures';
import type { CaseService } from './cases';

export interface StepServiceDeps {
  temporal: Client;
  cases: CaseService;
  auth: Auth;
}

export function createStepService({ temporal, cases, auth }: StepServiceDeps) {
  /** The case's workflow, for a change: a closed case answers 409 (its workflow has completed). */
  const handleOf = async (caseNo: string) => {
    const c = await cases.get(caseNo);
    if (c.status === 'closed') throw new HttpError(409, 'wrong_state', `${caseNo} is closed (${c.resolution ?? 'resolved'}); nothing more can be recorded`);
    return temporal.workflow.getHandle(c.workflowId);
  };

  return {
    handleOf,

    /** Complete the case's current step (signed steps verify the re-entered password first). */
    async completeStep(caseNo: string, step: HumanStep, who: Actor, body: { data: unknown; lateReason?: string; password?: string }) {
      const handle = await handleOf(caseNo);
      const meaning = SIGNED_STEPS[step];
      const signature = meaning
        ? await signAs(auth, who, body.password, meaning(body.data as Record<string, unknown>), { caseNo, action: step, data: body.data })
        : undefined;
      return handle.executeUpdate(completeStepUpdate, { args: [{ step, actor: who, data: body.data, lateReason: body.lateReason, signature }] });
    },

    /** Move a running deadline with the customer's consent. */
    async extendDeadline(caseNo: string, who: Actor, body: ExtendDeadlineData) {
      const handle = await handleOf(caseNo);
      return handle.executeUpdate(extendDeadlineUpdate, { args: [{ actor: who, ...body }] });
    },

    /** Record that a countermeasure (child workflow) was carried out, with its effect. */
    async recordImplementation(caseNo: string, ref: string, who: Actor, body: ImplementationData & { lateReason?: string }) {
      const c = await cases.get(caseNo);
      const handle = temporal.workflow.getHandle(`${c.workflowId}:cm:${ref}`);
      await handle.query(countermeasureStateQuery).catch(() => {
        throw notFound(`Countermeasure ${ref} of ${caseNo}`);
      });
      return handle.executeUpdate(recordImplementationUpdate, { args: [{ actor: who, ...body }] });
    },
  };
}

export type StepService = ReturnType<typeof createStepService>;
