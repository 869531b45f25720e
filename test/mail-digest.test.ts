/**
 * Daily digest, customer letters, give-up and bounces against the run's database, a real
 * SMTP server on loopback (parsed with mailparser) and, for the retry and the schedule, the
 * run's Temporal server. Run: npx jest test/mail-digest.test.ts
 *
 * Fixture clocks are due in 2020, so open clocks of other test files (due now) never fall
 * into these digests' windows.
 */
import crypto from 'node:crypto';
import express from 'express';
import request from 'supertest';
import pino from 'pino';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { NO_CUSTOMER_EMAIL } from '../activities/mail/customer';
import { createMailTransport } from '../activities/mail/transport';
import { errorHandler } from '../api/errors';
import { RouteRegistry } from '../api/registry';
import { mailRoutes } from '../api/routes/mail';
import type { Db } from '../prisma/client';
import { DAILY_DIGEST_SCHEDULE_ID, ensureSchedules } from '../scripts/schedules';
import { eventually, testDb, testEnv, uid } from './helpers';
import { freePort } from '../scripts/services';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

const TZ = 'Asia/Shanghai';
const PUBLIC_URL = 'http://qms.example.test';

/** A loopback SMTP server that can be stopped and started again on the same port. */
class Smtp {
  inbox: ParsedMail[] = [];
  private server: SMTPServer | null = null;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const inbox = this.inbox;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const fail = (code: number, message: string) => callback(Object.assign(new Error(message), { responseCode: code }));
        if (address.address.startsWith('nobody')) return fail(550, '5.1.1 No such user here');
        if (address.address.startsWith('busy')) return fail(451, '4.7.1 Greylisted, try again later');
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then((m) => {
          inbox.push(m);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}


let db: Db;
let smtp: Smtp;
let policyId: string;
const closers: (() => unknown)[] = [];

function deps(port: number, over: Partial<ActivityDeps> = {}): ActivityDeps {
  const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, outboxDir: '/nonexistent-unused', from: 'QMS <qms@example.test>' });
  closers.push(() => transport.close());
  return {
    db,
    transport,
    publicUrl: PUBLIC_URL,
    timeZone: TZ,
    mailDomain: 'example.test',
    fromAddress: 'qms@example.test',
    company: { name: 'XX公司', nameEn: 'XX Company' },
    ...over,
  };
}

const fixtureCases: string[] = [];

async function makeCase(over: { salesRepId?: string; customerEmail?: string | null; status?: string } = {}) {
  const caseNo = uid('CC-T');
  const created = await db.complaintCase.create({
    data: {
      caseNo,
      year: 1999,
      seq: crypto.randomInt(1, 2 ** 31 - 1),
      workflowId: `test-${caseNo}`,
      customerName: '苏州精密电子有限公司',
      customerContact: '采购部 周先生',
      customerEmail: over.customerEmail === undefined ? 'buyer@customer.example' : over.customerEmail,
      product: 'XC-200 连接器',
      channel: 'phone',
      description: '端子镀层起泡',
      category: 'quality',
      severity: 'normal',
      origin: 'own_plant',
      sampleExpected: true,
      receivedAt: new Date('2020-01-01T00:00:00Z'),
      salesRepId: over.salesRepId ?? 'p-sales-wang',
      policyId,
      status: over.status ?? 'open',
      step: 'first_contact',
    },
  });
  fixtureCases.push(created.id);
  return created;
}

async function makeClock(caseId: string, clock: string, dueAt: string, owner: { role: string; dept?: string }, outcome: string | null = null) {
  return db.caseClock.create({
    data: {
      caseId,
      clockId: clock,
      clock,
      ownerRole: owner.role,
      ownerDeptId: owner.dept ?? null,
      startedAt: new Date(new Date(dueAt).getTime() - 86_400_000),
      dueAt: new Date(dueAt),
      originalDue: new Date(dueAt),
      outcome,
    },
  });
}

const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

beforeAll(async () => {
  db = testDb();
  policyId = (await db.deadlinePolicy.findFirstOrThrow({ where: { name: 'default' } })).id;
  smtp = new Smtp(await freePort());
  await smtp.start();
});

// Overdue has no lower bound: stop each test's clocks so they stay out of the next test's digests.
afterEach(async () => {
  await db.caseClock.updateMany({ where: { caseId: { in: fixtureCases.splice(0) }, outcome: null }, data: { outcome: 'met' } });
});

afterAll(async () => {
  for (const c of closers) await c();
  await smtp?.stop();
  await db?.$disconnect();
});

describe('daily digest', () => {
  test('each owner gets one digest with overdue / today / tomorrow and links; a second run sends nothing', async () => {
    const date = '2020-01-06'; // Monday; the day starts 2020-01-05T16:00Z in Asia/Shanghai
    const a = await makeCase({ salesRepId: 'p-sales-miller' });
    const b = await makeCase({ salesRepId: 'p-sales-wang' });
    const closed = await makeCase({ salesRepId: 'p-sales-miller', status: 'closed' });
    await makeClock(a.id, 'first_contact', '2020-01-04T02:00:00Z', { role: 'sales' }); // overdue
    await makeClock(a.id, 'reply', '2020-01-06T03:00:00Z', { role: 'sales' }); // today 11:00
    await makeClock(b.id, 'preliminary_analysis', '2020-01-07T02:00:00Z', { role: 'qa_engineer' }); // tomorrow
    await makeClock(b.id, 'capa_plan', '2020-01-06T08:00:00Z', { role: 'department_owner', dept: 'dept-mfg' }); // today
    await makeClock(b.id, 'reply', '2020-01-06T05:00:00Z', { role: 'sales' }, 'met'); // stopped: not listed
    await makeClock(b.id, 'potential_cause_report', '2020-01-08T02:00:00Z', { role: 'qa_engineer' }); // the day after tomorrow
    await makeClock(closed.id, 'reply', '2020-01-06T04:00:00Z', { role: 'sales' }); // closed case
    const d = await makeCase({ salesRepId: 'p-sales-li' });
    await makeClock(d.id, 'capa_plan', '2020-01-07T01:00:00Z', { role: 'department_owner', dept: 'dept-pur' }); // no owner → QA manager

    const acts = createActivities(deps(smtp.port));
    const before = smtp.inbox.length;
    const result = await acts.sendDailyDigests({ date, at: '2020-01-06T07:30:00+08:00' });
    // Owners are whoever holds the role now (other test files may add people): compute them.
    const emails = async (where: { role: string; departmentId?: string }) =>
      (await db.person.findMany({ where: { active: true, ...where }, select: { email: true } })).map((p) => p.email);
    const purOwners = await emails({ role: 'department_owner', departmentId: 'dept-pur' });
    const expected = [
      ...new Set([
        'anna.miller@example.com',
        ...(await emails({ role: 'qa_engineer' })),
        ...(await emails({ role: 'department_owner', departmentId: 'dept-mfg' })),
        ...(purOwners.length ? purOwners : await emails({ role: 'qa_manager' })),
      ]),
    ].sort();
    expect(result).toEqual({ date, people: expected.length, sent: expected.length, notSent: 0 });

    const digests = smtp.inbox.slice(before).filter((m) => m.headers.get('x-qms-digest-date') === date);
    const recipients = digests.map((m) => to(m)[0]).sort();
    expect(recipients).toEqual(expected);
    expect(recipients).toEqual(expect.arrayContaining(['anna.miller@example.com', 'chen.jing@example.com', 'liu.yang@example.com', 'zhang.wei@example.com', 'zhao.lei@example.com']));
    expect(recipients).not.toContain('sun.li@example.com'); // owner of another department
    expect(recipients).not.toContain('wang.fang@example.com'); // owns nothing in this window
    const byTo = (addr: string) => digests.find((m) => to(m)[0] === addr)!;

    const miller = byTo('anna.miller@example.com'); // locale en
    expect(miller.subject).toBe('[Daily digest] 2020-01-06: 1 overdue, 1 due today, 0 due tomorrow');
    expect(miller.text).toContain(`${a.caseNo} · First contact with the customer [overdue by 1 d 21 h]`);
    expect(miller.text).toContain(`${a.caseNo} · Reply to the customer`);
    expect(miller.text).toContain(`${PUBLIC_URL}/cases/${a.caseNo}`);
    expect(miller.text).toContain('Due: Mon 6 Jan 2020, 11:00 (Asia/Shanghai, UTC+8)');
    expect(miller.text).not.toContain(closed.caseNo);
    expect(miller.html).toContain(`href="${PUBLIC_URL}/cases/${a.caseNo}"`);
    expect(miller.html).toContain('<html lang="en">');
    expect(miller.messageId).toMatch(/@example\.test>$/);

    const zhang = byTo('zhang.wei@example.com'); // zh-CN
    expect(zhang.subject).toBe('【每日待办】2020-01-06：逾期 0 项，今日到期 0 项，明日到期 1 项');
    expect(zhang.text).toContain(`${b.caseNo} · 初步分析及会议`);
    expect(zhang.text).not.toContain('潜在失效原因分析报告');
    expect(zhang.html).toContain('<html lang="zh-CN">');
    expect(byTo('chen.jing@example.com').text).toContain(`${b.caseNo} · 初步分析及会议`);
    const zhao = byTo('zhao.lei@example.com'); // owner of the responsible department only (not p-eng-sun)
    expect(zhao.text).toContain(`${b.caseNo} · 临时对策及纠正预防计划`);
    expect(zhao.text).toContain('截止时间：2020年1月6日（周一）16:00（Asia/Shanghai，UTC+8）');
    expect(zhao.text).not.toContain(d.caseNo);
    expect(byTo('liu.yang@example.com').text).toContain(`${d.caseNo} · 临时对策及纠正预防计划`);

    const row = await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: `digest:p-sales-miller:${date}` } });
    expect(row).toMatchObject({ status: 'sent', kind: 'digest', attempts: 1, to: ['anna.miller@example.com'] });

    // Exactly once: the same day again sends nothing.
    const again = await acts.sendDailyDigests({ date, at: '2020-01-06T09:00:00+08:00' });
    expect(again).toEqual({ date, people: expected.length, sent: 0, notSent: expected.length });
    expect(smtp.inbox.slice(before).filter((m) => m.headers.get('x-qms-digest-date') === date)).toHaveLength(expected.length);
  });

  test('the schedule is created idempotently: a second call tolerates "already exists"', async () => {
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
    try {
      const settings = { namespace: 'default', taskQueue: uid('digest-q'), timeZone: TZ };
      await ensureSchedules(env.connection, settings, pino({ level: 'silent' }));
      await ensureSchedules(env.connection, settings, pino({ level: 'silent' }));
      const handle = env.client.schedule.getHandle(DAILY_DIGEST_SCHEDULE_ID);
      const d = await handle.describe();
      expect(d.spec.timezone).toBe(TZ);
      expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyDigest', taskQueue: settings.taskQueue });
      await handle.delete();
    } finally {
      await env.teardown();
    }
  });

  test('SMTP down: the digest workflow retries the activity and delivers once the server is back', async () => {
    const date = '2020-02-03';
    const c = await makeCase({ salesRepId: 'p-sales-miller' });
    await makeClock(c.id, 'reply', '2020-02-03T06:00:00Z', { role: 'sales' });
    const down = new Smtp(await freePort()); // not started yet: connections are refused
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
    const taskQueue = uid('digest');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      ...WORKFLOW_CODE,
      activities: createActivities(deps(down.port)),
    });
    const running = worker.run();
    try {
      const handle = await env.client.workflow.start('dailyDigest', { taskQueue, workflowId: uid('daily-digest'), args: [{ date }] });
      const key = `digest:p-sales-miller:${date}`;
      await eventually(async () => (await db.mailMessage.findUnique({ where: { idempotencyKey: key } }))?.status === 'retrying', 60_000, 'a failed attempt');
      await down.start();
      const result = await handle.result();
      expect(result).toMatchObject({ date, people: 1, sent: 1 });
      const row = await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
      expect(row.status).toBe('sent');
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
      expect(down.inbox).toHaveLength(1);
      expect(down.inbox[0]!.text).toContain(c.caseNo);
      // The activity was retried by Temporal (not looped inside one attempt).
      const history = await handle.fetchHistory();
      const failed = history.events?.filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1);
      expect(failed?.length ?? 0).toBeGreaterThanOrEqual(1);
    } finally {
      worker.shutdown();
      await running;
      await down.stop();
      await env.teardown();
    }
  }, 120_000);
});

describe('customer letters', () => {
  test('the reply letter goes to the customer with the stored PDF attached, once', async () => {
    const c = await makeCase({ customerEmail: 'buyer@customer.example' });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n% test reply letter\n'), crypto.randomBytes(2048), Buffer.from('\n%%EOF\n')]);
    const doc = await db.caseDocument.create({
      data: {
        caseId: c.id,
        kind: 'customer_reply',
        version: 1,
        issueKey: uid('issue'),
        fileName: `${c.caseNo}-customer-reply-v1.pdf`,
        mimeType: 'application/pdf',
        sha256: crypto.createHash('sha256').update(pdf).digest('hex'),
        dataHash: 'x',
        bytes: pdf,
        size: pdf.length,
        trigger: 'test',
        language: 'zh',
      },
    });
    const acts = createActivities(deps(smtp.port));
    const before = smtp.inbox.length;
    const r = await acts.sendCustomerReply({ caseId: c.id, documentId: doc.id });
    expect(r).toEqual({ status: 'sent', key: `reply:${c.id}:${doc.id}`, to: ['buyer@customer.example'] });
    const got = smtp.inbox.slice(before);
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(to(m)).toEqual(['buyer@customer.example']);
    expect((m.cc as { text: string }).text).toContain('wang.fang@example.com');
    expect((m.replyTo as { text: string }).text).toContain('wang.fang@example.com');
    expect(m.subject).toBe(`客户品质抱怨回馈 ${c.caseNo}（XC-200 连接器）— XX公司`);
    expect(m.text).toContain('苏州精密电子有限公司（采购部 周先生）：您好！');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]!.filename).toBe(doc.fileName);
    expect(m.attachments[0]!.contentType).toBe('application/pdf');
    expect(Buffer.compare(m.attachments[0]!.content, pdf)).toBe(0);
    expect(await db.caseEvent.count({ where: { caseId: c.id, kind: 'mail_sent' } })).toBe(1);

    expect((await acts.sendCustomerReply({ caseId: c.id, documentId: doc.id })).status).toBe('duplicate');
    expect(smtp.inbox.length).toBe(before + 1);

    // Satisfaction request after closure: the survey link, once.
    const s = await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/abc?t=1&x=2' });
    expect(s).toMatchObject({ status: 'sent', key: `satisfaction:${c.id}` });
    const survey = smtp.inbox[smtp.inbox.length - 1]!;
    expect(survey.subject).toContain(c.caseNo);
    expect(survey.html).toContain('href="https://qms.example.test/survey/abc?t=1&amp;x=2"');
    expect((await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/abc?t=1&x=2' })).status).toBe('duplicate');
    expect(smtp.inbox.length).toBe(before + 2);
  });

  test('no customer e-mail: a skipped message with the reason, no error', async () => {
    const c = await makeCase({ customerEmail: null });
    const acts = createActivities(deps(smtp.port));
    const before = smtp.inbox.length;
    const r = await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/x' });
    expect(r).toEqual({ status: 'skipped', key: `satisfaction:${c.id}`, to: [], reason: NO_CUSTOMER_EMAIL });
    const row = await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: `satisfaction:${c.id}` } });
    expect(row).toMatchObject({ status: 'skipped', lastError: NO_CUSTOMER_EMAIL, caseId: c.id });
    expect(await db.caseEvent.count({ where: { caseId: c.id, kind: 'mail_skipped' } })).toBe(1);
    expect(smtp.inbox.length).toBe(before);
  });
});

describe('give-up and bounces', () => {
  test('past MAIL_GIVE_UP_AFTER a failing message is marked failed, recorded and escalated to the QA manager', async () => {
    const c = await makeCase({ customerEmail: 'busy@customer.example' }); // 451 every time
    const acts = createActivities(deps(smtp.port, { mailGiveUpAfterMs: 60_000 }));
    const before = smtp.inbox.length;
    const first = await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/y' }).catch((e: unknown) => e);
    expect(first).toMatchObject({ name: 'ApplicationFailure', type: 'MailDeliveryFailed', nonRetryable: false });
    const key = `satisfaction:${c.id}`;
    expect(await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } })).toMatchObject({ status: 'retrying', attempts: 1 });

    // The first attempt is now older than the give-up age.
    await db.mailMessage.update({ where: { idempotencyKey: key }, data: { createdAt: new Date(Date.now() - 2 * 60_000) } });
    const r = await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/y' });
    expect(r.status).toBe('gave_up');
    const row = await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(2);
    expect(row.lastError).toMatch(/^gave up after \d+ min and 2 attempt\(s\): .*451/);
    const ev = await db.caseEvent.findFirstOrThrow({ where: { caseId: c.id, kind: 'mail_give_up' } });
    expect(ev.data).toMatchObject({ key, mailKind: 'satisfaction_request', to: ['busy@customer.example'], attempts: 2 });

    // One escalation per QA manager (other test files may add some), each its own keyed message.
    const managers = (await db.person.findMany({ where: { role: 'qa_manager', active: true }, select: { email: true } })).map((p) => p.email).sort();
    const escalations = smtp.inbox.slice(before);
    expect(escalations.map((m) => to(m)[0]).sort()).toEqual(managers);
    const liu = escalations.find((m) => to(m)[0] === 'liu.yang@example.com')!;
    expect(liu.subject).toContain('【邮件无法投递】');
    expect(liu.subject).toContain(c.caseNo);
    expect(liu.text).toContain('busy@customer.example');
    expect(await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: `giveup:${key}:p-qam-liu` } })).toMatchObject({ status: 'sent', kind: 'mail_give_up' });

    // Settled: nothing more is sent or escalated.
    expect((await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/y' })).status).toBe('duplicate');
    expect(smtp.inbox.length).toBe(before + managers.length);
  });

  test('a 550 RCPT rejection is recorded as a bounce against the person and shown by the API', async () => {
    const date = '2020-03-02';
    const personId = uid('p-bad');
    const address = `nobody-${personId}@sales.example`;
    await db.person.create({ data: { id: personId, name: 'Bad Address', email: address, role: 'sales', departmentId: 'dept-sales', locale: 'en' } });
    const c = await makeCase({ salesRepId: personId });
    await makeClock(c.id, 'reply', '2020-03-02T06:00:00Z', { role: 'sales' });
    const acts = createActivities(deps(smtp.port));
    const r = await acts.sendDailyDigests({ date });
    expect(r).toEqual({ date, people: 1, sent: 0, notSent: 1 });
    const key = `digest:${personId}:${date}`;
    const row = await db.mailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row.status).toBe('failed');
    const bounces = await db.mailBounce.findMany({ where: { personId } });
    expect(bounces).toHaveLength(1);
    expect(bounces[0]).toMatchObject({ address, messageKey: key, code: 550 });
    expect(bounces[0]!.response).toContain('No such user');
    // A retry records nothing twice.
    await acts.sendDailyDigests({ date });
    expect(await db.mailBounce.count({ where: { personId } })).toBe(1);

    const app = express();
    app.use(mailRoutes(new RouteRegistry(), db));
    app.use(errorHandler(pino({ level: 'silent' })));
    const one = await request(app).get(`/api/people/${personId}/bounces`).expect(200);
    expect(one.body).toMatchObject({ personId, email: address, bounces: [{ address, code: 550, messageKey: key, personId }] });
    const all = await request(app).get('/api/mail/bounces').query({ address }).expect(200);
    expect(all.body.bounces).toHaveLength(1);
    expect(all.body.bounces[0].person).toMatchObject({ id: personId, name: 'Bad Address' });
    await request(app).get('/api/people/no-such-person/bounces').expect(404);
    await request(app).get('/api/mail/bounces').query({ limit: 'x' }).expect(400);
  });

  test("a refused customer address while the sales rep's copy goes out: bounce without a person, shown on the case", async () => {
    const c = await makeCase({ customerEmail: 'nobody-buyer@customer.example' });
    const acts = createActivities(deps(smtp.port));
    const before = smtp.inbox.length;
    const r = await acts.sendSatisfactionRequest({ caseId: c.id, surveyUrl: 'https://qms.example.test/survey/z' });
    // Only the customer is addressed: every recipient refused → failed, bounce recorded.
    expect(r.status).toBe('failed');
    expect(smtp.inbox.length).toBe(before);
    const key = `satisfaction:${c.id}`;
    expect(await db.mailBounce.findMany({ where: { messageKey: key } })).toMatchObject([{ personId: null, address: 'nobody-buyer@customer.example', code: 550 }]);
    expect(await db.caseEvent.count({ where: { caseId: c.id, kind: 'mail_failed' } })).toBe(1);

    // The reply letter also copies the sales rep: it goes out, and the refused address is on the case.
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const doc = await db.caseDocument.create({
      data: { caseId: c.id, kind: 'customer_reply', version: 1, issueKey: uid('issue'), fileName: 'r.pdf', mimeType: 'application/pdf', sha256: 'x', dataHash: 'x', bytes: pdf, size: pdf.length, trigger: 'test', language: 'en' },
    });
    const reply = await acts.sendCustomerReply({ caseId: c.id, documentId: doc.id });
    expect(reply.status).toBe('sent');
    expect(smtp.inbox.length).toBe(before + 1);
    expect(smtp.inbox[smtp.inbox.length - 1]!.subject).toBe(`Reply to your complaint ${c.caseNo} (XC-200 连接器) — XX Company`);
    const ev = await db.caseEvent.findFirstOrThrow({ where: { caseId: c.id, kind: 'mail_bounced' } });
    expect(ev.data).toMatchObject({ key: `reply:${c.id}:${doc.id}`, rejected: [{ address: 'nobody-buyer@customer.example', code: 550 }] });
    expect(await db.mailBounce.count({ where: { address: 'nobody-buyer@customer.example' } })).toBe(2);
  });
});
