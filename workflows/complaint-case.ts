/**
 * 客户抱怨处理 — one customer complaint case, from receipt to closure, as a durable
 * workflow. The steps follow the regulation (XX公司-客户抱怨管理规定, §5) and
 * shared/spec/complaint-procedure.md; every step has its deadline clock
 * (workflows/clock.ts, planned from the case's policy by an activity). Human steps are
 * one update, `completeStep`, whose validator checks the step, the role and the data
 * (workflows/steps.ts) before anything is recorded. Side effects (database mirror,
 * e-mail, PDFs, calendar arithmetic) are activities; this file only decides and waits.
 *
 * Paths:
 *   installation / usage     first contact → answered on the spot → closed
 *   environmental            first contact → general affairs investigates → CAPA → reply → verification → closed
 *   quality, no sample, the customer wants an explanation
 *                            first contact → potential-failure-cause report (48 h) → reply → verification → closed
 *   quality                  first contact → sample to QA → preliminary analysis (24 h / 2 d)
 *                            → [cause unclear: reproduction / deeper analysis] → CAPA plan (24 h)
 *                            → QA-manager approval (rejection: back to the plan, a new 24-h round)
 *                            → countermeasures run as child workflows, each with its own due date
 *                            → reply (48 h / 3 d / 7 d from the sample) → effect confirmed at the customer
 *                            → QA verification (no recurrence in the month) → QA-manager closure
 *   serious case             + Recurrence Prevention Report child workflow, closed before the case
 *   any time while open      compensation (approver by the authority matrix), deadline extension
 *                            with the customer's consent, dismissal as unfounded / withdrawn / duplicate
 */
import {
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { countermeasure } from './countermeasure';
import {
  BATCHED_WRITES_PATCH,
  Clocks,
  LOCAL_WRITES_PATCH,
  WriteQueue,
  checkRole,
  documentActivities,
  forbidden,
  invalid,
  localStore,
  mail,
  oneAtATime,
  parseOr422,
  requireActor,
  store as remoteStore,
  wrongState,
  type Store,
} from './kit';
import {
  answerSurveyUpdate,
  cancelSignal,
  caseStateQuery,
  completeFollowUpUpdate,
  completeStepUpdate,
  countermeasureWorkflowId,
  decideCompensationUpdate,
  dismissCaseUpdate,
  extendDeadlineUpdate,
  requestCompensationUpdate,
  rprWorkflowId,
} from './messages';
import { recurrencePrevention } from './recurrence-prevention';
import { CaseStepAttr, OverdueAttr } from './search-attributes';
import {
  SIGNED_STEPS,
  STEP_ROLES,
  signatureProblem,
  requestSchemas,
  stepSchemas,
  type DismissData,
  type HumanStep,
  type StepData,
  type StepRequest,
} from './steps';
import type { Actor, CaseInput, CaseState, CaseStep, ClockName, ClockPlan, CountermeasureItem, Resolution, Satisfaction, Signature } from './types';

/**
 * §5.1 The first clock of every case: sales contacts the customer (12 h). The API plans it with
 * the case and writes its row (CaseInput.recordedAtIntake); the workflow plans it only without that.
 */
export const FIRST_CONTACT_CLOCK = { id: 'first_contact', clock: 'first_contact', round: 1, owner: { role: 'sales' } } as const satisfies Pick<ClockPlan, 'id' | 'clock' | 'round' | 'owner'>;

/** Thrown inside the procedure when the QA manager dismisses the case; caught at the top. */
class Dismissed extends Error {}

export async function complaintCase(input: CaseInput): Promise<CaseState> {
  const { caseId } = input;
  const wfId = workflowInfo().workflowId;
  // Cases started since this patch write through local activities and file the master form
  // in the background, so a step is answered once its record and the next step are written
  // (one workflow task) instead of after a PDF and several server round trips. Cases started
  // before it replay exactly as they ran (test/histories/before-local-writes).
  const fast = patched(LOCAL_WRITES_PATCH);
  // Cases started since this patch queue their writes and write each activation's as one local
  // activity (WriteQueue): a step's record, the next step and the clocks' plans and outcomes
  // together. Cases started before it replay as they ran (test/histories/before-batched-writes).
  const writes = fast && patched(BATCHED_WRITES_PATCH) ? new WriteQueue() : undefined;
  const store: Store = writes ? writes.asStore() : fast ? oneAtATime(localStore) : remoteStore;
  const documents = documentActivities(input.documentsTaskQueue);
  const now = () => new Date(Date.now()).toISOString();
  const state: CaseState = {
    caseNo: input.caseNo,
    step: 'first_contact',
    status: 'open',
    resolution: null,
    clocks: [],
    decisions: [],
    data: {},
    countermeasures: [],
    compensation: null,
    rpr: null,
    duplicateOf: null,
    capaRound: 0,
    satisfaction: null,
  };
  setHandler(caseStateQuery, () => state);
  const clocks = new Clocks(caseId, state.clocks, (overdue) => upsertSearchAttributes([{ key: OverdueAttr, value: overdue }]), store, writes);

  // ── The step engine: one pending submission at a time, consumed by the procedure below.
  let pending: { req: StepRequest; data: unknown; at: string } | null = null;
  let submitted = 0;
  let progressed = 0;
  let stepSeq = 0;
  let dismissal: { actor: Actor; data: DismissData; signature: Signature } | null = null;
  /** Set once the closed case is mirrored in the database: an update that closed it answers after that. */
  let closedRecorded = false;
  const children: Promise<void>[] = [];

  const snapshot = () => ({
    data: state.data,
    countermeasures: state.countermeasures,
    compensation: state.compensation,
    rpr: state.rpr,
    resolution: state.resolution,
    duplicateOf: state.duplicateOf,
    capaRound: state.capaRound,
  });

  async function enterStep(step: CaseStep): Promise<void> {
    state.step = step;
    stepSeq++;
    upsertSearchAttributes([{ key: CaseStepAttr, value: step }]);
    await store.recordStep({ caseId, step, status: state.status, seq: stepSeq, snapshot: snapshot() });
    progressed = submitted; // an update waiting for its answer sees the step it led to
  }

  /** Wait, but give way at once when the case is dismissed. */
  async function waitFor(pred: () => boolean): Promise<void> {
    await condition(() => pred() || dismissal !== null);
    if (dismissal) throw new Dismissed();
  }

  /** Enter a human step and wait for its valid submission; stop the clocks it stops. */
  async function humanStep<S extends HumanStep>(step: S): Promise<{ data: StepData<S>; actor: Actor; at: string }> {
    if (state.step !== step) await enterStep(step);
    await waitFor(() => pending?.req.step === step);
    const sub = pending!;
    pending = null;
    clocks.stop(step, sub.req.lateReason);
    const data = sub.data as StepData<S>;
    state.data[step] = data as Record<string, unknown>;
    const signature = sub.req.signature ?? null;
    state.decisions.push({ at: sub.at, step, kind: 'step_completed', actorId: sub.req.actor.id, data: { ...data }, ...(signature ? { signature } : {}) });
    const record = {
      caseId,
      key: `${wfId}:step:${stepSeq}:${step}:completed`,
      kind: 'step_completed',
      actorId: sub.req.actor.id,
      data: { step, data, lateReason: sub.req.lateReason ?? null, actorRole: sub.req.actor.role, signature },
    };
    // Batched: written with the next step the procedure enters (the update answers after both).
    if (writes) writes.later('recordEvent', record);
    else await store.recordEvent(record);
    return { data, actor: sub.req.actor, at: sub.at };
  }

  // Master-form issues filed one after another in the background (version numbers follow the
  // procedure's order); the queue is drained before the closed case's last version.
  let documentQueue: Promise<void> = Promise.resolve();
  let documentFailure: unknown = null;
  const drainDocuments = async () => {
    await documentQueue;
    if (documentFailure) throw documentFailure;
  };

  /** Issue the master form (市场品质异常处理报告) as a new numbered version. */
  const reissue = async (trigger: string): Promise<void> => {
    const issue = () => documents.issueDocument({ caseId, kind: 'market_quality_report', trigger });
    if (!fast) {
      await issue();
      return;
    }
    documentQueue = documentQueue.then(async () => {
      await issue();
    }).catch((err) => {
      documentFailure ??= err;
    });
  };

  /** §5.4 The reply: sales' step, then the Customer Complaint Reply (客户品质/环境抱怨回馈) filed and sent to the customer with it. */
  async function reply(): Promise<void> {
    await humanStep('reply');
    const letter = await documents.issueDocument({ caseId, kind: 'customer_reply', trigger: `reply#${stepSeq}` });
    await mail.sendCustomerReply({ caseId, documentId: letter.id });
    await reissue('reply');
  }

  /** Step-specific rules beyond the schema: responsible department, no self-approval, prerequisites. */
  function checkStepRules(req: StepRequest, data: unknown): void {
    const dept = responsibleDepartment();
    const lastActor = (step: CaseStep) => [...state.decisions].reverse().find((d) => d.step === step)?.actorId;
    switch (req.step) {
      case 'root_cause_analysis':
      case 'capa_plan':
        checkRole(req.actor, STEP_ROLES[req.step], req.step, dept);
        break;
      case 'capa_approval':
        if (lastActor('capa_plan') === req.actor.id) forbidden('Nobody approves their own submission: this CAPA plan was submitted by the same person');
        break;
      case 'effect_confirmation': {
        const open = state.countermeasures.filter((c) => c.status === 'open').map((c) => c.ref);
        if (open.length) wrongState(`The effect is confirmed after the countermeasures are implemented; still open: ${open.join(', ')}`);
        break;
      }
      case 'closure': {
        if (lastActor('verification') === req.actor.id) forbidden('Nobody approves their own submission: the verification was recorded by the same person');
        if (state.rpr && state.rpr.status === 'open') wrongState('The Recurrence Prevention Report must be closed before the case');
        if (state.compensation && !state.compensation.decision) wrongState('The compensation awaits its approver’s decision');
        const open = state.countermeasures.filter((c) => c.status === 'open').map((c) => c.ref);
        if (open.length) wrongState(`Countermeasures still open: ${open.join(', ')}`);
        break;
      }
      default:
        void data;
    }
  }

  function responsibleDepartment(): string | undefined {
    const pa = state.data.preliminary_analysis as StepData<'preliminary_analysis'> | undefined;
    const env = state.data.environmental_investigation as StepData<'environmental_investigation'> | undefined;
    return pa?.responsibleDepartmentId ?? env?.responsibleDepartmentId;
  }

  setHandler(
    completeStepUpdate,
    async (req) => {
      const mine = ++submitted;
      pending = { req, data: stepSchemas[req.step].parse(req.data), at: now() };
      await condition(() => progressed >= mine || closedRecorded);
      return state;
    },
    {
      validator: (req) => {
        if (!req || typeof req !== 'object') invalid('step', 'is required');
        const actor = requireActor(req.actor);
        if (state.status !== 'open') wrongState(`${state.caseNo} is closed`);
        const step: HumanStep = req.step;
        if (!Object.hasOwn(stepSchemas, step)) invalid('step', `must be one of ${Object.keys(stepSchemas).join(', ')}`);
        if (step !== state.step || pending !== null) {
          wrongState(`${step} cannot be recorded now: ${state.caseNo} is at step ${state.step}`);
        }
        checkRole(actor, STEP_ROLES[step], step);
        const data = parseOr422(stepSchemas[step], req.data);
        if (SIGNED_STEPS[step]) {
          const problem = signatureProblem(req.signature, actor.id);
          if (problem) invalid('password', problem);
        }
        clocks.requireLateReason(req.step, req.lateReason);
        checkStepRules(req, data);
      },
    },
  );

  setHandler(
    extendDeadlineUpdate,
    async (req) => {
      const { actor: _a, ...rest } = req;
      const data = requestSchemas.extendDeadline.parse(rest);
      const clock = clocks.get(data.clockId)!;
      const extension = {
        at: now(),
        actorId: req.actor.id,
        fromDueAt: clock.state.dueAt,
        toDueAt: new Date(data.newDueAt).toISOString(),
        reason: data.reason,
        consent: data.consent,
      };
      return clocks.extend(data.clockId, extension);
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        if (state.status !== 'open') wrongState(`${state.caseNo} is closed`);
        const { actor: _a, ...rest } = req;
        const data = parseOr422(requestSchemas.extendDeadline, rest, '');
        const clock = clocks.get(data.clockId);
        // The step's owner asks the customer; the QA manager may too.
        if (clock && actor.role !== 'qa_manager' && clock.state.owner.role !== actor.role) {
          forbidden(`${data.clockId} is owned by ${clock.state.owner.role}; ${actor.id} is ${actor.role}`);
        }
        clocks.checkExtension(data.clockId, data.newDueAt, data.consent.at);
      },
    },
  );

  setHandler(
    requestCompensationUpdate,
    async (req) => {
      const { actor, ...rest } = req;
      const data = requestSchemas.compensation.parse(rest);
      const requiredRole = await store.compensationApprover({ caseId, amount: data.amount, currency: data.currency });
      state.compensation = { ...data, requestedBy: actor.id, requiredRole };
      await store.recordEvent({ caseId, key: `${wfId}:compensation:requested`, kind: 'compensation_requested', actorId: actor.id, data: { ...state.compensation } });
      await clocks.start({ clock: 'compensation_approval', owner: { role: requiredRole }, startedAt: now(), stopsAt: 'compensation' });
      await store.mirrorCase({ caseId, snapshot: snapshot() });
      return state.compensation;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        if (state.status !== 'open') wrongState(`${state.caseNo} is closed`);
        checkRole(actor, ['sales', 'qa_manager'], 'A compensation claim');
        if (state.compensation) wrongState('A compensation is already recorded for this case');
        const { actor: _a, ...rest } = req;
        parseOr422(requestSchemas.compensation, rest, '');
      },
    },
  );

  setHandler(
    decideCompensationUpdate,
    async (req) => {
      const { actor, signature, ...rest } = req;
      const data = requestSchemas.compensationDecision.parse(rest);
      const c = state.compensation!;
      clocks.stop('compensation');
      Object.assign(c, { decision: data.decision, note: data.note, approvedBy: actor.id, approvedAt: now(), signature });
      await store.recordEvent({ caseId, key: `${wfId}:compensation:decided`, kind: 'compensation_decided', actorId: actor.id, data: { ...c } });
      await store.mirrorCase({ caseId, snapshot: snapshot() });
      return c;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        const c = state.compensation;
        if (!c || c.decision) wrongState('No compensation awaits a decision');
        if (actor.role !== c.requiredRole) forbidden(`A compensation of ${c.amount} ${c.currency} is approved by ${c.requiredRole} (authority matrix); ${actor.id} is ${actor.role}`);
        if (actor.id === c.requestedBy) forbidden('Nobody approves their own submission');
        const { actor: _a, signature, ...rest } = req;
        parseOr422(requestSchemas.compensationDecision, rest, '');
        const problem = signatureProblem(signature, actor.id);
        if (problem) invalid('password', problem);
      },
    },
  );

  setHandler(
    dismissCaseUpdate,
    async (req) => {
      const { actor, signature, ...rest } = req;
      dismissal = { actor, data: requestSchemas.dismiss.parse(rest), signature: signature! };
      await condition(() => closedRecorded);
      return state;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        if (state.status !== 'open' || dismissal) wrongState(`${state.caseNo} is already closed`);
        checkRole(actor, ['qa_manager'], 'A decision not to investigate');
        const { actor: _a, signature, ...rest } = req;
        const d = parseOr422(requestSchemas.dismiss, rest, '');
        const problem = signatureProblem(signature, actor.id);
        if (problem) invalid('password', problem);
        if (d.duplicateOf === state.caseNo) invalid('duplicateOf', 'cannot be the case itself');
      },
    },
  );

  setHandler(
    answerSurveyUpdate,
    (req) => {
      const a = requestSchemas.surveyAnswer.parse(req);
      state.satisfaction!.answer = { ...a, answeredAt: now() };
      return state;
    },
    {
      validator: (req) => {
        const sat = state.satisfaction;
        if (!sat || sat.status !== 'waiting' || sat.answer) wrongState(sat?.answer ? 'This survey has already been answered' : 'This survey is not open');
        if (sat.expiresAt && Date.now() > Date.parse(sat.expiresAt)) wrongState('This survey has expired');
        parseOr422(requestSchemas.surveyAnswer, req, '');
      },
    },
  );

  setHandler(
    completeFollowUpUpdate,
    async (req) => {
      const { actor, ...rest } = req;
      const data = requestSchemas.followUp.parse(rest);
      state.satisfaction!.followUp = { actorId: actor.id, at: now(), actions: data.actions };
      clocks.stop('follow_up');
      await condition(() => state.satisfaction!.status === 'followed_up');
      return state;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        const sat = state.satisfaction;
        if (!sat || sat.answer?.outcome !== 'dissatisfied' || sat.followUp) wrongState('No dissatisfied answer awaits a follow-up');
        checkRole(actor, ['qa_manager'], 'The follow-up of a dissatisfied customer');
        const { actor: _a, ...rest } = req;
        parseOr422(requestSchemas.followUp, rest, '');
      },
    },
  );

  // ── Children: each countermeasure, and the Recurrence Prevention Report.

  async function startCountermeasures(plan: StepData<'capa_plan'>, round: number): Promise<void> {
    const items: CountermeasureItem[] = [];
    const prefix = round > 1 ? `R${round}-` : '';
    (['containment', 'permanent', 'prevention'] as const).forEach((kind) => {
      plan[kind].forEach((a, i) => {
        items.push({
          ref: `${prefix}${kind === 'containment' ? 'C' : kind === 'permanent' ? 'P' : 'M'}${i + 1}`,
          kind,
          action: a.action,
          ownerDepartmentId: a.ownerDepartmentId,
          dueAt: new Date(a.dueAt).toISOString(),
          status: 'open',
        });
      });
    });
    for (const item of items) {
      state.countermeasures.push(item);
      const child = await startChild(countermeasure, {
        workflowId: countermeasureWorkflowId(wfId, item.ref),
        args: [{ caseId, caseNo: input.caseNo, item }],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      children.push(
        child.result().then(async (done) => {
          Object.assign(item, done);
          await store.mirrorCase({ caseId, snapshot: snapshot() });
        }),
      );
    }
    await store.mirrorCase({ caseId, snapshot: snapshot() });
  }

  async function startRecurrencePrevention(raisedBy: Actor): Promise<void> {
    if (state.rpr) return;
    const workflowId = rprWorkflowId(wfId);
    const child = await startChild(recurrencePrevention, {
      workflowId,
      args: [{ caseId, caseNo: input.caseNo, responsibleDepartmentId: responsibleDepartment() ?? '', raisedBy: raisedBy.id, documentsTaskQueue: input.documentsTaskQueue }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    state.rpr = { workflowId, status: 'open', step: 'proposal' };
    await store.recordEvent({ caseId, key: `${wfId}:rpr:raised`, kind: 'rpr_raised', actorId: raisedBy.id, data: { workflowId } });
    children.push(
      child.result().then(async (r) => {
        state.rpr = { workflowId, status: r.step === 'closed' ? 'closed' : 'cancelled', step: r.step };
        await store.mirrorCase({ caseId, snapshot: snapshot() });
      }),
    );
  }

  /** Start a clock of this case; its owner is a role, or a department's owners. */
  const clock = (name: ClockName, stopsAt: HumanStep, owner: Actor['role'], extra: { departmentId?: string; round?: number; startedAt?: string } = {}) =>
    clocks.start({
      clock: name,
      stopsAt,
      owner: { role: owner, departmentId: extra.departmentId },
      round: extra.round,
      startedAt: extra.startedAt ?? now(),
    });

  // ── §5.3 CAPA: plan → QA-manager approval; a rejection sends it back for a new round.
  async function capa(): Promise<void> {
    const dept = responsibleDepartment();
    for (;;) {
      const round = ++state.capaRound;
      await clock('capa_plan', 'capa_plan', 'department_owner', { departmentId: dept, round });
      const plan = await humanStep('capa_plan');
      await clock('capa_approval', 'capa_approval', 'qa_manager', { round });
      const approval = await humanStep('capa_approval');
      if (approval.data.decision === 'rejected') {
        // Re-submission rule: the plan goes back to the department with a fresh capa_plan
        // clock (round n+1) starting at the rejection; the first round's outcome stays as recorded.
        continue;
      }
      await startCountermeasures(plan.data, round);
      if (approval.data.serious) await startRecurrencePrevention(approval.actor);
      await reissue(`capa_approval#${round}`);
      return;
    }
  }

  // ── §5.4 effect at the customer, §5.3(3)(5) verification; a failure re-opens the CAPA.
  async function verifyAndClose(): Promise<void> {
    for (;;) {
      if (state.countermeasures.length) {
        await clock('effect_confirmation', 'effect_confirmation', 'sales', { round: state.capaRound });
        const effect = await humanStep('effect_confirmation');
        if (!effect.data.effective) {
          await capa();
          continue;
        }
      }
      await clock('verification', 'verification', 'qa_engineer', { round: state.capaRound });
      const v = await humanStep('verification');
      if (!(v.data.noRecurrence && v.data.lastMonthActionsDone)) {
        await capa();
        continue;
      }
      break;
    }
    await clock('closure', 'closure', 'qa_manager');
    await humanStep('closure');
    state.resolution = 'resolved';
  }

  async function procedure(): Promise<void> {
    // §5.1 First contact with the customer within 12 hours: confirm the defect and the next steps.
    await clocks.start({ clock: FIRST_CONTACT_CLOCK.clock, stopsAt: 'first_contact', owner: FIRST_CONTACT_CLOCK.owner, startedAt: input.receivedAt, plan: input.recordedAtIntake?.firstContactClock });
    // The complaint is recorded (by the API, before this workflow starts): file the master form.
    await reissue('intake');
    await humanStep('first_contact');
    await reissue('first_contact');

    if (input.category === 'installation_usage') {
      // §5.1.1(1) answered and solved on the spot by sales; still recorded, then closed.
      await clock('reply', 'onsite_resolution', 'sales');
      await humanStep('onsite_resolution');
      state.resolution = 'answered_on_site';
      return;
    }

    if (input.category === 'environmental') {
      // §5.1.3, §5.2(2) the Internal/External Communication Form goes to general affairs, who
      // investigate; the responsible unit writes its solution on it.
      await documents.issueDocument({ caseId, kind: 'communication_form', trigger: 'intake' });
      await clock('reply', 'reply', 'sales');
      await clock('preliminary_analysis', 'environmental_investigation', 'general_affairs');
      await humanStep('environmental_investigation');
      await capa();
      await reply();
      await verifyAndClose();
      return;
    }

    // §5.1.1(2) the sample and the report go to QA.
    const sample = await humanStep('sample_pending');
    if (sample.data.sample === 'none' && sample.data.customerWantsExplanation) {
      // No sample, the customer wants an explanation: QA's potential-failure-cause report within 48 h.
      await clock('potential_cause_report', 'potential_cause_analysis', 'qa_engineer');
      await clock('reply', 'reply', 'sales');
      await humanStep('potential_cause_analysis');
      await documents.issueDocument({ caseId, kind: 'potential_cause_report', trigger: 'potential_cause_analysis' });
      await reissue('potential_cause_analysis');
      await reply();
      await verifyAndClose();
      return;
    }

    // The reply clock (48 h urgent / 3 d normal / 7 d supplier) runs from the sample's arrival.
    const arrived = sample.data.sample === 'received' && sample.data.receivedAt ? new Date(sample.data.receivedAt).toISOString() : sample.at;
    await clock('reply', 'reply', 'sales', { startedAt: arrived });
    await clock('preliminary_analysis', 'preliminary_analysis', 'qa_engineer', { startedAt: arrived });
    const analysis = await humanStep('preliminary_analysis');
    await reissue('preliminary_analysis');

    if (!analysis.data.causeClear) {
      // §5.3(2)(3) cause unclear: reproduce on the line / deeper analysis by the responsible department.
      await clock('root_cause_analysis', 'root_cause_analysis', 'department_owner', { departmentId: analysis.data.responsibleDepartmentId });
      await humanStep('root_cause_analysis');
    }

    await capa();
    await reply();
    await verifyAndClose();
  }

  try {
    await procedure();
  } catch (err) {
    if (!(err instanceof Dismissed)) {
      // What the procedure recorded before it failed is still written (the queued step records).
      await writes?.drain().catch(() => undefined);
      throw err;
    }
    const d = dismissal!;
    clocks.cancelAll();
    state.resolution = d.data.reason satisfies Resolution;
    state.duplicateOf = d.data.duplicateOf ?? null;
    state.decisions.push({ at: now(), step: state.step, kind: 'dismissed', actorId: d.actor.id, data: { ...d.data }, signature: d.signature });
    await store.recordEvent({ caseId, key: `${wfId}:dismissed`, kind: 'case_dismissed', actorId: d.actor.id, data: { ...d.data, atStep: state.step, signature: d.signature } });
    for (const cm of state.countermeasures.filter((c) => c.status === 'open')) {
      await getExternalWorkflowHandle(countermeasureWorkflowId(wfId, cm.ref)).signal(cancelSignal, { reason: d.data.reason });
    }
    if (state.rpr?.status === 'open') await getExternalWorkflowHandle(state.rpr.workflowId).signal(cancelSignal, { reason: d.data.reason });
  }

  // ── Closed: entered in the register (the case row's status, resolution and closing time).
  state.status = 'closed';
  await Promise.all(children);
  await enterStep('closed');
  closedRecorded = true;
  await clocks.settled();
  await reissue('closed');
  await drainDocuments();
  if (input.category === 'environmental') await documents.issueDocument({ caseId, kind: 'communication_form', trigger: 'closed' });

  // ── Second satisfaction (二度满意): ask the customer whether the outcome met their
  // expectation; a dissatisfied answer opens a follow-up for the QA manager with its own clock.
  if (state.resolution === 'resolved' || state.resolution === 'answered_on_site') await secondSatisfaction();
  await writes?.drain();
  return state;

  async function secondSatisfaction(): Promise<void> {
    const survey = await store.openSurvey({ caseId, closedAt: now() });
    if (!survey) return;
    const sat: Satisfaction = { status: 'waiting', expiresAt: survey.expiresAt, answer: null, followUp: null };
    state.satisfaction = sat;
    await mail.sendSatisfactionRequest({ caseId, surveyUrl: survey.url });
    const answered = await condition(() => sat.answer !== null, Math.max(1, Date.parse(survey.expiresAt) - Date.now()));
    if (!answered) {
      sat.status = 'expired';
      await store.recordEvent({ caseId, key: `${wfId}:survey:expired`, kind: 'survey_expired', actorId: 'system', data: { expiresAt: survey.expiresAt } });
      return;
    }
    sat.status = 'answered';
    await store.recordSurveyAnswer({ caseId, answer: sat.answer! });
    if (sat.answer!.outcome !== 'dissatisfied') return;
    await clocks.start({ clock: 'satisfaction_followup', stopsAt: 'follow_up', owner: { role: 'qa_manager' }, startedAt: now() });
    await condition(() => sat.followUp !== null);
    await store.recordSurveyFollowUp({ caseId, ...sat.followUp! });
    sat.status = 'followed_up';
    await clocks.settled();
  }
}

export type { CaseState };
