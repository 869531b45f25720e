/**
 * The complaint procedure as a workflow, on the real Temporal dev server with typed
 * jest.fn activity mocks and clocks of a few seconds: every path of
 * shared/spec/complaint-procedure.md, the clocks' reminders, escalations, outcomes and
 * extensions, and the validators' refusals (wrong step, wrong role, bad data, own approval).
 * RECORD_HISTORIES=1 saves each history under test/histories for the replay test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../activities';
import { mock, mockActivities, type MockedActivities } from './activity-mocks';
import { complaintCase } from '../workflows/complaint-case';
import {
  answerSurveyUpdate,
  caseStateQuery,
  completeFollowUpUpdate,
  completeStepUpdate,
  countermeasureStateQuery,
  decideCompensationUpdate,
  dismissCaseUpdate,
  extendDeadlineUpdate,
  recordImplementationUpdate,
  requestCompensationUpdate,
  rprStateQuery,
  rprStepUpdate,
} from '../workflows/messages';
import { OverdueAttr } from '../workflows/search-attributes';
import { SIGNED_RPR_STEPS, SIGNED_STEPS, type HumanStep, type RprStep } from '../workflows/steps';
import type { Actor, CaseInput, ClockName, ClockPlan, Signature } from '../workflows/types';
import { eventually, testEnv, uid } from './helpers';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

let env: TestWorkflowEnvironment;
const taskQueue = uid('wf-procedure');
const documentsTaskQueue = `${taskQueue}-documents`;

let acts: MockedActivities;
let worker: Worker;
let documentsWorker: Worker;
let running: Promise<void>;

/** Per-clock due in ms (default 60 s); a reminder `leadMs` before, escalations at due and 1 s after. */
let dueMs: Partial<Record<ClockName, number>> = {};
let leadMs = 0;
/** How long the satisfaction survey's link stays valid; 0: the customer has no e-mail address (no survey). */
let surveyMs = 0;
/** Delay of planClock for countermeasure clocks (a slow database). */
let countermeasurePlanMs = 0;
function plan(i: Parameters<Activities['planClock']>[0]): ClockPlan {
  const start = Date.now();
  const due = i.dueAt ?? new Date(start + (dueMs[i.clock] ?? 60_000)).toISOString();
  const at = (ms: number) => new Date(Date.parse(due) + ms).toISOString();
  return {
    id: i.clockId,
    clock: i.clock,
    round: i.round,
    owner: i.owner,
    startedAt: i.startedAt,
    dueAt: due,
    originalDueAt: due,
    reminders: leadMs ? [{ at: at(-leadMs), lead: `${leadMs}ms` }] : [],
    escalations: [
      { level: 1, at: at(0), notify: ['qa_manager', 'owner'] },
      { level: 2, at: at(1000), notify: ['management_rep'] },
    ],
  };
}

const people = {
  sales: { id: 'p-sales-wang', role: 'sales', departmentId: 'dept-sales' },
  qa: { id: 'p-qa-zhang', role: 'qa_engineer', departmentId: 'dept-qa' },
  qa2: { id: 'p-qa-chen', role: 'qa_engineer', departmentId: 'dept-qa' },
  qam: { id: 'p-qam-liu', role: 'qa_manager', departmentId: 'dept-qa' },
  mfg: { id: 'p-mfg-zhao', role: 'department_owner', departmentId: 'dept-mfg' },
  eng: { id: 'p-eng-sun', role: 'department_owner', departmentId: 'dept-eng' },
  ga: { id: 'p-ga-zhou', role: 'general_affairs', departmentId: 'dept-ga' },
  mr: { id: 'p-mr-wu', role: 'management_rep', departmentId: 'dept-mgmt' },
} satisfies Record<string, Actor>;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
  acts = mockActivities({
    planClock: mock<'planClock'>(async (i) => {
      if (i.clock === 'countermeasure' && countermeasurePlanMs) await new Promise((r) => setTimeout(r, countermeasurePlanMs));
      return plan(i);
    }),
    extendClock: mock<'extendClock'>(async (i) => ({ ...plan({ caseId: i.caseId, clockId: i.clockId, clock: i.clockId.split(/[#:]/)[0] as ClockName, round: 1, owner: { role: 'sales' }, startedAt: new Date().toISOString(), dueAt: i.extension.toDueAt }) })),
    openSurvey: mock<'openSurvey'>(async () => (surveyMs ? { url: 'http://qms.example.test/survey/t0k3n', expiresAt: new Date(Date.now() + surveyMs).toISOString() } : null)),
  });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...WORKFLOW_CODE, activities: acts });
  // The forms go to a document worker on a queue of their own, as in production (CaseInput.documentsTaskQueue).
  documentsWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: documentsTaskQueue, activities: { issueDocument: acts.issueDocument } });
  running = Promise.all([worker.run(), documentsWorker.run()]).then(() => undefined);
});

afterAll(async () => {
  worker?.shutdown();
  documentsWorker?.shutdown();
  await running;
  await env?.teardown();
});

beforeEach(() => {
  Object.values(acts).forEach((m) => m.mockClear());
  dueMs = {};
  leadMs = 0;
  surveyMs = 0;
  countermeasurePlanMs = 0;
});

/** A case as the API starts it: the first-contact clock planned with the case (recordedAtIntake). */
function input(caseNo: string, over: Partial<CaseInput> = {}): CaseInput {
  const caseId = uid('case');
  const receivedAt = new Date().toISOString();
  return {
    caseId,
    caseNo,
    receivedAt,
    recordedAtIntake: { firstContactClock: plan({ caseId, clockId: 'first_contact', clock: 'first_contact', round: 1, owner: { role: 'sales' }, startedAt: receivedAt }) },
    category: 'quality',
    severity: 'urgent',
    origin: 'own_plant',
    sampleExpected: true,
    salesRepId: 'p-sales-wang',
    customerName: '苏州精密电子有限公司',
    product: 'XC-200',
    documentsTaskQueue,
    ...over,
  };
}

type Handle = WorkflowHandle<typeof complaintCase>;
const start = (caseNo: string, over: Partial<CaseInput> = {}) =>
  env.client.workflow.start(complaintCase, { taskQueue, workflowId: uid(`wf-${caseNo}`), args: [input(caseNo, over)] });

/** A signature as the API builds it after the password was re-entered (api/signatures.ts). */
const signature = (actor: Actor, meaning = 'signed'): Signature => ({
  signerId: actor.id,
  signerName: actor.id,
  role: actor.role,
  meaning,
  at: new Date().toISOString(),
  contentHash: 'ab'.repeat(32),
});
const step = (h: Handle, s: HumanStep, actor: Actor, data: unknown, lateReason?: string) =>
  h.executeUpdate(completeStepUpdate, { args: [{ step: s, actor, data, lateReason, signature: SIGNED_STEPS[s] ? signature(actor) : undefined }] });

/** The failure an update was refused with: its type and message. */
async function refused(p: Promise<unknown>): Promise<{ type: string; message: string }> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return { type: err.cause.type, message: err.cause.message };
}

const notices = (kind: 'reminder' | 'escalation') => acts.sendClockNotice.mock.calls.map(([a]) => a).filter((a) => a.kind === kind);
const outcomes = () => Object.fromEntries(acts.recordClockOutcome.mock.calls.map(([a]) => [a.state.id, a.state.outcome]));

async function maybeRecord(h: Handle, name: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const dir = path.join(__dirname, 'histories');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), historyToJSON(await h.fetchHistory()));
  // Child workflow ids derive from the workflow id, so the replay must use the same one.
  fs.writeFileSync(path.join(dir, `${name}.workflow-id`), h.workflowId);
}

const contact = { method: 'phone', summary: '已确认端子镀层起泡，安排取样' };
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const action = (what: string, dept = 'dept-mfg', days = 7) => ({ action: what, ownerDepartmentId: dept, dueAt: inDays(days) });

test('first contact in time: outcome met, no reminder, no escalation; the report is re-issued', async () => {
  const h = await start('CC-2026-9001');
  const state = await step(h, 'first_contact', people.sales, contact);
  expect(state.step).toBe('sample_pending');
  await eventually(async () => outcomes().first_contact === 'met', 10_000, 'outcome recorded');
  expect(notices('reminder')).toHaveLength(0);
  expect(notices('escalation')).toHaveLength(0);
  // The step is answered before the master form is re-issued (in the background, in order).
  await eventually(async () => acts.issueDocument.mock.calls.length === 2, 10_000, 'report re-issued');
  expect(acts.issueDocument.mock.calls.map(([a]) => a.trigger)).toEqual(['intake', 'first_contact']);
  await maybeRecord(h, 'first-contact-met');
  // The API planned the first clock with the case: the workflow made no planning call of its own.
  expect(acts.planClock.mock.calls.map(([a]) => a.clock)).not.toContain('first_contact');
  await h.terminate('test done');
});

test('a step is written as one local activity: its record, the clocks it starts, the next step and the stopped clock\'s outcome', async () => {
  const h = await start('CC-2026-9021');
  await step(h, 'first_contact', people.sales, contact);
  const batches = () => acts.writeBatch.mock.calls.map(([b]) => b.ops.map((o) => (o.name === 'planClock' ? `planClock:${o.input.clock}` : o.name)));
  expect(batches()).toEqual([['recordEvent', 'recordStep', 'recordClockOutcome']]);
  const state = await step(h, 'sample_pending', people.sales, { sample: 'received' });
  // The update answers once the batch is written: the clocks it planned are running.
  expect(state.step).toBe('preliminary_analysis');
  expect(state.clocks.map((c) => c.id)).toEqual(['first_contact', 'reply', 'preliminary_analysis']);
  expect(batches()[1]).toEqual(['recordEvent', 'planClock:reply', 'planClock:preliminary_analysis', 'recordStep']);
  // The same writes, each as the store saw it (the batch hands them to the store activities in order).
  expect(acts.recordStep.mock.calls.map(([a]) => a.step)).toEqual(['sample_pending', 'preliminary_analysis']);
  expect(acts.recordEvent.mock.calls.map(([a]) => a.key.split(':').slice(-3).join(':'))).toEqual(['0:first_contact:completed', '1:sample_pending:completed']);
  await h.terminate('test done');
});

test('a case started by the recovery sweep (nothing planned at intake) plans its first clock itself', async () => {
  const h = await start('CC-2026-9020', { recordedAtIntake: undefined });
  await eventually(async () => acts.planClock.mock.calls.some(([a]) => a.clock === 'first_contact'), 10_000, 'first clock planned');
  expect(acts.planClock.mock.calls[0][0]).toMatchObject({ clockId: 'first_contact', round: 1, owner: { role: 'sales' } });
  const state = await step(h, 'first_contact', people.sales, contact);
  expect(state.step).toBe('sample_pending');
  await eventually(async () => outcomes().first_contact === 'met', 10_000, 'outcome recorded');
  await h.terminate('test done');
});

test('no contact: reminder before the due time, escalation levels after it; a late contact needs its reason', async () => {
  dueMs = { first_contact: 3_000 };
  leadMs = 2_000;
  const h = await start('CC-2026-9002');
  await eventually(async () => notices('escalation').length === 2, 15_000, 'two escalation levels');
  expect(notices('reminder')).toHaveLength(1);
  expect(notices('reminder')[0]).toMatchObject({ notify: ['owner'] });
  const [l1, l2] = notices('escalation');
  expect(l1).toMatchObject({ level: 1, notify: ['qa_manager', 'owner'] });
  expect(l2).toMatchObject({ level: 2, notify: ['management_rep'] });
  expect((await h.describe()).typedSearchAttributes.get(OverdueAttr)).toBe(true);

  expect(await refused(step(h, 'first_contact', people.sales, contact))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/lateReason is required/) });
  const state = await step(h, 'first_contact', people.sales, contact, '客户周末休息，无法联系');
  expect(state.clocks[0]).toMatchObject({ id: 'first_contact', outcome: 'missed', lateReason: '客户周末休息，无法联系', escalationLevel: 2 });
  await eventually(async () => outcomes().first_contact === 'missed', 10_000, 'outcome recorded');
  // The Overdue search attribute (Temporal UI: `Overdue = true`) follows the running clocks.
  await eventually(async () => (await h.describe()).typedSearchAttributes.get(OverdueAttr) === false, 10_000, 'Overdue cleared');
  await maybeRecord(h, 'first-contact-missed');
  await h.terminate('test done');
});

test('validators refuse a wrong step (409), a wrong role (403) and bad data (422 with the field), recording nothing', async () => {
  const h = await start('CC-2026-9003');
  expect(await refused(step(h, 'first_contact', people.qa, contact))).toMatchObject({ type: 'Forbidden' });
  expect(await refused(step(h, 'first_contact', people.sales, { method: 'fax', summary: 'x' }))).toMatchObject({
    type: 'ValidationError',
    message: expect.stringMatching(/^data\.method /),
  });
  expect(await refused(step(h, 'preliminary_analysis', people.qa, {}))).toMatchObject({ type: 'WrongState' });
  expect((await h.query(caseStateQuery)).decisions).toHaveLength(0);
  await step(h, 'first_contact', people.sales, contact);
  expect(await refused(step(h, 'first_contact', people.sales, contact))).toMatchObject({ type: 'WrongState' });
  expect((await h.query(caseStateQuery)).decisions).toHaveLength(1);
  await h.terminate('test done');
});

test('own plant, cause unclear, plan rejected once, serious case: the whole procedure to closure', async () => {
  const h = await start('CC-2026-9004', { severity: 'normal' });
  await step(h, 'first_contact', people.sales, contact);
  let s = await step(h, 'sample_pending', people.sales, { sample: 'received' });
  expect(s.step).toBe('preliminary_analysis');
  expect(s.clocks.map((c) => c.id)).toEqual(['first_contact', 'reply', 'preliminary_analysis']);

  s = await step(h, 'preliminary_analysis', people.qa, {
    phenomenon: '端子镀层起泡',
    occurrenceCause: '电镀前处理不充分，待确认',
    escapeCause: '出货检验未做附着力测试',
    responsibleDepartmentId: 'dept-mfg',
    causeClear: false,
    meeting: { heldAt: new Date().toISOString(), attendees: ['张伟', '赵磊', '孙丽'] },
  });
  expect(s.step).toBe('root_cause_analysis');
  // Department work comes from the responsible department only.
  expect(await refused(step(h, 'root_cause_analysis', people.eng, { method: 'reproduction', reproduced: true, rootCause: 'x' }))).toMatchObject({ type: 'Forbidden' });
  s = await step(h, 'root_cause_analysis', people.mfg, { method: 'reproduction', reproduced: true, rootCause: '脱脂槽温度偏低导致前处理不足' });
  expect(s.step).toBe('capa_plan');

  const plan1 = { containment: [action('库存全检并隔离')], permanent: [action('脱脂槽温度联锁')], prevention: [] };
  await step(h, 'capa_plan', people.mfg, plan1);
  // Approvals are signed: without the signature the API builds after the password, refused.
  expect(await refused(h.executeUpdate(completeStepUpdate, { args: [{ step: 'capa_approval', actor: people.qam, data: { decision: 'rejected', reason: 'x' } }] }))).toMatchObject({
    type: 'ValidationError',
    message: expect.stringMatching(/^password is required/),
  });
  s = await step(h, 'capa_approval', people.qam, { decision: 'rejected', reason: '永久对策缺少验证方法' });
  expect(s.step).toBe('capa_plan');
  expect(s.capaRound).toBe(2);
  await step(h, 'capa_plan', people.mfg, { ...plan1, prevention: [action('作业标准书修订', 'dept-eng')] });
  s = await step(h, 'capa_approval', people.qam, { decision: 'approved', serious: true });
  expect(s.step).toBe('reply');
  expect(s.countermeasures.map((c) => c.ref)).toEqual(['R2-C1', 'R2-P1', 'R2-M1']);
  expect(s.rpr).toMatchObject({ status: 'open' });

  await step(h, 'reply', people.sales, { method: 'email', summary: '已回复客户 8D 报告' });
  // The effect at the customer is confirmed only after every countermeasure is carried out.
  expect(await refused(step(h, 'effect_confirmation', people.sales, { effective: true, customerFeedback: 'ok' }))).toMatchObject({ type: 'WrongState' });

  const cmId = (ref: string) => `${h.workflowId}:cm:${ref}`;
  for (const [ref, who] of [['R2-C1', people.mfg], ['R2-P1', people.mfg], ['R2-M1', people.eng]] as const) {
    const cm = env.client.workflow.getHandle(cmId(ref));
    if (ref === 'R2-P1') {
      expect(await refused(cm.executeUpdate(recordImplementationUpdate, { args: [{ actor: people.eng, effect: 'x' }] }))).toMatchObject({ type: 'Forbidden' });
    }
    const done = await cm.executeUpdate(recordImplementationUpdate, { args: [{ actor: who, effect: `${ref} 已实施，效果良好` }] });
    expect(done.status).toBe('implemented');
    expect((await cm.query(countermeasureStateQuery)).clock).toMatchObject({ id: `countermeasure:${ref}` });
  }
  await eventually(async () => (await h.query(caseStateQuery)).countermeasures.every((c) => c.status === 'implemented'), 10_000, 'countermeasures implemented');

  // Recurrence Prevention Report: its own child workflow, closed before the case.
  const rpr = env.client.workflow.getHandle(`${h.workflowId}:rpr`);
  const rprStep = (st: RprStep, actor: Actor, data: unknown) =>
    rpr.executeUpdate(rprStepUpdate, { args: [{ step: st, actor, data, signature: SIGNED_RPR_STEPS[st] ? signature(actor) : undefined }] });
  await rprStep('proposal', people.mfg, { problem: '镀层起泡', rootCause: '脱脂温度', measures: [action('脱脂槽温度在线监控')] });
  expect(await refused(rprStep('approval', people.qa, { decision: 'approved' }))).toMatchObject({ type: 'Forbidden' });
  await rprStep('approval', people.qam, { decision: 'approved' });
  await rprStep('implementation', people.mfg, { note: '已安装温控报警' });
  await rprStep('effect', people.mfg, { effect: '连续 4 周无起泡' });
  const r = await rprStep('verification', people.qa, { effective: true, comment: '有效' });
  expect(r.step).toBe('closed');
  expect((await rpr.query(rprStateQuery)).clocks.map((c) => c.id)).toEqual(['rpr_proposal', 'rpr_approval', 'rpr_implementation', 'rpr_effect', 'rpr_verification']);
  await eventually(async () => (await h.query(caseStateQuery)).rpr?.status === 'closed', 10_000, 'rpr closed on the case');

  await step(h, 'effect_confirmation', people.sales, { effective: true, customerFeedback: '客户确认新批次无不良' });
  await step(h, 'verification', people.qa, { noRecurrence: true, lastMonthActionsDone: true, comment: '当月无再发' });
  // Nobody approves their own submission; the QA manager closes.
  s = await step(h, 'closure', people.qam, { comment: '结案' });
  expect(s).toMatchObject({ status: 'closed', step: 'closed', resolution: 'resolved' });
  const result = await h.result();
  expect(result.status).toBe('closed');

  const o = outcomes();
  expect(o).toMatchObject({
    first_contact: 'met',
    reply: 'met',
    preliminary_analysis: 'met',
    root_cause_analysis: 'met',
    capa_plan: 'met',
    capa_approval: 'met',
    'capa_plan#2': 'met',
    'capa_approval#2': 'met',
    'countermeasure:R2-P1': 'met',
    'effect_confirmation#2': 'met',
    'verification#2': 'met',
    closure: 'met',
  });
  expect(acts.issueDocument.mock.calls.map(([a]) => a.trigger)).toEqual(
    expect.arrayContaining(['intake', 'first_contact', 'preliminary_analysis', 'capa_approval#2', 'reply', 'closed', 'rpr_raised']),
  );
  // The reply letter is filed and sent to the customer; the RPR files its own report when it closes.
  expect(acts.issueDocument.mock.calls.map(([a]) => a.kind)).toEqual(expect.arrayContaining(['customer_reply', 'recurrence_prevention_report']));
  expect(acts.sendCustomerReply).toHaveBeenCalledWith({ caseId: expect.any(String), documentId: 'doc-1' });
  await maybeRecord(h, 'own-plant-full');
  await maybeRecord(env.client.workflow.getHandle(cmId('R2-P1')) as unknown as Handle, 'countermeasure');
  await maybeRecord(rpr as unknown as Handle, 'recurrence-prevention');
});

test('extension with the customer’s consent before the deadline: met after extension; after it passed: refused', async () => {
  dueMs = { first_contact: 4_000 };
  const h = await start('CC-2026-9005');
  await eventually(async () => (await h.query(caseStateQuery)).clocks.length === 1, 10_000, 'clock started');
  const consent = { by: '客户采购 李经理', at: new Date().toISOString(), method: 'phone' as const };
  expect(await refused(h.executeUpdate(extendDeadlineUpdate, { args: [{ actor: people.sales, clockId: 'first_contact', newDueAt: new Date(Date.now() - 1000).toISOString(), reason: 'x', consent }] }))).toMatchObject({
    type: 'ValidationError',
    message: expect.stringMatching(/^newDueAt/),
  });
  const clock = await h.executeUpdate(extendDeadlineUpdate, {
    args: [{ actor: people.sales, clockId: 'first_contact', newDueAt: new Date(Date.now() + 60_000).toISOString(), reason: '客户出差，约定周一联络', consent }],
  });
  expect(clock.extensions).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 4_500)); // past the original due time, within the new one
  expect(notices('escalation')).toHaveLength(0);
  await step(h, 'first_contact', people.sales, contact);
  await eventually(async () => outcomes().first_contact === 'met_after_extension', 10_000, 'met after extension');

  // A second case whose deadline already passed cannot be extended any more.
  dueMs = { first_contact: 1_000 };
  const late = await start('CC-2026-9006');
  await eventually(async () => notices('escalation').length >= 1, 10_000, 'overdue');
  expect(await refused(late.executeUpdate(extendDeadlineUpdate, { args: [{ actor: people.sales, clockId: 'first_contact', newDueAt: inDays(1), reason: 'x', consent }] }))).toMatchObject({ type: 'WrongState' });
  await maybeRecord(h, 'extension');
  await late.terminate('test done');
  await h.terminate('test done');
});

test('a duplicate is dismissed by the QA manager with its reason: clocks cancelled, case closed, nothing deleted', async () => {
  const h = await start('CC-2026-9007');
  await step(h, 'first_contact', people.sales, contact);
  await step(h, 'sample_pending', people.sales, { sample: 'received' });
  expect(await refused(h.executeUpdate(dismissCaseUpdate, { args: [{ actor: people.sales, reason: 'duplicate', explanation: 'x', duplicateOf: 'CC-2026-0001' }] }))).toMatchObject({ type: 'Forbidden' });
  expect(await refused(h.executeUpdate(dismissCaseUpdate, { args: [{ actor: people.qam, reason: 'duplicate', explanation: '同一批次已立案' }] }))).toMatchObject({
    type: 'ValidationError',
    message: expect.stringMatching(/^duplicateOf/),
  });
  const s = await h.executeUpdate(dismissCaseUpdate, { args: [{ actor: people.qam, reason: 'duplicate', explanation: '同一批次已立案', duplicateOf: 'CC-2026-0001', signature: signature(people.qam) }] });
  expect(s).toMatchObject({ status: 'closed', resolution: 'duplicate', duplicateOf: 'CC-2026-0001' });
  await h.result();
  expect(outcomes()).toMatchObject({ first_contact: 'met', reply: 'cancelled', preliminary_analysis: 'cancelled' });
  expect(acts.recordEvent.mock.calls.map(([e]) => e.kind)).toContain('case_dismissed');
  await maybeRecord(h, 'dismissed-duplicate');
});

test('installation / usage problem: answered on the spot by sales, recorded, closed', async () => {
  const h = await start('CC-2026-9008', { category: 'installation_usage', sampleExpected: false });
  await step(h, 'first_contact', people.sales, contact);
  const s = await step(h, 'onsite_resolution', people.sales, { answer: '指导客户按说明书重新设定参数', customerAccepted: true });
  expect(s).toMatchObject({ status: 'closed', resolution: 'answered_on_site' });
  await h.result();
});

test('environmental complaint: general affairs investigates, the responsible unit writes its solution, reply, verification', async () => {
  const h = await start('CC-2026-9009', { category: 'environmental', sampleExpected: false });
  await step(h, 'first_contact', people.sales, contact);
  expect(await refused(step(h, 'environmental_investigation', people.qa, {}))).toMatchObject({ type: 'Forbidden' });
  await step(h, 'environmental_investigation', people.ga, { findings: '包装材料含溴阻燃剂', responsibleDepartmentId: 'dept-eng' });
  await step(h, 'capa_plan', people.eng, { containment: [action('停用该批包材', 'dept-eng')], permanent: [action('更换无卤包材', 'dept-eng')] });
  await step(h, 'capa_approval', people.qam, { decision: 'approved' });
  for (const ref of ['C1', 'P1']) {
    await env.client.workflow.getHandle(`${h.workflowId}:cm:${ref}`).executeUpdate(recordImplementationUpdate, { args: [{ actor: people.eng, effect: '完成' }] });
  }
  await step(h, 'reply', people.sales, { method: 'letter', summary: '已更换无卤包材' });
  await eventually(async () => (await h.query(caseStateQuery)).countermeasures.every((c) => c.status === 'implemented'), 30_000, 'implemented').catch(async (err) => {
    const cms = (await h.query(caseStateQuery)).countermeasures;
    const kids = await Promise.all(['C1', 'P1'].map(async (ref) => (await env.client.workflow.getHandle(`${h.workflowId}:cm:${ref}`).describe()).status.name));
    const hist = await h.fetchHistory();
    throw new Error(`${(err as Error).message}; parent sees ${JSON.stringify(cms.map((c) => c.status))}, children ${kids.join(',')}; parent history tail: ${hist.events!.slice(-8).map((e) => e.eventType).join(',')}`);
  });
  await step(h, 'effect_confirmation', people.sales, { effective: true, customerFeedback: '客户确认' });
  await step(h, 'verification', people.qa, { noRecurrence: true, lastMonthActionsDone: true, comment: 'ok' });
  const s = await step(h, 'closure', people.qam, {});
  expect(s.resolution).toBe('resolved');
  await maybeRecord(h, 'environmental');
});

test('a countermeasure implemented while its clock is still being planned: the clock stops at that moment, the case sees it implemented', async () => {
  countermeasurePlanMs = 1500;
  const h = await start('CC-2026-9014', { category: 'environmental', sampleExpected: false });
  await step(h, 'first_contact', people.sales, contact);
  await step(h, 'environmental_investigation', people.ga, { findings: '包装材料含溴阻燃剂', responsibleDepartmentId: 'dept-eng' });
  await step(h, 'capa_plan', people.eng, { containment: [action('停用该批包材', 'dept-eng')], permanent: [action('更换无卤包材', 'dept-eng')] });
  await step(h, 'capa_approval', people.qam, { decision: 'approved' });
  // The children's clocks are still being planned (1.5 s): the implementations arrive first.
  const before = Date.now();
  for (const ref of ['C1', 'P1']) {
    const child = env.client.workflow.getHandle(`${h.workflowId}:cm:${ref}`);
    await child.executeUpdate(recordImplementationUpdate, { args: [{ actor: people.eng, effect: '完成' }] });
    expect(await child.result()).toMatchObject({ status: 'implemented' });
  }
  const outcome = acts.recordClockOutcome.mock.calls.map(([a]) => a.state).find((st) => st.id === 'countermeasure:C1')!;
  expect(outcome.outcome).toBe('met');
  // Stopped when the implementation was recorded, not when the planning finished 1.5 s later.
  expect(Date.parse(outcome.stoppedAt!) - before).toBeLessThan(1000);
  await eventually(async () => (await h.query(caseStateQuery)).countermeasures.every((c) => c.status === 'implemented'), 10_000, 'implemented in the case');
  await h.terminate('test done');
});

test('no sample, the customer wants an explanation: potential-failure-cause report within 48 h, then the reply', async () => {
  const h = await start('CC-2026-9010', { sampleExpected: false, origin: 'supplier' });
  await step(h, 'first_contact', people.sales, contact);
  let s = await step(h, 'sample_pending', people.sales, { sample: 'none', customerWantsExplanation: true });
  expect(s.step).toBe('potential_cause_analysis');
  expect(s.clocks.map((c) => c.id)).toEqual(['first_contact', 'potential_cause_report', 'reply']);
  await step(h, 'potential_cause_analysis', people.qa, {
    phenomenon: '异响',
    potentialCauses: [{ cause: '轴承润滑不足', likelihood: 'high', verification: '拆解检查' }],
    conclusion: '最可能为轴承润滑不足',
  });
  await step(h, 'reply', people.sales, { method: 'email', summary: '说明潜在原因' });
  await step(h, 'verification', people.qa, { noRecurrence: true, lastMonthActionsDone: true, comment: 'ok' });
  s = await step(h, 'closure', people.qam, {});
  expect(s.status).toBe('closed');
});

test('compensation: the authority matrix names the approver; others and the requester are refused; closure waits for it', async () => {
  const h = await start('CC-2026-9011', { category: 'installation_usage' });
  // A write refused for good (here: the authority matrix's currency) fails that request only; the case goes on.
  acts.compensationApprover.mockImplementationOnce(async () => {
    throw ApplicationFailure.nonRetryable('The authority matrix is in CNY; a compensation in USD needs the management representative', 'CurrencyMismatch');
  });
  expect(await refused(h.executeUpdate(requestCompensationUpdate, { args: [{ actor: people.sales, amount: 7_000, currency: 'USD', responsibleDepartmentId: 'dept-mfg', reason: '运费' }] }))).toMatchObject({
    type: 'CurrencyMismatch',
    message: expect.stringMatching(/authority matrix is in CNY/),
  });
  const c = await h.executeUpdate(requestCompensationUpdate, { args: [{ actor: people.sales, amount: 50_000, currency: 'CNY', responsibleDepartmentId: 'dept-mfg', reason: '退货运费及停线损失' }] });
  expect(c.requiredRole).toBe('management_rep');
  expect(await refused(h.executeUpdate(decideCompensationUpdate, { args: [{ actor: people.qam, decision: 'approved' }] }))).toMatchObject({ type: 'Forbidden' });
  expect(await refused(h.executeUpdate(decideCompensationUpdate, { args: [{ actor: people.mr, decision: 'approved' }] }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/^password/) });
  const d = await h.executeUpdate(decideCompensationUpdate, { args: [{ actor: people.mr, decision: 'approved', note: '同意', signature: signature(people.mr) }] });
  expect(d).toMatchObject({ decision: 'approved', approvedBy: 'p-mr-wu' });
  await eventually(async () => outcomes().compensation_approval === 'met', 10_000, 'approval clock met');
  await h.terminate('test done');
});

test('second satisfaction after closure: a dissatisfied answer opens a follow-up for the QA manager with its clock', async () => {
  surveyMs = 60_000;
  const h = await start('CC-2026-9012', { category: 'installation_usage' });
  await step(h, 'first_contact', people.sales, contact);
  await step(h, 'onsite_resolution', people.sales, { answer: '现场指导重新接线', customerAccepted: true });
  await eventually(async () => acts.sendSatisfactionRequest.mock.calls.length === 1, 10_000, 'survey sent');
  expect(acts.sendSatisfactionRequest.mock.calls[0][0]).toMatchObject({ surveyUrl: 'http://qms.example.test/survey/t0k3n' });
  expect(await refused(h.executeUpdate(answerSurveyUpdate, { args: [{ outcome: 'angry' as never, speed: 3, communication: 3 }] }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/^outcome/) });
  let s = await h.executeUpdate(answerSurveyUpdate, { args: [{ outcome: 'dissatisfied', speed: 2, communication: 1, comment: '回复太慢' }] });
  expect(s.satisfaction).toMatchObject({ answer: { outcome: 'dissatisfied' } });
  expect(await refused(h.executeUpdate(answerSurveyUpdate, { args: [{ outcome: 'satisfied', speed: 5, communication: 5 }] }))).toMatchObject({ type: 'WrongState' });
  await eventually(async () => (await h.query(caseStateQuery)).clocks.some((c) => c.id === 'satisfaction_followup'), 10_000, 'follow-up clock');
  expect(await refused(h.executeUpdate(completeFollowUpUpdate, { args: [{ actor: people.qa, actions: 'x' }] }))).toMatchObject({ type: 'Forbidden' });
  s = await h.executeUpdate(completeFollowUpUpdate, { args: [{ actor: people.qam, actions: '品保主管致电客户致歉，约定回复时限改为 24 小时' }] });
  expect(s.satisfaction).toMatchObject({ status: 'followed_up', followUp: { actorId: 'p-qam-liu' } });
  await h.result();
  expect(acts.recordSurveyAnswer).toHaveBeenCalledTimes(1);
  expect(acts.recordSurveyFollowUp).toHaveBeenCalledTimes(1);
  expect(outcomes().satisfaction_followup).toBe('met');
  await maybeRecord(h, 'satisfaction-followup');
});

test('an unanswered survey expires and the workflow completes', async () => {
  surveyMs = 1_500;
  const h = await start('CC-2026-9013', { category: 'installation_usage' });
  await step(h, 'first_contact', people.sales, contact);
  await step(h, 'onsite_resolution', people.sales, { answer: '说明书第 5 页', customerAccepted: true });
  const result = await h.result();
  expect(result.satisfaction).toMatchObject({ status: 'expired', answer: null });
});
