/**
 * Updates and queries of the complaint workflows. The API imports these constants, so
 * names and argument types are checked on both sides. Every human step is an update
 * with a validator: a wrong step answers 409, a wrong role 403, bad data 422 (with the
 * field), and nothing is recorded.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CompensationData,
  CompensationDecisionData,
  DismissData,
  ExtendDeadlineData,
  FollowUpData,
  ImplementationData,
  RprStepRequest,
  StepRequest,
  SurveyAnswerData,
} from './steps';
import type { Actor, CaseState, ClockState, Compensation, CountermeasureItem, Signature } from './types';

/** The case workflow's full state: step, clocks, decisions, recorded data. */
export const caseStateQuery = defineQuery<CaseState>('caseState');

/** Complete the current step of the procedure (see workflows/steps.ts for each step's data). */
export const completeStepUpdate = defineUpdate<CaseState, [StepRequest]>('completeStep');

/** Move a running deadline with the customer's consent, asked before it passes (§5.5). */
export const extendDeadlineUpdate = defineUpdate<ClockState, [{ actor: Actor } & ExtendDeadlineData]>('extendDeadline');

/** Record a compensation claim (理赔); its approver follows the authority matrix (§5.3(5)). */
export const requestCompensationUpdate = defineUpdate<Compensation, [{ actor: Actor } & CompensationData]>('requestCompensation');

/** The approver chosen by the authority matrix decides the compensation. */
export const decideCompensationUpdate = defineUpdate<Compensation, [{ actor: Actor; signature?: Signature } & CompensationDecisionData]>('decideCompensation');

/** A recorded decision not to investigate: unfounded, withdrawn or duplicate. */
export const dismissCaseUpdate = defineUpdate<CaseState, [{ actor: Actor; signature?: Signature } & DismissData]>('dismissCase');

/** The customer's survey answer (the API checked the link's token). */
export const answerSurveyUpdate = defineUpdate<CaseState, [SurveyAnswerData]>('answerSurvey');

/** The QA manager acts on a dissatisfied answer (its own clock). */
export const completeFollowUpUpdate = defineUpdate<CaseState, [{ actor: Actor } & FollowUpData]>('completeFollowUp');

// ── Countermeasure child workflow (one per containment / permanent / prevention action)

/** A countermeasure's workflow id: its case's workflow id and its ref (C1, P1, M1 …). */
export const countermeasureWorkflowId = (caseWorkflowId: string, ref: string) => `${caseWorkflowId}:cm:${ref}`;

export const countermeasureStateQuery = defineQuery<CountermeasureItem & { clock: ClockState | null }>('countermeasureState');
export const recordImplementationUpdate = defineUpdate<CountermeasureItem, [{ actor: Actor; lateReason?: string } & ImplementationData]>(
  'recordImplementation',
);
/** The parent no longer needs the action (case dismissed). */
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');

// ── Recurrence Prevention Report child workflow (serious cases, §5.3(4))

/** The Recurrence Prevention Report's workflow id (at most one per case). */
export const rprWorkflowId = (caseWorkflowId: string) => `${caseWorkflowId}:rpr`;

export interface RprState {
  caseNo: string;
  step: 'proposal' | 'approval' | 'implementation' | 'effect' | 'verification' | 'closed' | 'cancelled';
  round: number;
  data: Record<string, unknown>;
  clocks: ClockState[];
  decisions: { at: string; step: string; actorId: string; data: Record<string, unknown>; signature?: Signature }[];
}
export const rprStateQuery = defineQuery<RprState>('rprState');
export const rprStepUpdate = defineUpdate<RprState, [RprStepRequest]>('rprStep');
