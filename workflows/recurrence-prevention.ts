/**
 * 预防再发处理报告 — the Recurrence Prevention Report of a serious case (§5.3(4)), as a
 * child workflow of the case: the responsible department proposes measures, the QA
 * manager approves (a rejection sends the proposal back), the department implements
 * them and records the effect, QA verifies; a measure that did not work starts a new
 * proposal round. Each step has its deadline clock. The case closes only after this
 * report is closed.
 */
import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { Clocks, checkRole, documentActivities, forbidden, invalid, parseOr422, requireActor, store, wrongState } from './kit';
import { cancelSignal, rprStateQuery, rprStepUpdate, type RprState } from './messages';
import { RPR_STEP_ROLES, SIGNED_RPR_STEPS, rprStepSchemas, signatureProblem, type RprStep, type RprStepRequest } from './steps';
import type { ClockName } from './types';

export interface RecurrencePreventionInput {
  caseId: string;
  caseNo: string;
  responsibleDepartmentId: string;
  raisedBy: string;
  /** The case's document worker queue (CaseInput.documentsTaskQueue). */
  documentsTaskQueue?: string;
}

const CLOCK_OF: Record<RprStep, ClockName> = {
  proposal: 'rpr_proposal',
  approval: 'rpr_approval',
  implementation: 'rpr_implementation',
  effect: 'rpr_effect',
  verification: 'rpr_verification',
};

export async function recurrencePrevention(input: RecurrencePreventionInput): Promise<RprState> {
  const { caseId } = input;
  const wfId = workflowInfo().workflowId;
  const documents = documentActivities(input.documentsTaskQueue);
  const state: RprState = { caseNo: input.caseNo, step: 'proposal', round: 1, data: {}, clocks: [], decisions: [] };
  const clocks = new Clocks(caseId, state.clocks);
  let pending: { req: RprStepRequest; at: string } | null = null;
  let cancelled = false;
  let submitted = 0;
  let progressed = 0;
  let seq = 0;

  setHandler(rprStateQuery, () => state);
  setHandler(cancelSignal, () => {
    cancelled = true;
  });
  setHandler(
    rprStepUpdate,
    async (req) => {
      const mine = ++submitted;
      pending = { req, at: new Date(Date.now()).toISOString() };
      await condition(() => progressed >= mine);
      return state;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        if (state.step === 'closed' || state.step === 'cancelled') wrongState(`The report of ${state.caseNo} is ${state.step}`);
        const step: RprStep = req.step;
        if (!Object.hasOwn(rprStepSchemas, step)) invalid('step', `must be one of ${Object.keys(rprStepSchemas).join(', ')}`);
        if (step !== state.step || pending) wrongState(`${step} cannot be recorded now: the report is at ${state.step}`);
        const dept = step === 'approval' || step === 'verification' ? undefined : input.responsibleDepartmentId;
        checkRole(actor, RPR_STEP_ROLES[step], `Recurrence prevention ${step}`, dept);
        parseOr422(rprStepSchemas[step], req.data);
        if (SIGNED_RPR_STEPS[step]) {
          const problem = signatureProblem(req.signature, actor.id);
          if (problem) invalid('password', problem);
        }
        if (step === 'approval') {
          const proposer = [...state.decisions].reverse().find((d) => d.step === 'proposal')?.actorId;
          if (proposer === actor.id) forbidden('Nobody approves their own submission');
        }
        clocks.requireLateReason(req.step, req.lateReason);
      },
    },
  );

  async function step<S extends RprStep>(s: S, dueAt?: string): Promise<ReturnType<(typeof rprStepSchemas)[S]['parse']>> {
    state.step = s;
    seq++;
    await clocks.start({
      clock: CLOCK_OF[s],
      round: state.round,
      stopsAt: s,
      owner: RPR_STEP_ROLES[s][0] === 'department_owner' ? { role: 'department_owner', departmentId: input.responsibleDepartmentId } : { role: RPR_STEP_ROLES[s][0] },
      startedAt: new Date(Date.now()).toISOString(),
      dueAt,
    });
    progressed = submitted;
    await condition(() => pending?.req.step === s || cancelled);
    if (cancelled) throw new Cancelled();
    const sub = pending!;
    pending = null;
    clocks.stop(s, sub.req.lateReason);
    const data = rprStepSchemas[s].parse(sub.req.data) as ReturnType<(typeof rprStepSchemas)[S]['parse']>;
    state.data[s] = data;
    const signature = sub.req.signature;
    state.decisions.push({ at: sub.at, step: s, actorId: sub.req.actor.id, data: { ...data }, ...(signature ? { signature } : {}) });
    await store.recordEvent({
      caseId,
      key: `${wfId}:${seq}:${s}`,
      kind: 'rpr_step_completed',
      actorId: sub.req.actor.id,
      data: { step: s, round: state.round, data, lateReason: sub.req.lateReason ?? null, signature: signature ?? null },
    });
    return data;
  }

  try {
    await documents.issueDocument({ caseId, kind: 'market_quality_report', trigger: 'rpr_raised' });
    for (;;) {
      const proposal = await step('proposal');
      const approval = await step('approval');
      if (approval.decision === 'rejected') {
        state.round++;
        continue;
      }
      const lastDue = proposal.measures.map((m) => Date.parse(m.dueAt)).reduce((a, b) => Math.max(a, b), 0);
      await step('implementation', new Date(lastDue).toISOString());
      await step('effect');
      const verification = await step('verification');
      if (!verification.effective) {
        state.round++;
        continue;
      }
      break;
    }
    state.step = 'closed';
  } catch (err) {
    if (!(err instanceof Cancelled)) throw err;
    clocks.cancelAll();
    state.step = 'cancelled';
  }
  progressed = submitted;
  await store.recordEvent({ caseId, key: `${wfId}:${state.step}`, kind: `rpr_${state.step}`, actorId: 'system', data: { round: state.round } });
  if (state.step === 'closed') await documents.issueDocument({ caseId, kind: 'recurrence_prevention_report', trigger: 'closed' });
  await clocks.settled();
  return state;
}

class Cancelled extends Error {}
