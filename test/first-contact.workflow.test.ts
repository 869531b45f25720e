/**
 * The first-contact deadline logic of the complaint workflow, on the real Temporal dev
 * server with mocked activities and a plan of a few seconds: a reminder before the due
 * time, the escalation chain after it, none of it when the contact is recorded in time,
 * and the update validator's refusals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../activities';
import { caseStateQuery, recordContactUpdate } from '../workflows/messages';
import { complaintCase } from '../workflows/complaint-case';
import type { CaseInput, ClockPlan } from '../workflows/types';
import { eventually, testEnv, uid } from './helpers';

let env: TestWorkflowEnvironment;
const taskQueue = uid('wf-first-contact');

type Mocked = { [K in keyof Activities]: jest.Mock<ReturnType<Activities[K]>, Parameters<Activities[K]>> };
// Typed mocks: each takes exactly its activity's arguments.
const mock = <K extends keyof Activities>(fn: (...a: Parameters<Activities[K]>) => ReturnType<Activities[K]>) => jest.fn(fn);
let acts: Mocked;
let worker: Worker;
let running: Promise<void>;

/** A first-contact plan: due in `dueMs`, a reminder `leadMs` before it, escalations at due and 1 s after. */
let planFor: (startedAt: string) => ClockPlan;
function shortPlan(dueMs: number, leadMs: number) {
  return (startedAt: string): ClockPlan => {
    const start = Date.now();
    const due = new Date(start + dueMs).toISOString();
    return {
      clock: 'first_contact',
      startedAt,
      dueAt: due,
      originalDueAt: due,
      reminders: [{ at: new Date(start + dueMs - leadMs).toISOString(), lead: `${leadMs}ms` }],
      escalations: [
        { level: 1, at: due, notify: ['qa_manager', 'owner'] },
        { level: 2, at: new Date(start + dueMs + 1000).toISOString(), notify: ['management_rep'] },
      ],
    };
  };
}

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
  acts = {
    planClock: mock<'planClock'>(async (i) => planFor(i.startedAt)),
    recordClockOutcome: mock<'recordClockOutcome'>(async () => undefined),
    recordStep: mock<'recordStep'>(async () => undefined),
    recordEvent: mock<'recordEvent'>(async () => undefined),
    sendClockNotice: mock<'sendClockNotice'>(async () => ({ sent: 1, skipped: 0 })),
    issueDocument: mock<'issueDocument'>(async () => ({ version: 1, sha256: 'x' })),
    archiveHistory: mock<'archiveHistory'>(async () => ({ created: true, eventCount: 0, sha256: 'x' })),
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: acts,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

beforeEach(() => Object.values(acts).forEach((m) => m.mockClear()));

function input(caseNo: string): CaseInput {
  return {
    caseId: uid('case'),
    caseNo,
    receivedAt: new Date().toISOString(),
    category: 'quality',
    severity: 'urgent',
    origin: 'own_plant',
    sampleExpected: true,
    salesRepId: 'p-sales-wang',
    customerName: '苏州精密电子有限公司',
    product: 'XC-200',
  };
}

async function start(caseNo: string) {
  return env.client.workflow.start(complaintCase, { taskQueue, workflowId: uid(`wf-${caseNo}`), args: [input(caseNo)] });
}

const notices = (kind: 'reminder' | 'escalation') => acts.sendClockNotice.mock.calls.map(([a]) => a).filter((a) => a.kind === kind);

/** Save the history for the replay test when RECORD_HISTORIES=1 (see test/replay.test.ts). */
async function maybeRecord(handle: Awaited<ReturnType<typeof start>>, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  const dir = path.join(__dirname, 'histories');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), historyToJSON(history));
}

test('contact recorded in time: no reminder, no escalation, outcome met', async () => {
  planFor = shortPlan(30_000, 10_000);
  const h = await start('CC-2026-9001');
  await eventually(async () => (await h.query(caseStateQuery)).clocks.length === 1, 10_000, 'clock started');
  const state = await h.executeUpdate(recordContactUpdate, {
    args: [{ actorId: 'p-sales-wang', method: 'phone', summary: '已确认端子镀层起泡，安排取样' }],
  });
  expect(state.step).toBe('sample_pending');
  await eventually(async () => acts.recordClockOutcome.mock.calls.length === 1, 10_000, 'outcome recorded');
  const outcome = acts.recordClockOutcome.mock.calls[0][0].state;
  expect(outcome.outcome).toBe('met');
  expect(outcome.lateReason).toBeNull();
  expect(notices('reminder')).toHaveLength(0);
  expect(notices('escalation')).toHaveLength(0);
  await eventually(async () => acts.issueDocument.mock.calls.length === 2, 10_000, 'report re-issued');
  expect(acts.recordStep).toHaveBeenCalledWith(expect.objectContaining({ step: 'sample_pending' }));
  expect(acts.issueDocument.mock.calls.map(([a]) => a.trigger)).toEqual(['intake', 'first_contact']);
  await maybeRecord(h, 'first-contact-met');
});

test('no contact: reminder before the due time, then escalation to the QA manager and the management representative', async () => {
  planFor = shortPlan(3_000, 2_000);
  const h = await start('CC-2026-9002');
  await eventually(async () => notices('reminder').length === 1, 10_000, 'reminder');
  expect(notices('escalation')).toHaveLength(0);
  expect(notices('reminder')[0]).toMatchObject({ kind: 'reminder', notify: ['owner'] });

  await eventually(async () => notices('escalation').length === 2, 15_000, 'two escalation levels');
  const [l1, l2] = notices('escalation');
  expect(l1).toMatchObject({ level: 1, notify: ['qa_manager', 'owner'] });
  expect(l2).toMatchObject({ level: 2, notify: ['management_rep'] });
  // The reminder went out before the due time, the escalation at or after it.
  const plan = l1.plan;
  expect(acts.recordClockOutcome).not.toHaveBeenCalled();

  // Late contact without a reason is refused; with one it is recorded and the clock is frozen as missed.
  const err = await h
    .executeUpdate(recordContactUpdate, { args: [{ actorId: 'p-sales-wang', method: 'phone', summary: '已联络' }] })
    .catch((e) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(err.cause.message).toMatch(/lateReason is required/);

  const state = await h.executeUpdate(recordContactUpdate, {
    args: [{ actorId: 'p-sales-wang', method: 'phone', summary: '已联络', lateReason: '客户周末休息，无法联系' }],
  });
  expect(state.clocks[0]).toMatchObject({ outcome: 'missed', lateReason: '客户周末休息，无法联系', escalationLevel: 2 });
  expect(Date.parse(state.clocks[0].stoppedAt!)).toBeGreaterThan(Date.parse(plan.dueAt));
  await eventually(async () => acts.recordClockOutcome.mock.calls.length === 1, 10_000, 'outcome recorded');
  await maybeRecord(h, 'first-contact-missed');
});

test('the update validator rejects malformed input and a second contact without changing anything', async () => {
  planFor = shortPlan(30_000, 10_000);
  const h = await start('CC-2026-9003');
  await eventually(async () => (await h.query(caseStateQuery)).clocks.length === 1, 10_000, 'clock started');
  const bad = await h
    .executeUpdate(recordContactUpdate, { args: [{ actorId: 'p-sales-wang', method: 'fax' as never, summary: 'x' }] })
    .catch((e) => e);
  expect(bad).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(bad.cause.message).toMatch(/method must be one of/);
  expect((await h.query(caseStateQuery)).decisions).toHaveLength(0);

  await h.executeUpdate(recordContactUpdate, { args: [{ actorId: 'p-sales-wang', method: 'email', summary: 'ok' }] });
  const again = await h
    .executeUpdate(recordContactUpdate, { args: [{ actorId: 'p-sales-wang', method: 'email', summary: 'again' }] })
    .catch((e) => e);
  expect(again.cause.message).toMatch(/only be recorded while the case is at step first_contact/);
  expect((await h.query(caseStateQuery)).decisions).toHaveLength(1);
});
