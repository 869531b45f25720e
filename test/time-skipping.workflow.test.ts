/**
 * The deadline clocks on REAL policy durations (12 h, 24 h, 48 h, 3 days, 7 days, working
 * time), on Temporal's time-skipping test server: the test skips time with `env.sleep(…)`
 * instead of waiting. The planClock mock computes each plan with the real policy arithmetic
 * (computeClockPlan on the seeded policy, or a working-time variant of it); every other
 * activity is a typed jest.fn. A notice's workflow time is the time its activity was
 * scheduled (activity Info), so escalations are checked against the planned due time.
 *
 * The server is the Java test server (scripts/time-skipping-server.ts: TEMPORAL_TEST_SERVER_PATH,
 * else the per-user cache, else built with Maven). If it can be neither found nor built, every
 * test here fails with that reason. The dev server of the jest global setup is not used.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { mock, mockActivities, type MockedActivities } from './activity-mocks';
import { computeClockPlan, policyDefinitionSchema, type CaseAttributes, type PolicyDefinition } from '../activities/policy';
import seedData from '../prisma/seed-data.json';
import { ensureTimeSkippingServer } from '../scripts/time-skipping-server';
import { complaintCase } from '../workflows/complaint-case';
import { caseStateQuery, completeStepUpdate } from '../workflows/messages';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type { HumanStep } from '../workflows/steps';
import type { Actor, CaseInput, ClockPlan } from '../workflows/types';
import { eventually, uid } from './helpers';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const ZONE = 'Asia/Shanghai';

let env: TestWorkflowEnvironment;
const taskQueue = uid('wf-time-skipping');

let acts: MockedActivities;
let worker: Worker;
let running: Promise<void>;

/** The seeded default policy (prisma/seed-data.json), parsed as the planClock activity parses it. */
const seededPolicy = policyDefinitionSchema.parse(seedData.policy.definition);
/** What the planClock activity reads from the case row: its attributes and its policy version. */
const caseRows = new Map<string, { attrs: CaseAttributes; policy: PolicyDefinition }>();
/** Every plan the mock computed, by case id. */
const plans: { caseId: string; plan: ClockPlan }[] = [];
/** Every clock notice with the workflow time at which it was scheduled. */
const sent: { caseId: string; clockId: string; kind: 'reminder' | 'escalation'; level: number; notify: string[]; at: number }[] = [];

beforeAll(async () => {
  let server: string;
  try {
    server = (await ensureTimeSkippingServer((l) => process.stderr.write(`${l}\n`))).path;
  } catch (err) {
    throw new Error(`Temporal's time-skipping test server is not available, so these tests cannot run: ${(err as Error).message}`);
  }
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } });
  // The case workflow upserts its search attributes (CaseStep, Overdue): register them.
  const TYPES = temporal.api.enums.v1.IndexedValueType;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, type === 'Bool' ? TYPES.INDEXED_VALUE_TYPE_BOOL : TYPES.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });

  acts = mockActivities({
    planClock: mock<'planClock'>(async (i) => {
      const row = caseRows.get(i.caseId);
      if (!row) throw new Error(`no case ${i.caseId}`);
      const plan = computeClockPlan(row.policy, i.clock, row.attrs, new Date(i.startedAt), {
        id: i.clockId,
        round: i.round,
        owner: i.owner,
        dueAt: i.dueAt ? new Date(i.dueAt) : undefined,
      });
      plans.push({ caseId: i.caseId, plan });
      return plan;
    }),
    sendClockNotice: mock<'sendClockNotice'>(async (i) => {
      sent.push({
        caseId: i.caseId,
        clockId: i.plan.id,
        kind: i.kind,
        level: i.level,
        notify: i.notify,
        at: Context.current().info.scheduledTimestampMs,
      });
      return { sent: 1, skipped: 0 };
    }),
  });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...WORKFLOW_CODE, activities: acts });
  running = worker.run();
}, 10 * 60_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const people = {
  sales: { id: 'p-sales-wang', role: 'sales', departmentId: 'dept-sales' },
} satisfies Record<string, Actor>;
const contact = { method: 'phone', summary: '已确认端子镀层起泡，安排取样' };

type Handle = WorkflowHandle<typeof complaintCase>;

/** Workflow time on the test server (it only moves by skipping, or in real time between skips). */
const serverNow = async () => env.currentTimeMs();
const iso = (ms: number) => new Date(ms).toISOString();

/** Start a case received at `receivedAt` whose clocks follow `policy`. */
async function start(caseNo: string, receivedAt: number, over: Partial<CaseInput> = {}, policy = seededPolicy): Promise<Handle> {
  const input: CaseInput = {
    caseId: uid('case'),
    caseNo,
    receivedAt: iso(receivedAt),
    category: 'quality',
    severity: 'urgent',
    origin: 'own_plant',
    sampleExpected: true,
    salesRepId: 'p-sales-wang',
    customerName: '苏州精密电子有限公司',
    product: 'XC-200',
    ...over,
  };
  caseRows.set(input.caseId, { attrs: { severity: input.severity, origin: input.origin, category: input.category }, policy });
  const h = await env.client.workflow.start(complaintCase, { taskQueue, workflowId: uid(`wf-${caseNo}`), args: [input] });
  (h as Handle & { caseId?: string }).caseId = input.caseId;
  return h;
}
const caseIdOf = (h: Handle) => (h as Handle & { caseId?: string }).caseId!;

const step = (h: Handle, s: HumanStep, actor: Actor, data: unknown, lateReason?: string) =>
  h.executeUpdate(completeStepUpdate, { args: [{ step: s, actor, data, lateReason }] });

async function refused(p: Promise<unknown>): Promise<{ type: string; message: string }> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return { type: err.cause.type, message: err.cause.message };
}

/** The plan of one clock of one case, once the workflow asked for it. */
const planOf = (h: Handle, clockId: string) =>
  eventually(async () => plans.find((p) => p.caseId === caseIdOf(h) && p.plan.id === clockId)?.plan, 10_000, `plan of ${clockId}`);
const noticesOf = (h: Handle, clockId: string, kind?: 'reminder' | 'escalation') =>
  sent.filter((n) => n.caseId === caseIdOf(h) && n.clockId === clockId && (!kind || n.kind === kind));

/** Matches a workflow time in [lo, hi). */
const between = (lo: number, hi: number) => ({
  asymmetricMatch: (v: unknown) => typeof v === 'number' && v >= lo && v < hi,
  toAsymmetricMatcher: () => `a time in [${iso(lo)}, ${iso(hi)})`,
});

/*
 * Cases are not terminated at the end of a test: the Java test server does not release the
 * time-skipping lock held by an activity or a workflow task that is in flight when its workflow
 * is terminated (TestWorkflowMutableStateImpl.terminateWorkflowExecution; the late completion is
 * refused with NOT_FOUND "Completed workflow"), and every later `env.sleep` then waits in real
 * time. The cases stay open until the server is torn down; their later reminders and escalations
 * are told apart by case id.
 */

/** Skip workflow time forward to `target` (no-op when it is already past). */
async function skipTo(target: number): Promise<void> {
  const now = await serverNow();
  if (target > now) await env.sleep(target - now);
}

test('first contact, 12 h: reminder 2 h before, escalation at 12 h (level 1) and 24 h (level 2); a late contact needs its reason → missed', async () => {
  const t0 = await serverNow();
  const h = await start('CC-2026-9101', t0);
  const plan = await planOf(h, 'first_contact');
  expect(plan).toMatchObject({
    startedAt: iso(t0),
    dueAt: iso(t0 + 12 * HOUR),
    reminders: [{ at: iso(t0 + 10 * HOUR), lead: '2h' }],
    escalations: [
      { level: 1, at: iso(t0 + 12 * HOUR), notify: ['qa_manager', 'owner'] },
      { level: 2, at: iso(t0 + 24 * HOUR), notify: ['management_rep'] },
    ],
  });

  await skipTo(t0 + 10 * HOUR - MINUTE);
  expect(noticesOf(h, 'first_contact')).toEqual([]);
  await skipTo(t0 + 10 * HOUR + MINUTE);
  await eventually(async () => noticesOf(h, 'first_contact', 'reminder').length === 1, 10_000, 'the reminder');
  expect(noticesOf(h, 'first_contact', 'reminder')[0]).toMatchObject({ notify: ['owner'], at: between(t0 + 10 * HOUR, t0 + 10 * HOUR + MINUTE) });

  await skipTo(t0 + 12 * HOUR - MINUTE);
  expect(noticesOf(h, 'first_contact', 'escalation')).toEqual([]);
  await skipTo(t0 + 12 * HOUR + MINUTE);
  await eventually(async () => noticesOf(h, 'first_contact', 'escalation').length === 1, 10_000, 'escalation level 1');
  expect(noticesOf(h, 'first_contact', 'escalation')[0]).toMatchObject({ level: 1, notify: ['qa_manager', 'owner'], at: between(t0 + 12 * HOUR, t0 + 12 * HOUR + MINUTE) });
  expect((await h.query(caseStateQuery)).clocks[0]).toMatchObject({ id: 'first_contact', escalationLevel: 1, outcome: null });

  await skipTo(t0 + 24 * HOUR - MINUTE);
  expect(noticesOf(h, 'first_contact', 'escalation')).toHaveLength(1);
  await skipTo(t0 + 24 * HOUR + MINUTE);
  await eventually(async () => noticesOf(h, 'first_contact', 'escalation').length === 2, 10_000, 'escalation level 2');
  expect(noticesOf(h, 'first_contact', 'escalation')[1]).toMatchObject({ level: 2, notify: ['management_rep'], at: between(t0 + 24 * HOUR, t0 + 24 * HOUR + MINUTE) });

  // 30 h after receipt, the contact is late: refused without a reason, recorded as missed with it.
  await skipTo(t0 + 30 * HOUR);
  expect(await refused(step(h, 'first_contact', people.sales, contact))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/lateReason is required/) });
  const state = await step(h, 'first_contact', people.sales, contact, '客户工厂停产检修，无法联系');
  expect(state.clocks[0]).toMatchObject({ id: 'first_contact', outcome: 'missed', lateReason: '客户工厂停产检修，无法联系', escalationLevel: 2 });
  expect(Date.parse(state.clocks[0].stoppedAt!)).toBeGreaterThanOrEqual(t0 + 30 * HOUR);
  await eventually(async () => acts.recordClockOutcome.mock.calls.some(([a]) => a.caseId === caseIdOf(h) && a.state.outcome === 'missed'), 10_000, 'outcome recorded');
  expect(noticesOf(h, 'first_contact', 'reminder')).toHaveLength(1);
  // Not terminated: see "Cases are not terminated" above.
});

test('reply from the sample: urgent 48 h, normal 3 days, supplier 7 days; no escalation before the due time', async () => {
  const t0 = await serverNow();
  const cases = [
    { name: 'urgent', over: { severity: 'urgent' as const }, due: 48 * HOUR },
    { name: 'normal', over: { severity: 'normal' as const }, due: 72 * HOUR },
    { name: 'supplier', over: { severity: 'urgent' as const, origin: 'supplier' as const }, due: 7 * 24 * HOUR },
  ];
  const handles: Handle[] = [];
  for (const [i, c] of cases.entries()) {
    const h = await start(`CC-2026-91${10 + i}`, t0, c.over);
    await step(h, 'first_contact', people.sales, contact);
    handles.push(h);
  }
  // The sample reaches QA one hour after receipt: the reply clock runs from its arrival.
  await skipTo(t0 + HOUR);
  const sampleAt = await serverNow();
  for (const h of handles) {
    const s = await step(h, 'sample_pending', people.sales, { sample: 'received', receivedAt: iso(sampleAt) });
    expect(s.step).toBe('preliminary_analysis');
  }
  for (const [i, c] of cases.entries()) {
    const plan = await planOf(handles[i], 'reply');
    expect(plan).toMatchObject({
      startedAt: iso(sampleAt),
      dueAt: iso(sampleAt + c.due),
      reminders: [
        { at: iso(sampleAt + c.due - 24 * HOUR), lead: '1d' },
        { at: iso(sampleAt + c.due - 4 * HOUR), lead: '4h' },
      ],
      escalations: [
        { level: 1, at: iso(sampleAt + c.due), notify: ['qa_manager', 'owner'] },
        { level: 2, at: iso(sampleAt + c.due + 24 * HOUR), notify: ['management_rep'] },
      ],
    });
  }

  for (const [i, c] of cases.entries()) {
    await skipTo(sampleAt + c.due - MINUTE);
    // Just before this case's due time: its reminders went out, nothing escalated; the later cases are quiet too.
    for (const [j, later] of cases.entries()) {
      if (j < i) continue;
      expect(noticesOf(handles[j], 'reply', 'escalation')).toEqual([]);
      const remindersDue = [24 * HOUR, 4 * HOUR].filter((lead) => sampleAt + later.due - lead < sampleAt + c.due - MINUTE).length;
      expect(noticesOf(handles[j], 'reply', 'reminder')).toHaveLength(remindersDue);
    }
    await skipTo(sampleAt + c.due + MINUTE);
    await eventually(async () => noticesOf(handles[i], 'reply', 'escalation').length >= 1, 10_000, `${c.name} reply escalation`);
    const [first] = noticesOf(handles[i], 'reply', 'escalation');
    expect(first).toMatchObject({ level: 1, notify: ['qa_manager', 'owner'] });
    expect(first.at).toBeGreaterThanOrEqual(sampleAt + c.due);
    expect(first.at).toBeLessThan(sampleAt + c.due + MINUTE);
    for (const later of handles.slice(i + 1)) expect(noticesOf(later, 'reply', 'escalation')).toEqual([]);
  }
  // Not terminated: see "Cases are not terminated" above.
});

test('working time: the due time skips the holiday and the weekend and counts the make-up Saturday; the escalation fires only after it', async () => {
  // Received on a Thursday at 15:00 in Shanghai; Friday is a public holiday, Saturday a make-up workday (调休).
  const now = DateTime.fromMillis(await serverNow(), { zone: ZONE });
  let thursday = now.set({ hour: 15, minute: 0, second: 0, millisecond: 0 });
  while (thursday.weekday !== 4 || thursday.toMillis() <= now.toMillis() + MINUTE) thursday = thursday.plus({ days: 1 });
  const day = (n: number, hour: number, minute = 0) => thursday.plus({ days: n }).set({ hour, minute }).toMillis();
  const date = (n: number) => thursday.plus({ days: n }).toISODate()!;
  const policy = policyDefinitionSchema.parse({
    ...seedData.policy.definition,
    timeMode: 'working',
    calendar: { ...seedData.policy.definition.calendar, holidays: [date(1)], makeUpWorkdays: [date(2)] },
  });

  await skipTo(thursday.toMillis());
  const t0 = thursday.toMillis();
  const h = await start('CC-2026-9120', t0, {}, policy);
  const plan = await planOf(h, 'first_contact');
  // 12 working hours: Thu 15–17 (2 h), Fri holiday, Sat make-up 08–12, 13–17 (8 h), Sun weekend, Mon 08–10 (2 h).
  const due = day(4, 10);
  expect(plan).toMatchObject({
    startedAt: iso(t0),
    dueAt: iso(due),
    reminders: [{ at: iso(day(4, 8)), lead: '2h' }], // 2 working hours before: Monday's opening
    escalations: [
      { level: 1, at: iso(due), notify: ['qa_manager', 'owner'] },
      { level: 2, at: iso(due + 12 * HOUR), notify: ['management_rep'] }, // escalation intervals run in elapsed time
    ],
  });
  // Without the make-up day it would be Tuesday 10:00; without the holiday, Saturday 10:00; in calendar time, Friday 03:00.
  expect(due).not.toBe(t0 + 12 * HOUR);

  await skipTo(t0 + 12 * HOUR + MINUTE); // the calendar-time due time passes quietly
  expect(noticesOf(h, 'first_contact')).toEqual([]);
  await skipTo(day(2, 17)); // the make-up Saturday ends: 10 of the 12 working hours spent
  expect(noticesOf(h, 'first_contact')).toEqual([]);
  await skipTo(day(4, 8, 1));
  await eventually(async () => noticesOf(h, 'first_contact', 'reminder').length === 1, 10_000, 'the reminder');
  expect(noticesOf(h, 'first_contact', 'reminder')[0].at).toBeGreaterThanOrEqual(day(4, 8));
  await skipTo(due - MINUTE);
  expect(noticesOf(h, 'first_contact', 'escalation')).toEqual([]);
  await skipTo(due + MINUTE);
  await eventually(async () => noticesOf(h, 'first_contact', 'escalation').length === 1, 10_000, 'escalation level 1');
  const [l1] = noticesOf(h, 'first_contact', 'escalation');
  expect(l1).toMatchObject({ level: 1, notify: ['qa_manager', 'owner'] });
  expect(l1.at).toBeGreaterThanOrEqual(due);
  expect(l1.at).toBeLessThan(due + MINUTE);
  // Not terminated: see "Cases are not terminated" above.
});
