/**
 * 客户抱怨处理 — one customer complaint case, from receipt to closure, as a durable
 * workflow. The steps follow the regulation (XX公司-客户抱怨管理规定, §5); each step has
 * its deadline clock (workflows/clock.ts). Side effects (database mirror, e-mail, PDFs,
 * calendar arithmetic) are activities; this file only decides and waits.
 *
 * Implemented so far: §5.1 intake and the 12-hour first contact with the customer.
 * The case then waits for the sample (sample_pending); the analysis, CAPA, reply,
 * verification and closure steps come next (issue #3).
 */
import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DeadlineClock, type ClockHandlers } from './clock';
import { caseStateQuery, recordContactUpdate } from './messages';
import { CaseStepAttr, OverdueAttr } from './search-attributes';
import {
  CONTACT_METHODS,
  type CaseInput,
  type CaseState,
  type CaseStep,
  type ClockName,
  type RecordContactInput,
} from './types';

const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
const mail = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // Never lost: SMTP outages are retried with backoff; the activity itself decides when
  // a failure is permanent (bad address) and records it.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});
const documents = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export async function complaintCase(input: CaseInput): Promise<CaseState> {
  const state: CaseState = {
    caseNo: input.caseNo,
    step: 'first_contact',
    status: 'open',
    clocks: [],
    decisions: [],
  };
  setHandler(caseStateQuery, () => state);

  const clockHandlers: ClockHandlers = {
    onReminder: async (plan, event) => {
      await mail.sendClockNotice({ caseId: input.caseId, plan, kind: 'reminder', level: event.index, notify: ['owner'] });
    },
    onEscalation: async (plan, event) => {
      if (event.level === 1) upsertSearchAttributes([{ key: OverdueAttr, value: true }]);
      await mail.sendClockNotice({ caseId: input.caseId, plan, kind: 'escalation', level: event.level, notify: event.notify });
    },
  };

  /** Start a clock from the case's policy; `done` tells when its step is complete. */
  async function startClock(clock: ClockName, startedAt: string, done: () => boolean): Promise<DeadlineClock> {
    const plan = await store.planClock({ caseId: input.caseId, clock, startedAt });
    const c = new DeadlineClock(plan, done, clockHandlers);
    state.clocks.push(c.state);
    return c;
  }

  async function enterStep(step: CaseStep): Promise<void> {
    state.step = step;
    upsertSearchAttributes([{ key: CaseStepAttr, value: step }]);
    await store.recordStep({ caseId: input.caseId, step, status: state.status });
  }

  // ── §5.1 Intake is recorded by the API before the workflow starts; file the master form.
  await documents.issueDocument({ caseId: input.caseId, kind: 'market_quality_report', trigger: 'intake' });

  // ── §5.1 First contact with the customer within 12 hours: confirm the defect and the next steps.
  let contact: RecordContactInput | null = null;
  const firstContact = await startClock('first_contact', input.receivedAt, () => contact !== null);

  setHandler(
    recordContactUpdate,
    async (req) => {
      const late = firstContact.isOverdue();
      contact = req;
      firstContact.state.lateReason = late ? (req.lateReason ?? null) : null;
      state.decisions.push({
        at: new Date(Date.now()).toISOString(),
        step: 'first_contact',
        kind: 'contact_recorded',
        actorId: req.actorId,
        data: { ...req },
      });
      await store.recordEvent({
        caseId: input.caseId,
        key: `${workflowInfo().workflowId}:contact_recorded`,
        kind: 'contact_recorded',
        actorId: req.actorId,
        data: { ...req },
      });
      // Answer with the state after the step: clock stopped, outcome frozen, next step entered.
      await condition(() => state.step !== 'first_contact');
      return state;
    },
    {
      validator: (req) => {
        if (state.step !== 'first_contact' || contact !== null) {
          throw ApplicationFailure.nonRetryable(
            `The first contact can only be recorded while the case is at step first_contact; it is at ${state.step}.`,
            'WrongState',
          );
        }
        if (!req || typeof req.actorId !== 'string' || !req.actorId) invalid('actorId', 'is required');
        if (!CONTACT_METHODS.includes(req.method)) invalid('method', `must be one of ${CONTACT_METHODS.join(', ')}`);
        if (typeof req.summary !== 'string' || !req.summary.trim()) invalid('summary', 'is required');
        if (firstContact.isOverdue() && !req.lateReason?.trim()) {
          invalid('lateReason', `is required: the first-contact deadline passed at ${firstContact.state.dueAt} (§6(5))`);
        }
      },
    },
  );

  const contactOutcome = await firstContact.run();
  upsertSearchAttributes([{ key: OverdueAttr, value: false }]);
  await enterStep('sample_pending');
  await store.recordClockOutcome({ caseId: input.caseId, state: contactOutcome });
  await documents.issueDocument({ caseId: input.caseId, kind: 'market_quality_report', trigger: 'first_contact' });

  // ── §5.1.1(2) the sample comes back to QA … (next steps: issue #3)
  await condition(() => state.status === 'closed');
  return state;
}

function invalid(field: string, reason: string): never {
  throw ApplicationFailure.nonRetryable(`${field} ${reason}`, 'ValidationError', { field, reason });
}
