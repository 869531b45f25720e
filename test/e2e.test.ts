/**
 * End to end, every part real: the Temporal dev server, the database (PGlite, or
 * PostgreSQL when DATABASE_URL is set), an SMTP server on loopback, the worker with its
 * real activities, and the API over HTTP. A deadline policy with second-long clocks
 * makes the reminder and the escalation arrive within the test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../prisma/client';
import type { ParsedMail } from 'mailparser';
import { createWarmUp } from '../api/services/warm-up';
import { TEST_PASSWORD, eventually, uid } from './helpers';
import { startStack, type Stack } from './stack';

const fastPolicy = {
  timeMode: 'calendar',
  clocks: {
    first_contact: {
      due: '8s',
      reminders: ['6s'],
      escalations: [{ after: '0', notify: ['qa_manager', 'owner'] }, { after: '2s', notify: ['management_rep'] }],
    },
    preliminary_analysis: { due: '24h' },
    capa_plan: { due: '24h' },
    reply: { due: '3d' },
    potential_cause_report: { due: '48h' },
  },
};

let stack: Stack;
let db: Db;
let env: Stack['env'];
let inbox: Stack['inbox'];
let api: Stack['api'];

beforeAll(async () => {
  stack = await startStack(fastPolicy);
  ({ db, env, inbox, api } = stack);
});

afterAll(() => stack?.close());

const complaint = {
  customerName: '苏州精密电子有限公司',
  customerContact: '采购部 周先生 0512-6688 1234',
  customerEmail: 'zhou@customer.example',
  product: 'XC-200 连接器',
  lot: 'L20261120-03',
  quantity: 120,
  channel: 'phone',
  description: '客户反映端子镀层起泡，装配后接触不良，影响整机通电测试。',
  category: 'quality',
  severity: 'urgent',
  origin: 'own_plant',
  salesRepId: 'p-sales-wang',
};

const mailsFor = (caseNo: string, kind: string) => inbox.filter((m) => m.headers.get('x-qms-case') === caseNo && String(m.headers.get('x-qms-kind')).startsWith(kind));

test('own-plant case: created, reminded over SMTP, contact recorded, report PDF with the Chinese text', async () => {
  const created = await api('POST', '/api/complaints', complaint, { 'Idempotency-Key': uid('intake-key-1') });
  expect(created.status).toBe(201);
  const c = created.body;
  expect(c.caseNo).toMatch(/^CC-\d{4}-\d{4}$/);
  expect(c.workflowId).toBe(`complaint-${c.caseNo}`);
  expect(c.step).toBe('first_contact');
  expect(c.clocks).toHaveLength(1);
  expect(Date.parse(c.clocks[0].dueAt) - Date.parse(c.clocks[0].startedAt)).toBe(8000);

  // The reminder reaches the owning sales rep over SMTP before the deadline, with the .ics.
  const [reminder] = await eventually(async () => mailsFor(c.caseNo, 'reminder').length > 0 && mailsFor(c.caseNo, 'reminder'), 15_000, 'reminder mail');
  expect((reminder.to as { text: string }).text).toContain('wang.fang@example.com');
  expect(reminder.subject).toContain(c.caseNo);
  expect(reminder.text).toContain('苏州精密电子有限公司');
  expect(reminder.attachments.map((a) => a.filename)).toContain('deadline.ics');
  expect(Date.now()).toBeLessThan(Date.parse(c.clocks[0].dueAt));

  const contact = await (await stack.as('p-sales-wang'))('POST', `/api/complaints/${c.caseNo}/contact`, {
    method: 'phone',
    summary: '已与客户确认镀层起泡不良，约定明日取回 5 件样品。',
  });
  expect(contact.status).toBe(200);
  expect(contact.body.step).toBe('sample_pending');
  expect(contact.body.clocks[0].outcome).toBe('met');

  // A second contact is the wrong step: 409, nothing changes.
  const again = await (await stack.as('p-sales-wang'))('POST', `/api/complaints/${c.caseNo}/contact`, { method: 'phone', summary: 'x' });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('wrong_state');

  // The case row mirrors the workflow; the clock's outcome is stored.
  const got = await eventually(async () => {
    const r = await api('GET', `/api/complaints/${c.caseNo}`);
    return r.body.step === 'sample_pending' && r.body.clocks[0].outcome && r.body;
  }, 10_000, 'mirrored state');
  expect(got.clocks[0]).toMatchObject({ outcome: 'met', lateReason: null });

  // The report re-issued after the contact: version 2, with the Chinese text rendered.
  const docs = await eventually(async () => {
    const r = await api('GET', `/api/complaints/${c.caseNo}/documents`);
    return r.body.length >= 2 && r.body;
  }, 15_000, 'report v2');
  expect(docs.map((d: { version: number }) => d.version)).toEqual([1, 2]);
  const pdf = await api('GET', `/api/complaints/${c.caseNo}/report.pdf`);
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(os.tmpdir(), `${c.caseNo}.pdf`);
  fs.writeFileSync(file, pdf.body as Buffer);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text).toContain(c.caseNo);
  expect(text).toContain('苏州精密电子有限公司');
  expect(text).toContain('市场品质异常处理报告');

  // No escalation: the contact came in time.
  await new Promise((r) => setTimeout(r, 500));
  expect(mailsFor(c.caseNo, 'escalation')).toHaveLength(0);

  // A retried request with the same Idempotency-Key returns the same case, no second one.
  const retried = await api('POST', '/api/complaints', complaint, { 'Idempotency-Key': 'never-used-before-' + c.caseNo });
  expect(retried.status).toBe(201);
  const replay = await api('POST', '/api/complaints', complaint, { 'Idempotency-Key': 'never-used-before-' + c.caseNo });
  expect(replay.status).toBe(200);
  expect(replay.body.caseNo).toBe(retried.body.caseNo);
});

test('no contact: escalation to the QA manager, then the management representative; each mail sent exactly once', async () => {
  const { body: c } = await api('POST', '/api/complaints', { ...complaint, severity: 'normal' });
  await eventually(async () => mailsFor(c.caseNo, 'escalation').length >= 3, 20_000, 'escalation mails');
  const esc = mailsFor(c.caseNo, 'escalation');
  const to = (m: ParsedMail) => (m.to as { text: string }).text;
  const level1 = esc.filter((m) => m.headers.get('x-qms-kind') === 'escalation:1').map(to);
  const level2 = esc.filter((m) => m.headers.get('x-qms-kind') === 'escalation:2').map(to);
  expect(level1.sort()).toEqual(['liu.yang@example.com', 'wang.fang@example.com']);
  expect(level2).toEqual(['wu.gang@example.com']);

  const late = await (await stack.as('p-sales-wang'))('POST', `/api/complaints/${c.caseNo}/contact`, { method: 'phone', summary: '已联络客户' });
  expect(late.status).toBe(422);
  expect(late.body.error.errors[0].field).toBe('lateReason');
  const ok = await (await stack.as('p-sales-wang'))('POST', `/api/complaints/${c.caseNo}/contact`, { method: 'phone', summary: '已联络客户', lateReason: '营业员出差，未能及时联络' });
  expect(ok.status).toBe(200);
  expect(ok.body.clocks[0]).toMatchObject({ outcome: 'missed', lateReason: '营业员出差，未能及时联络' });

  const mails = await api('GET', `/api/complaints/${c.caseNo}/mails`);
  const keys = mails.body.map((m: { idempotencyKey: string }) => m.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(mails.body.every((m: { status: string; response: string }) => m.status === 'sent' && /250/.test(m.response))).toBe(true);
  // Exactly one SMTP delivery per recorded message.
  expect(inbox.filter((m) => m.headers.get('x-qms-case') === c.caseNo)).toHaveLength(mails.body.length);
});

test('bad input answers 4xx with the field and the reason and records nothing', async () => {
  const before = await db.complaintCase.count();
  const missing = await api('POST', '/api/complaints', { ...complaint, customerName: undefined, severity: 'critical' });
  expect(missing.status).toBe(400);
  const fields = missing.body.error.errors.map((e: { field: string }) => e.field).sort();
  expect(fields).toEqual(['customerName', 'severity']);
  expect(missing.body.error.errors.find((e: { field: string }) => e.field === 'customerName').reason).toBe('is required');

  const unknownRep = await api('POST', '/api/complaints', { ...complaint, salesRepId: 'p-nobody' });
  expect(unknownRep.status).toBe(422);
  expect(unknownRep.body.error.errors[0].field).toBe('salesRepId');
  const notSales = await api('POST', '/api/complaints', { ...complaint, salesRepId: 'p-qa-zhang' });
  expect(notSales.status).toBe(422);

  const badJson = await fetch(stack.baseUrl + '/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":' });
  expect(badJson.status).toBe(400);
  expect(await db.complaintCase.count()).toBe(before);

  expect((await api('GET', '/api/complaints/CC-2026-9999')).status).toBe(404);
  expect((await (await stack.as('p-sales-wang'))('POST', '/api/complaints/CC-2026-9999/contact', { method: 'phone', summary: 'x' })).status).toBe(404);
  expect((await api('GET', '/api/complaints/not-a-case')).status).toBe(400);
});

test('case numbers are unique and gap-free under concurrent intake', async () => {
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => api('POST', '/api/complaints', { ...complaint, description: `并发测试 ${i}` })),
  );
  expect(results.every((r) => r.status === 201)).toBe(true);
  const nos = results.map((r) => r.body.caseNo as string);
  expect(new Set(nos).size).toBe(12);
  const year = nos[0].slice(3, 7);
  const rows = await db.complaintCase.findMany({ where: { year: Number(year) }, select: { seq: true }, orderBy: { seq: 'asc' } });
  rows.forEach((r, i) => expect(r.seq).toBe(i + 1));

  // The same Idempotency-Key sent several times at once: one case, the others answer 200 with
  // it, and the numbers the losers drew are given back (still gap-free).
  const key = uid('same-key-at-once');
  const same = await Promise.all(Array.from({ length: 6 }, () => api('POST', '/api/complaints', { ...complaint, description: '同一请求重发' }, { 'Idempotency-Key': key })));
  expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
  expect(new Set(same.map((r) => r.body.caseNo)).size).toBe(1);
  const after = await db.complaintCase.findMany({ where: { year: Number(year) }, select: { seq: true }, orderBy: { seq: 'asc' } });
  after.forEach((r, i) => expect(r.seq).toBe(i + 1));
  expect(await db.complaintCase.count({ where: { idempotencyKey: key } })).toBe(1);
  // Server-Timing tells where an intake's time went.
  expect(same.find((r) => r.status === 201)!.headers.get('server-timing')).toMatch(/lookup;dur=[\d.]+, db;dur=[\d.]+, temporal;dur=/);
});

test('health, readiness and the OpenAPI document', async () => {
  expect((await api('GET', '/healthz')).status).toBe(200);
  const ready = await api('GET', '/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body).toMatchObject({ status: 'ready', database: { ok: true }, temporal: { ok: true } });
  // Which workers poll: the stack runs a case worker and a document worker on its own queue.
  expect(ready.body.workers).toEqual({
    cases: { taskQueue: stack.taskQueue, pollers: expect.any(Number) },
    documents: { taskQueue: `${stack.taskQueue}-documents`, pollers: expect.any(Number) },
  });
  expect(ready.body.workers.cases.pollers).toBeGreaterThanOrEqual(1);
  expect(ready.body.workers.documents.pollers).toBeGreaterThanOrEqual(1);
  const doc = (await api('GET', '/api/openapi.json')).body;
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/complaints', '/api/complaints/{caseNo}', '/api/complaints/{caseNo}/contact', '/healthz', '/readyz']));
  const body = doc.paths['/api/complaints'].post.requestBody.content['application/json'].schema;
  expect(body.required).toEqual(expect.arrayContaining(['customerName', 'product', 'description', 'category', 'severity', 'origin', 'salesRepId']));
  expect(body.properties.severity.enum).toEqual(['urgent', 'normal']);
  // The upload documents its multipart body: the files and the optional note.
  const upload = doc.paths['/api/complaints/{caseNo}/attachments'].post.requestBody.content['multipart/form-data'].schema;
  expect(upload.required).toEqual(['files']);
  expect(upload.properties.files).toMatchObject({ type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } });
  expect(upload.properties.note).toMatchObject({ type: 'string', maxLength: 1000 });
});

test('opening an open case warms its workflow up in the worker (once per 30 s); a closed case is left alone', async () => {
  const { caseNo } = (await api('POST', '/api/complaints', { ...complaint, customerName: '无锡暖机测试有限公司' })).body;
  const stats = () => stack.cases.warmUpStats()!;
  const before = stats();
  expect((await api('GET', `/api/complaints/${caseNo}`)).status).toBe(200);
  expect(stats().sent).toBe(before.sent + 1);
  // The worker answered the query: it has the case loaded for the step that follows.
  await eventually(async () => stats().inFlight === 0, 10_000, 'the warm-up answered');
  expect(stats().failed).toBe(before.failed);
  // Opened again within the 30 s: not sent again.
  expect((await api('GET', `/api/complaints/${caseNo}`)).status).toBe(200);
  expect(stats()).toMatchObject({ sent: before.sent + 1, skipped: before.skipped + 1 });

  // A closed case has no running workflow to warm up.
  const qam = await stack.as('p-qam-liu');
  expect((await qam('POST', `/api/complaints/${caseNo}/dismissal`, { reason: 'withdrawn', explanation: '客户撤回投诉', password: TEST_PASSWORD })).status).toBe(200);
  await eventually(async () => (await api('GET', `/api/complaints/${caseNo}`)).body.status === 'closed', 15_000, 'the case closed');
  const closed = stats();
  expect((await api('GET', `/api/complaints/${caseNo}`)).status).toBe(200);
  expect(stats()).toMatchObject({ sent: closed.sent, skipped: closed.skipped });
});

test('a warm-up never fails its caller: an unknown workflow is counted and tried again next time; at most maxInFlight at once', async () => {
  const warmUp = createWarmUp(env.client, { maxInFlight: 1 });
  const missing = uid('no-such-case');
  await expect(warmUp.warm(missing)).resolves.toBeUndefined();
  expect(warmUp.stats()).toMatchObject({ sent: 1, failed: 1, inFlight: 0 });
  const again = warmUp.warm(missing);
  expect(again).not.toBeNull();
  expect(warmUp.warm(uid('another'))).toBeNull(); // one already running
  await again;
  expect(warmUp.stats()).toMatchObject({ sent: 2, failed: 2, skipped: 1, inFlight: 0 });
});

test('a case is warmed up again once ttlMs has passed', async () => {
  const { workflowId } = (await api('POST', '/api/complaints', { ...complaint, customerName: '常熟暖机复测有限公司' })).body;
  const warmUp = createWarmUp(env.client, { ttlMs: 200 });
  await warmUp.warm(workflowId);
  expect(warmUp.warm(workflowId)).toBeNull();
  await new Promise((r) => setTimeout(r, 250));
  await expect(warmUp.warm(workflowId)).resolves.toBeUndefined();
  expect(warmUp.stats()).toEqual({ sent: 2, skipped: 1, failed: 0, inFlight: 0, recent: [workflowId, workflowId] });
});

test("opening a case also warms up its open children: open countermeasures and an open Recurrence Prevention Report, not closed ones", async () => {
  const { caseNo, workflowId } = (await api('POST', '/api/complaints', { ...complaint, customerName: '昆山子流程暖机有限公司' })).body;
  const item = (ref: string, status: string) => ({ ref, kind: 'permanent', action: 'x', ownerDepartmentId: 'dept-mfg', dueAt: new Date().toISOString(), status });
  await db.complaintCase.update({
    where: { caseNo },
    data: { data: { data: {}, countermeasures: [item('C1', 'open'), item('P1', 'implemented'), item('M1', 'open')], rpr: { workflowId: `${workflowId}:rpr`, status: 'open', step: 'proposal' } } },
  });
  await stack.cases.open(caseNo);
  const { recent } = stack.cases.warmUpStats()!;
  expect(recent.slice(-4)).toEqual([workflowId, `${workflowId}:cm:C1`, `${workflowId}:cm:M1`, `${workflowId}:rpr`]);
  await eventually(async () => stack.cases.warmUpStats()!.inFlight === 0, 10_000, 'warm-ups answered');
});

test('closing the warm-up cancels and awaits what is still running, and sends nothing more', async () => {
  const warmUp = createWarmUp(env.client);
  const { workflowId } = (await api('POST', '/api/complaints', { ...complaint, customerName: '太仓关闭测试有限公司' })).body;
  const running = warmUp.warm(workflowId);
  expect(running).not.toBeNull();
  await warmUp.close();
  expect(warmUp.stats().inFlight).toBe(0);
  await running;
  expect(warmUp.warm(uid('after-close'))).toBeNull();
});
