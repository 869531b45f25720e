/**
 * Audit trail: the per-case hash chain of case_event, the database refusing UPDATE /
 * DELETE, tampering found at the right record, concurrent writers keeping one chain,
 * and the Temporal history archive whose JSON replays with the workflow code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createAuditActivities } from '../activities/audit';
import { appendEvent, sealLegacyEvents, verifyAllChains, verifyCaseChain } from '../activities/audit-chain';
import { createMailTransport } from '../activities/mail/transport';
import { recordEventRow } from '../activities/store';
import { createApp } from '../api/app';
import { historyTimeline } from '../api/routes/audit';
import { createPrisma, type Db } from '../prisma/client';
import { migrate } from '../prisma/migrate';
import { startPglite } from '../scripts/services';
import { freePort } from './setup/global-setup';
import { TEST_PASSWORD, eventually, testDb, testEnv, uid } from './helpers';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

let env: TestWorkflowEnvironment;
let db: Db;
let db2: Db;
let pg: PgClient;
let worker: Worker;
let running: Promise<void>;
let app: ReturnType<typeof createApp>['app'];
let auditorToken: string;
let salesToken: string;
const taskQueue = uid('audit');

/** A bare case row (no workflow) to hang audit records on. */
async function makeCase(): Promise<{ id: string; caseNo: string }> {
  const policy = await db.deadlinePolicy.findFirstOrThrow({ where: { name: 'default' }, orderBy: { version: 'desc' } });
  const n = Math.floor(Math.random() * 1e9);
  const caseNo = `AUD-${n}`;
  return db.complaintCase.create({
    data: {
      caseNo,
      year: 1900,
      seq: n,
      workflowId: `complaint-${caseNo}`,
      customerName: '审计客户',
      product: 'XC-200',
      channel: 'phone',
      description: 'audit test',
      category: 'quality',
      severity: 'normal',
      origin: 'own_plant',
      sampleExpected: false,
      receivedAt: new Date(),
      salesRepId: 'p-sales-wang',
      policyId: policy.id,
      status: 'open',
      step: 'first_contact',
    },
    select: { id: true, caseNo: true },
  });
}

/** What a DBA with table-owner rights would do: switch the guard off, change a row, switch it on. */
async function asDba(sql: string, params: unknown[]): Promise<void> {
  await pg.query('BEGIN');
  try {
    await pg.query('ALTER TABLE case_event DISABLE TRIGGER case_event_no_update_delete');
    await pg.query(sql, params);
    await pg.query('ALTER TABLE case_event ENABLE TRIGGER case_event_no_update_delete');
    await pg.query('COMMIT');
  } catch (err) {
    await pg.query('ROLLBACK');
    throw err;
  }
}

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
  db = testDb();
  db2 = testDb();
  pg = new PgClient({ connectionString: testEnv().databaseUrl });
  await pg.connect();
  const transport = createMailTransport({ outboxDir: fs.mkdtempSync(path.join(os.tmpdir(), 'audit-outbox-')), from: 'QMS <qms@example.test>' });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...WORKFLOW_CODE,
    activities: createActivities({
      db,
      transport,
      publicUrl: 'http://qms.example.test',
      timeZone: 'Asia/Shanghai',
      mailDomain: 'example.test',
      fromAddress: 'qms@example.test',
      company: { name: 'XX公司', nameEn: 'XX Company' },
      temporal: env.client,
    }),
  });
  running = worker.run();
  let auth: ReturnType<typeof createApp>['auth'];
  ({ app, auth } = createApp({
    db,
    temporal: env.client,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    taskQueue,
    namespace: 'default',
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://qms.example.test',
  }));
  // Auditors read the trail; sales records the complaint (every /api route needs a sign-in).
  auditorToken = (await auth.signIn('he.shen@example.com', TEST_PASSWORD)).token;
  salesToken = (await auth.signIn('wang.fang@example.com', TEST_PASSWORD)).token;
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await pg?.end();
  await db?.$disconnect();
  await db2?.$disconnect();
  await env?.teardown();
});

test('a chain of events verifies; a retried event is written once', async () => {
  const c = await makeCase();
  for (let i = 1; i <= 5; i++) {
    await recordEventRow(db, { caseId: c.id, key: `${c.id}:e${i}`, kind: 'note', actorId: 'p-qa-zhang', data: { i, text: `第${i}条`, when: new Date() } });
  }
  await recordEventRow(db, { caseId: c.id, key: `${c.id}:e3`, kind: 'note', actorId: 'p-qa-zhang', data: { i: 3 } }); // retry
  await appendEvent(db, { caseId: c.id, key: `${c.id}:e6`, kind: 'field_changed', actorId: 'p-qa-zhang', data: { field: 'severity' }, before: { severity: 'normal' }, after: { severity: 'urgent' } });

  const rows = await db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' } });
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(rows[0].prevHash).toBeNull();
  for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
  expect(rows[5].before).toEqual({ severity: 'normal' });

  const r = await verifyCaseChain(db, c.id);
  expect(r).toMatchObject({ ok: true, count: 6, head: rows[5].hash });
  expect(r.firstBroken).toBeUndefined();

  const res = await request(app).get(`/api/audit/cases/${c.caseNo}/verify`).set('authorization', `Bearer ${auditorToken}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ caseNo: c.caseNo, ok: true, count: 6 });
  expect((await request(app).get('/api/audit/cases/NOPE-1/verify').set('authorization', `Bearer ${auditorToken}`)).status).toBe(404);
});

test('UPDATE, DELETE and TRUNCATE of case_event are refused by the database', async () => {
  const c = await makeCase();
  await recordEventRow(db, { caseId: c.id, key: `${c.id}:x`, kind: 'note', actorId: 'a', data: {} });
  await expect(pg.query(`UPDATE case_event SET kind = 'forged' WHERE case_id = $1`, [c.id])).rejects.toThrow(/append-only/);
  await expect(pg.query(`UPDATE case_event SET hash = 'x' WHERE case_id = $1`, [c.id])).rejects.toThrow(/append-only/);
  await expect(pg.query(`DELETE FROM case_event WHERE case_id = $1`, [c.id])).rejects.toThrow(/append-only/);
  await expect(pg.query(`TRUNCATE case_event`)).rejects.toThrow(/append-only/);
  await expect(db.caseEvent.updateMany({ where: { caseId: c.id }, data: { actor: 'someone else' } })).rejects.toThrow(/append-only/);
  await expect(db.caseEvent.deleteMany({ where: { caseId: c.id } })).rejects.toThrow(/append-only/);
  // A row without its hash cannot be inserted either.
  await expect(
    pg.query(`INSERT INTO case_event (id, case_id, event_key, kind, actor, seq) VALUES (gen_random_uuid(), $1, $2, 'note', 'a', 2)`, [c.id, uid('k')]),
  ).rejects.toThrow(/case_event_hash_present/);
  expect((await verifyCaseChain(db, c.id)).ok).toBe(true);
});

test('a record altered or deleted behind the trigger is found at its seq', async () => {
  const c = await makeCase();
  for (let i = 1; i <= 5; i++) await recordEventRow(db, { caseId: c.id, key: `${c.id}:${i}`, kind: 'note', actorId: 'p-qa-zhang', data: { i } });
  const row3 = await db.caseEvent.findUniqueOrThrow({ where: { caseId_seq: { caseId: c.id, seq: 3 } } });

  await asDba(`UPDATE case_event SET data = $2 WHERE id = $1`, [row3.id, JSON.stringify({ i: 333 })]);
  let r = await verifyCaseChain(db, c.id);
  expect(r.ok).toBe(false);
  expect(r.firstBroken).toEqual({ seq: 3, reason: expect.stringMatching(/altered/) });
  const api = await request(app).get(`/api/audit/cases/${c.caseNo}/verify`).set('authorization', `Bearer ${auditorToken}`);
  expect(api.body).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
  const all = await verifyAllChains(db);
  expect(all.ok).toBe(false);
  expect(all.broken.find((b) => b.caseNo === c.caseNo)?.firstBroken?.seq).toBe(3);

  // Re-hashing the forged row does not help: the next record still points at the old hash.
  const { eventHash } = await import('../activities/audit-chain');
  const forged = await db.caseEvent.findUniqueOrThrow({ where: { id: row3.id } });
  await asDba(`UPDATE case_event SET hash = $2 WHERE id = $1`, [row3.id, eventHash({ ...forged, prevHash: forged.prevHash })]);
  r = await verifyCaseChain(db, c.id);
  expect(r.firstBroken).toEqual({ seq: 4, reason: expect.stringMatching(/prevHash/) });

  // Put the original back: the chain verifies again.
  await asDba(`UPDATE case_event SET data = $2, hash = $3 WHERE id = $1`, [row3.id, JSON.stringify(row3.data), row3.hash]);
  expect((await verifyCaseChain(db, c.id)).ok).toBe(true);

  // A deleted record is a gap at its position.
  const row2 = await db.caseEvent.findUniqueOrThrow({ where: { caseId_seq: { caseId: c.id, seq: 2 } } });
  await asDba(`DELETE FROM case_event WHERE id = $1`, [row2.id]);
  r = await verifyCaseChain(db, c.id);
  expect(r.firstBroken).toEqual({ seq: 2, reason: expect.stringMatching(/missing/) });
});

test('concurrent writers keep one valid chain', async () => {
  const c = await makeCase();
  const writes = Array.from({ length: 30 }, (_, i) =>
    appendEvent(i % 2 ? db : db2, { caseId: c.id, key: `${c.id}:c${i % 25}`, kind: 'note', actorId: `writer-${i % 3}`, data: { i } }),
  );
  const results = await Promise.all(writes);
  expect(results.filter((r) => r.created)).toHaveLength(25); // keys 0..4 were sent twice
  const rows = await db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' }, select: { seq: true } });
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  expect(await verifyCaseChain(db, c.id)).toMatchObject({ ok: true, count: 25 });
});

test('a batch of writes: records, step, clock outcome and mirror together; a retried batch writes nothing twice; batches beside other writers keep one chain', async () => {
  const c = await makeCase();
  await db.caseClock.create({ data: { caseId: c.id, clockId: 'first_contact', clock: 'first_contact', round: 1, ownerRole: 'sales', startedAt: new Date(), dueAt: new Date(Date.now() + 3_600_000), originalDue: new Date(Date.now() + 3_600_000) } });
  const acts = createActivities({ db, transport: createMailTransport({ outboxDir: os.tmpdir(), from: 'QMS <qms@example.test>' }), publicUrl: 'http://qms.example.test', timeZone: 'Asia/Shanghai', mailDomain: 'example.test', fromAddress: 'qms@example.test', company: { name: 'XX公司', nameEn: 'XX Company' } });
  const snapshot = { data: { first_contact: { method: 'phone' } }, countermeasures: [], compensation: null, rpr: null, resolution: null, duplicateOf: null, capaRound: 0 };
  const stopped = { id: 'first_contact', clock: 'first_contact', round: 1, owner: { role: 'sales' }, startedAt: new Date().toISOString(), dueAt: new Date().toISOString(), originalDueAt: new Date().toISOString(), remindersSent: 0, escalationLevel: 0, stoppedAt: new Date().toISOString(), outcome: 'met', lateReason: null, extensions: [] } as const;
  const ops = [
    { name: 'recordEvent', input: { caseId: c.id, key: `${c.id}:step:1:first_contact:completed`, kind: 'step_completed', actorId: 'p-sales-wang', data: { step: 'first_contact' } } },
    { name: 'recordStep', input: { caseId: c.id, step: 'sample_pending', status: 'open', seq: 2, snapshot } },
    { name: 'recordClockOutcome', input: { caseId: c.id, state: stopped } },
    { name: 'mirrorCase', input: { caseId: c.id, snapshot: { ...snapshot, capaRound: 1 } } },
  ] as Parameters<typeof acts.writeBatch>[0]['ops'];
  expect(await acts.writeBatch({ ops })).toEqual({ writes: ['recordEvent', 'recordStep', 'recordClockOutcome', 'mirrorCase'], results: [undefined, undefined, undefined, undefined] });
  const kinds = async () => (await db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' } })).map((r) => r.kind);
  expect(await kinds()).toEqual(['step_completed', 'step_entered', 'clock_stopped']);
  const row = await db.complaintCase.findUniqueOrThrow({ where: { id: c.id } });
  // The step and the mirror change the same row: both applied, in order.
  expect(row).toMatchObject({ step: 'sample_pending', status: 'open' });
  expect((row.data as { capaRound: number }).capaRound).toBe(1);
  expect(await db.caseClock.findFirstOrThrow({ where: { caseId: c.id } })).toMatchObject({ outcome: 'met' });
  // A retried batch (the activity ran again after a lost answer): nothing twice.
  await acts.writeBatch({ ops });
  expect(await kinds()).toEqual(['step_completed', 'step_entered', 'clock_stopped']);
  // Another writer moved the head between the read and the insert: the batch goes record by record.
  const more = (i: number) => [{ name: 'recordEvent', input: { caseId: c.id, key: `${c.id}:b${i}`, kind: 'note', actorId: 'a', data: { i } } }] as typeof ops;
  await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => acts.writeBatch({ ops: [...more(i), ...more(i + 100)] })),
    ...Array.from({ length: 10 }, (_, i) => appendEvent(db2, { caseId: c.id, key: `${c.id}:o${i}`, kind: 'note', actorId: 'b', data: { i } })),
  ]);
  expect(await verifyCaseChain(db, c.id)).toMatchObject({ ok: true, count: 33 });
  // A write refused for good ends the batch there: what came before is written, the rest is handed back.
  const refused = await acts.writeBatch({ ops: [more(7)[0], { name: 'compensationApprover', input: { caseId: c.id, amount: 5, currency: 'XXX' } }, more(8)[0]] as typeof ops });
  expect(refused).toMatchObject({ writes: ['recordEvent'], results: [undefined], failure: { index: 1, type: 'CurrencyMismatch' } });
});

test('a batch plans its clocks in its one statement: the same plans as planClock, rows stored once; an unknown case is refused at its index', async () => {
  const c = await makeCase();
  const acts = createActivities({ db, transport: createMailTransport({ outboxDir: os.tmpdir(), from: 'QMS <qms@example.test>' }), publicUrl: 'http://qms.example.test', timeZone: 'Asia/Shanghai', mailDomain: 'example.test', fromAddress: 'qms@example.test', company: { name: 'XX公司', nameEn: 'XX Company' } });
  const startedAt = '2026-11-20T09:00:00.000Z';
  const plan = (clock: 'preliminary_analysis' | 'capa_plan', caseId = c.id) =>
    ({ name: 'planClock', input: { caseId, clockId: clock, clock, round: 1, owner: { role: 'qa_engineer' }, startedAt } }) as const;
  const ops = [
    { name: 'recordEvent', input: { caseId: c.id, key: `${c.id}:step:2:sample_pending:completed`, kind: 'step_completed', actorId: 'p-qa-zhang', data: { step: 'sample_pending' } } },
    plan('preliminary_analysis'),
    plan('capa_plan'),
    { name: 'recordStep', input: { caseId: c.id, step: 'preliminary_analysis', status: 'open', seq: 3, snapshot: { data: {}, countermeasures: [], compensation: null, rpr: null, resolution: null, duplicateOf: null, capaRound: 0 } } },
  ] as Parameters<typeof acts.writeBatch>[0]['ops'];
  const done = await acts.writeBatch({ ops });
  expect(done.writes).toEqual(['recordEvent', 'planClock', 'planClock', 'recordStep']);
  // The plans are those the planClock activity computes from the case's policy version.
  const other = await makeCase();
  expect(done.results[1]).toEqual({ ...(await acts.planClock({ ...plan('preliminary_analysis', other.id).input })) });
  expect(done.results[2]).toEqual({ ...(await acts.planClock({ ...plan('capa_plan', other.id).input })) });
  const rows = await db.caseClock.findMany({ where: { caseId: c.id }, orderBy: { clockId: 'asc' } });
  expect(rows.map((r) => [r.clockId, r.dueAt.toISOString()])).toEqual([
    ['capa_plan', (done.results[2] as { dueAt: string }).dueAt],
    ['preliminary_analysis', (done.results[1] as { dueAt: string }).dueAt],
  ]);
  expect(await db.complaintCase.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ step: 'preliminary_analysis' });
  // Retried: the same plans, nothing twice.
  expect(await acts.writeBatch({ ops })).toEqual(done);
  expect(await db.caseClock.count({ where: { caseId: c.id } })).toBe(2);
  expect(await db.caseEvent.count({ where: { caseId: c.id } })).toBe(2);
  // A plan for a case that does not exist: the writes before it are done, it is refused.
  const missing = '00000000-0000-4000-8000-000000000000';
  const refused = await acts.writeBatch({ ops: [ops[0], plan('capa_plan', missing), ops[3]] as typeof ops });
  expect(refused).toMatchObject({ writes: ['recordEvent'], failure: { index: 1, type: 'CaseNotFound' } });
});

test('history archive: timeline, history.json replays, archive used when Temporal has no history', async () => {
  const created = await request(app)
    .post('/api/complaints')
    .set('authorization', `Bearer ${salesToken}`)
    .send({
      customerName: '审计客户',
      product: 'XC-200 连接器',
      channel: 'phone',
      description: '端子镀层起泡',
      category: 'quality',
      severity: 'urgent',
      origin: 'own_plant',
      sampleExpected: true,
      salesRepId: 'p-sales-wang',
    });
  expect(created.status).toBe(201);
  const { caseNo, workflowId } = created.body;
  const handle = env.client.workflow.getHandle(workflowId);
  // The API planned the first clock with the case (the input carries it): the workflow arms its timers at once.
  await eventually(async () => {
    const h = await handle.fetchHistory();
    return h.events?.some((e) => e.timerStartedEventAttributes) ? h : null;
  }, 20_000, 'first timer');
  // First contact: the step's record and the next step are written by local activities.
  const contact = await request(app)
    .post(`/api/complaints/${caseNo}/contact`)
    .set('authorization', `Bearer ${salesToken}`)
    .send({ method: 'phone', summary: '已联络客户，确认端子镀层起泡' });
  expect(contact.status).toBe(200);

  const timeline = await request(app).get(`/api/audit/cases/${caseNo}/timeline`).set('authorization', `Bearer ${auditorToken}`);
  expect(timeline.status).toBe(200);
  expect(timeline.body.history.source).toBe('temporal');
  const kinds = timeline.body.entries.map((e: { kind: string }) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['workflow_execution_started', 'patch_recorded', 'local_activity_completed', 'activity_task_scheduled', 'timer_started', 'case_received']));
  expect(timeline.body.entries.find((e: { kind: string }) => e.kind === 'activity_task_scheduled')).toMatchObject({ source: 'temporal', activityType: 'issueDocument' });
  // The case's database writes of a workflow task run as one local activity: shown with the writes it made and their results.
  expect(timeline.body.entries.find((e: { kind: string }) => e.kind === 'local_activity_completed')).toMatchObject({
    source: 'temporal',
    activityType: 'writeBatch',
    writes: ['recordEvent', 'recordStep', 'recordClockOutcome'],
  });
  expect(timeline.body.entries.find((e: { kind: string }) => e.kind === 'workflow_execution_started')).toMatchObject({
    args: [expect.objectContaining({ caseNo, recordedAtIntake: { firstContactClock: expect.objectContaining({ id: 'first_contact', dueAt: expect.any(String) }) } })],
  });
  expect(timeline.body.entries.find((e: { kind: string }) => e.kind === 'patch_recorded')).toMatchObject({ patchId: 'local-store-writes' });
  expect(timeline.body.entries.find((e: { kind: string }) => e.kind === 'case_received')).toMatchObject({ source: 'audit', seq: 1 });
  expect(timeline.body.chain.ok).toBe(true);

  // Raw history from Temporal replays with the workflow code.
  const raw = await request(app).get(`/api/audit/cases/${caseNo}/history.json`).set('authorization', `Bearer ${auditorToken}`);
  expect(raw.status).toBe(200);
  expect(raw.headers['x-history-source']).toBe('temporal');
  await Worker.runReplayHistory(WORKFLOW_CODE, historyFromJSON(JSON.parse(raw.text)), workflowId);

  // Archive (idempotent for the same length).
  const c = await db.complaintCase.findUniqueOrThrow({ where: { caseNo } });
  const { runId } = await handle.describe();
  const { archiveHistory } = createAuditActivities({ db, temporal: env.client });
  const a1 = await archiveHistory({ caseId: c.id, workflowId, runId });
  const a2 = await archiveHistory({ caseId: c.id, workflowId, runId });
  expect(a1.created).toBe(true);
  expect(a1.eventCount).toBeGreaterThan(3);
  expect(a2).toMatchObject({ eventCount: a1.eventCount, sha256: a1.sha256 });
  expect(a2.created).toBe(a2.eventCount !== a1.eventCount);
  const rows = await db.historyArchive.findMany({ where: { workflowId, runId, eventCount: a1.eventCount } });
  expect(rows).toHaveLength(1);
  await expect(pg.query(`UPDATE history_archive SET history = '{}' WHERE id = $1`, [rows[0].id])).rejects.toThrow(/append-only/);
  await expect(pg.query(`DELETE FROM history_archive WHERE id = $1`, [rows[0].id])).rejects.toThrow(/append-only/);

  // Temporal forgets the workflow (retention ended): the endpoints serve the archive.
  await env.client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId, runId } });
  const archived = await eventually(async () => {
    const r = await request(app).get(`/api/audit/cases/${caseNo}/history.json`).set('authorization', `Bearer ${auditorToken}`);
    return r.headers['x-history-source'] === 'archive' ? r : null;
  }, 30_000, 'history served from the archive');
  expect(archived.status).toBe(200);
  const archivedHistory = historyFromJSON(JSON.parse(archived.text));
  expect(archivedHistory.events?.length).toBeGreaterThanOrEqual(a1.eventCount);
  await Worker.runReplayHistory(WORKFLOW_CODE, archivedHistory, `${workflowId}-archived`);
  const tl = await request(app).get(`/api/audit/cases/${caseNo}/timeline`).set('authorization', `Bearer ${auditorToken}`);
  expect(tl.status).toBe(200);
  expect(tl.body.history.source).toBe('archive');
  expect(tl.body.entries.some((e: { kind: string }) => e.kind === 'timer_started')).toBe(true);
});

test('upgrade: events recorded before the chain existed are numbered by the migration and sealed once', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-upgrade-'));
  const port = await freePort();
  const svc = await startPglite({ dataDir: path.join(tmp, 'pg'), port, logFile: path.join(tmp, 'pglite.log') });
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  const migrations = path.join(__dirname, '..', 'prisma', 'migrations');
  const initOnly = path.join(tmp, 'migrations');
  fs.cpSync(path.join(migrations, '20261123000000_init'), path.join(initOnly, '20261123000000_init'), { recursive: true });
  const old = new PgClient({ connectionString: url });
  let legacyDb: Db | undefined;
  try {
    await migrate(url, initOnly);
    await old.connect();
    await old.query(`INSERT INTO department (id, code, name, name_en) VALUES ('d', 'D', 'd', 'd')`);
    await old.query(`INSERT INTO person (id, name, email, role, department_id) VALUES ('p', 'p', 'p@x', 'sales', 'd')`);
    await old.query(`INSERT INTO deadline_policy (id, name, version, definition) VALUES ('pol', 'pol', 1, '{}')`);
    const caseId = '11111111-1111-4111-8111-111111111111';
    await old.query(
      `INSERT INTO complaint_case (id, case_no, year, seq, workflow_id, customer_name, product, channel, description, category, severity, origin,
         sample_expected, received_at, sales_rep_id, policy_id, status, step, updated_at)
       VALUES ($1, 'CC-2026-0001', 2026, 1, 'complaint-CC-2026-0001', 'c', 'p', 'phone', 'd', 'quality', 'normal', 'own_plant', false, now(), 'p', 'pol', 'open', 'first_contact', now())`,
      [caseId],
    );
    for (const [i, at] of ['2026-01-01T00:00:03Z', '2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'].entries()) {
      await old.query(`INSERT INTO case_event (id, case_id, event_key, kind, actor, data, at) VALUES (gen_random_uuid(), $1, $2, 'legacy', 'p', $3, $4)`, [caseId, `k${i}`, JSON.stringify({ i }), at]);
    }
    await old.end();

    expect((await migrate(url, migrations)).applied).toEqual(fs.readdirSync(migrations).filter((d) => d !== '20261123000000_init' && !d.endsWith('.toml')).sort());
    legacyDb = createPrisma(url, 2);
    const rows = await legacyDb.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.seq, (r.data as { i: number }).i, r.hash])).toEqual([[1, 1, null], [2, 2, null], [3, 0, null]]);
    expect((await verifyCaseChain(legacyDb, caseId)).firstBroken).toEqual({ seq: 1, reason: expect.stringMatching(/not sealed/) });

    expect(await sealLegacyEvents(legacyDb)).toBe(1);
    expect(await verifyCaseChain(legacyDb, caseId)).toMatchObject({ ok: true, count: 3 });
    expect(await sealLegacyEvents(legacyDb)).toBe(0);
    // Once sealed, a row is as immutable as any other.
    await expect(legacyDb.$executeRawUnsafe(`UPDATE case_event SET hash = NULL, prev_hash = NULL WHERE seq = 1`)).rejects.toThrow(/append-only/);
    // The next event continues the chain (an append also seals a case not sealed yet).
    const next = await appendEvent(legacyDb, { caseId, key: 'k-new', kind: 'note', actorId: 'p', data: {} });
    expect(next).toMatchObject({ created: true, seq: 4 });
    expect(await verifyCaseChain(legacyDb, caseId)).toMatchObject({ ok: true, count: 4 });
  } finally {
    await old.end().catch(() => undefined);
    await legacyDb?.$disconnect();
    await svc.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('timeline: timers, accepted updates with their arguments, activities (also after a JSON round trip)', () => {
  const T = temporal.api.enums.v1.EventType;
  const ts = (s: number) => ({ seconds: 1_790_000_000 + s, nanos: 0 });
  const payloads = (...v: unknown[]) => ({ payloads: v.map((x) => defaultPayloadConverter.toPayload(x)) });
  const history = temporal.api.history.v1.History.create({
    events: [
      { eventId: 1, eventTime: ts(0), eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: { workflowType: { name: 'complaintCase' }, input: payloads({ caseNo: 'CC-1' }) } },
      { eventId: 2, eventTime: ts(0), eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, workflowTaskScheduledEventAttributes: {} },
      { eventId: 5, eventTime: ts(1), eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: 'planClock' }, input: payloads({ clock: 'first_contact' }) } },
      { eventId: 7, eventTime: ts(2), eventType: T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, activityTaskCompletedEventAttributes: { scheduledEventId: 5, result: payloads({ dueAt: 'x' }) } },
      { eventId: 9, eventTime: ts(3), eventType: T.EVENT_TYPE_TIMER_STARTED, timerStartedEventAttributes: { timerId: '1', startToFireTimeout: { seconds: 43_200 } } },
      { eventId: 10, eventTime: ts(4), eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: 'u1', acceptedRequest: { meta: { updateId: 'u1', identity: 'api@host' }, input: { name: 'recordContact', args: payloads({ actorId: 'p-sales-wang', summary: '已联系' }) } } } },
      { eventId: 12, eventTime: ts(5), eventType: T.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: '1', startedEventId: 9 } },
    ] as unknown as temporal.api.history.v1.IHistoryEvent[], // plain numbers where the types say Long
  });
  for (const h of [history, historyFromJSON(JSON.parse(historyToJSON(history)))]) {
    const t = historyTimeline(h);
    expect(t.map((e) => e.kind)).toEqual([
      'workflow_execution_started',
      'activity_task_scheduled',
      'activity_task_completed',
      'timer_started',
      'workflow_execution_update_accepted',
      'timer_fired',
    ]);
    expect(t[0]).toMatchObject({ workflowType: 'complaintCase', args: [{ caseNo: 'CC-1' }], at: new Date(1_790_000_000_000).toISOString() });
    expect(t[2]).toMatchObject({ activityType: 'planClock', result: { dueAt: 'x' } });
    expect(t[3]).toMatchObject({ timerId: '1', durationMs: 43_200_000, firesAt: new Date(1_790_000_003_000 + 43_200_000).toISOString() });
    expect(t[4]).toMatchObject({ updateId: 'u1', name: 'recordContact', identity: 'api@host', args: [{ actorId: 'p-sales-wang', summary: '已联系' }] });
    expect(t[5]).toMatchObject({ timerId: '1', startedEventId: 9 });
    expect(historyTimeline(h, { all: true }).some((e) => e.kind === 'workflow_task_scheduled')).toBe(true);
  }
});
