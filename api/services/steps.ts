/**
 * The changes a person makes to a running case, shared by the API routes (api/routes/steps.ts)
 * and the web pages (web/): each one is the same Temporal update, so the workflow's
 * validator decides (409 wrong step, 403 wrong role, 422 with the field) for both.
 */
import type { Client } from '@temporalio/client';
import { completeStepUpdate, countermeasureStateQuery, decideCompensationUpdate, dismissCaseUpdate, requestCompensationUpdate, extendDeadlineUpdate, recordImplementationUpdate, rprStateQuery, rprStepUpdate, countermeasureWorkflowId, rprWorkflowId } from '../../workflows/messages';
import { SIGNED_RPR_STEPS, SIGNED_STEPS, type CompensationData, type CompensationDecisionData, type DismissData, type ExtendDeadlineData, type HumanStep, type ImplementationData, type RprStep } from '../../workflows/steps';
import type { Actor } from '../../workflows/types';
import type { Auth } from '../auth';
import { HttpError, invalidField, notFound } from '../errors';
import { signAs } from '../signatures';
import type { CaseService } from './cases';
import { Prisma, query, type Db } from '../../prisma/client';
import type { ServerTiming } from '../timing';

export interface StepServiceDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
  auth: Auth;
}

export function createStepService({ db, temporal, cases, auth }: StepServiceDeps) {
  /** The case's workflow, for a change: a closed case answers 409 (its workflow has completed). */
  const handleOf = async (caseNo: string) => {
    // Straight through the driver (prisma/client.ts): every step runs it.
    const [c] = await query<{ workflowId: string; status: string; resolution: string | null }>(
      db,
      Prisma.sql`SELECT workflow_id AS "workflowId", status, resolution FROM complaint_case WHERE case_no = ${caseNo}`,
    );
    if (!c) throw notFound(`Case ${caseNo}`);
    if (c.status === 'closed') throw new HttpError(409, 'wrong_state', `${caseNo} is closed (${c.resolution ?? 'resolved'}); nothing more can be recorded`);
    return temporal.workflow.getHandle(c.workflowId);
  };

  /** The Recurrence Prevention Report (child workflow) of a serious case, with its live state; 404 when there is none. */
  const rprHandle = async (caseNo: string) => {
    const c = await cases.get(caseNo);
    const h = temporal.workflow.getHandle(rprWorkflowId(c.workflowId));
    const state = await h.query(rprStateQuery).catch(() => {
      throw new HttpError(404, 'not_found', `${caseNo} has no Recurrence Prevention Report (the QA manager raises one for a serious case)`);
    });
    return { h, state };
  };

  return {
    handleOf,
    rprHandle,

    /** A step of the Recurrence Prevention Report (signed steps verify the re-entered password first). */
    async rprStep(caseNo: string, step: RprStep, who: Actor, body: { data: unknown; lateReason?: string; password?: string }) {
      const { h } = await rprHandle(caseNo);
      const meaning = SIGNED_RPR_STEPS[step];
      const signature = meaning
        ? await signAs(auth, who, body.password, meaning(body.data as Record<string, unknown>), { caseNo, action: `rpr_${step}`, data: body.data })
        : undefined;
      return h.executeUpdate(rprStepUpdate, { args: [{ step, actor: who, data: body.data, lateReason: body.lateReason, signature }] });
    },

    /** A compensation claim (理赔); the policy's authority matrix names the approver role. */
    async requestCompensation(caseNo: string, who: Actor, body: CompensationData) {
      const dept = await db.department.findUnique({ where: { id: body.responsibleDepartmentId } });
      if (!dept) throw invalidField('responsibleDepartmentId', `no department "${body.responsibleDepartmentId}"`);
      const handle = await handleOf(caseNo);
      return handle.executeUpdate(requestCompensationUpdate, { args: [{ actor: who, ...body }] });
    },

    /** The signed approval or rejection of the compensation (the workflow checks the approver role). */
    async decideCompensation(caseNo: string, who: Actor, body: CompensationDecisionData & { password?: string }) {
      const { password: pw, ...rest } = body;
      const handle = await handleOf(caseNo);
      const meaning = rest.decision === 'approved' ? '核准理赔 / approved the compensation' : '驳回理赔 / rejected the compensation';
      const signature = await signAs(auth, who, pw, meaning, { caseNo, action: 'compensation_decision', data: rest });
      return handle.executeUpdate(decideCompensationUpdate, { args: [{ actor: who, signature, ...rest }] });
    },

    /** The QA manager's signed decision not to investigate (the case closes, nothing is deleted). */
    async dismiss(caseNo: string, who: Actor, body: DismissData & { password?: string }) {
      const { password: pw, ...rest } = body;
      if (rest.duplicateOf && !(await db.complaintCase.findUnique({ where: { caseNo: rest.duplicateOf }, select: { id: true } }))) {
        throw invalidField('duplicateOf', `no case ${rest.duplicateOf}`);
      }
      const handle = await handleOf(caseNo);
      const signature = await signAs(auth, who, pw, `不予调查（${rest.reason}）/ decided not to investigate (${rest.reason})`, { caseNo, action: 'dismissal', data: rest });
      return handle.executeUpdate(dismissCaseUpdate, { args: [{ actor: who, signature, ...rest }] });
    },

    /** Complete the case's current step (signed steps verify the re-entered password first). */
    async completeStep(caseNo: string, step: HumanStep, who: Actor, body: { data: unknown; lateReason?: string; password?: string }, timing?: ServerTiming) {
      const handle = await handleOf(caseNo);
      timing?.mark('lookup');
      const meaning = SIGNED_STEPS[step];
      const signature = meaning
        ? await signAs(auth, who, body.password, meaning(body.data as Record<string, unknown>), { caseNo, action: step, data: body.data })
        : undefined;
      if (meaning) timing?.mark('signature');
      const state = await handle.executeUpdate(completeStepUpdate, { args: [{ step, actor: who, data: body.data, lateReason: body.lateReason, signature }] });
      timing?.mark('workflow');
      return state;
    },

    /** Move a running deadline with the customer's consent. */
    async extendDeadline(caseNo: string, who: Actor, body: ExtendDeadlineData) {
      const handle = await handleOf(caseNo);
      return handle.executeUpdate(extendDeadlineUpdate, { args: [{ actor: who, ...body }] });
    },

    /** Record that a countermeasure (child workflow) was carried out, with its effect. */
    async recordImplementation(caseNo: string, ref: string, who: Actor, body: ImplementationData & { lateReason?: string }) {
      const c = await cases.get(caseNo);
      const handle = temporal.workflow.getHandle(countermeasureWorkflowId(c.workflowId, ref));
      await handle.query(countermeasureStateQuery).catch(() => {
        throw notFound(`Countermeasure ${ref} of ${caseNo}`);
      });
      return handle.executeUpdate(recordImplementationUpdate, { args: [{ actor: who, ...body }] });
    },
  };
}

export type StepService = ReturnType<typeof createStepService>;
