/**
 * The quarterly satisfaction questionnaire end to end, every part real (database, SMTP on
 * loopback, HTTP, the worker with the real activities) on Temporal's time-skipping test
 * server, so the real default times (reminder after 7 days, closing after 14) are skipped
 * with env.sleep instead of waited for:
 * customers registered through the API (and one derived from a case) → the workflow opens
 * the round and mails every contact their link → the customer follows the link and answers
 * (validation next to the field; a second answer, an altered token and another contact's
 * token are refused) → the score shows in /api/satisfaction/csi → 7 days: the reminder goes
 * to the contacts who have not answered only → 14 days: the round closes, the CSI report is
 * filed (SHA-256) and mailed to the QA manager, a late answer is refused politely → the PDF
 * (zh/en) has the parts, customers, values and priorities and a vector radar chart.
 * Plus the `quarterly-survey` Schedule on the run's dev server.
 * RECORD_HISTORIES=1 saves the workflow's history for test/replay.test.ts.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import type { ParsedMail } from 'mailparser';
import { createAuth } from '../api/auth';
import { isWorkingInstant } from '../activities/calendar';
import { policyDefinitionSchema } from '../activities/policy';
import { RADAR_COLOR } from '../templates/pdf/charts';
import { ensureSchedules, QUARTERLY_SURVEY_SCHEDULE_ID } from '../scripts/schedules';
import { ensureTimeSkippingServer } from '../scripts/time-skipping-server';
import { quarterlySurvey } from '../workflows/quarterly-survey';
import { eventually, TEST_PASSWORD, testEnv, uid } from './helpers';
import { startStack, type Api, type Stack } from './stack';

const DAY = 86_400_000;
let stack: Stack;
let admin: Api;

beforeAll(async () => {
  let server: string;
  try {
    server = (await ensureTimeSkippingServer((l) => process.stderr.write(`${l}\n`))).path;
  } catch (err) {
    throw new Error(`Temporal's time-skipping test server is not available, so this test cannot run: ${(err as Error).message}`);
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } });
  stack = await startStack({ clocks: { first_contact: { due: '12h' }, preliminary_analysis: { due: '24h' }, capa_plan: { due: '24h' }, reply: { due: '3d' }, potential_cause_report: { due: '48h' } } }, 'csi', { env });
  await stack.db.person.upsert({
    where: { id: 'p-admin-csi' },
    create: { id: 'p-admin-csi', name: '满意度管理员', email: 'admin-csi@example.com', role: 'admin', departmentId: 'dept-mgmt' },
    update: {},
  });
  await createAuth({ db: stack.db }).setPassword('p-admin-csi', TEST_PASSWORD, false);
  admin = await stack.as('p-admin-csi');
}, 10 * 60_000);
afterAll(() => stack?.close());

/** A quarter no other test uses: far in the future, so no other case falls in its window. */
const year = 2100 + crypto.randomInt(0, 800);
const QUARTER = `${year}-Q2`;

const mailsOf = (kind: string) => stack.inbox.filter((m) => m.headers.get('x-qms-kind') === kind && m.headers.get('x-qms-period') === QUARTER);
const toOf = (m: ParsedMail) => (m.to as { text: string }).text;
const linkIn = (m: ParsedMail) => {
  const url = /http:\/\/qms\.example\.test\/csi\/[A-Za-z0-9_-]+/.exec(m.text ?? '')?.[0];
  if (!url) throw new Error(`no questionnaire link in ${m.subject}`);
  return url.replace('http://qms.example.test', stack.baseUrl);
};
async function get(url: string) {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}
async function post(url: string, fields: Record<string, string>) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: r.status, text: await r.text() };
}
const grades = (q: string, d: string, c: string, s: string, t: string) => ({ grade_quality: q, grade_delivery: d, grade_communication: c, grade_service: s, grade_technical: t });
const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();

test('customers through the API: admin only, validated with the field and the reason', async () => {
  expect((await (await stack.as('p-sales-wang'))('POST', '/api/customers', { name: 'X' })).status).toBe(403);
  const bad = await admin('POST', '/api/customers', { name: 'Bad mail', contacts: [{ name: 'A', email: 'not-an-address' }] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.errors).toEqual([{ field: 'contacts.0.email', reason: 'must be an e-mail address' }]);
  const lang = await admin('POST', '/api/customers', { name: 'Bad lang', contacts: [{ name: 'A', email: 'a@example.test', language: 'fr' }] });
  expect(lang.status).toBe(400);
  expect(lang.body.error.errors[0].field).toBe('contacts.0.language');
  expect((await admin('GET', '/api/customers')).body.map((c: { name: string }) => c.name)).toContain('苏州精密电子有限公司'); // seeded
  const dup = await admin('POST', '/api/customers', { name: '苏州精密电子有限公司' });
  expect(dup.status).toBe(422);
  expect(dup.body.error.errors[0].field).toBe('name');
});

test('the quarterly round: mail, link, answer, index, reminder to non-respondents only, close, report, late answer refused', async () => {
  const tag = uid('csi').slice(4);
  // Two registered customers: one with a Chinese and an English contact, one with a Chinese contact.
  const c1 = await admin('POST', '/api/customers', {
    name: `华东精工-${tag}`,
    nameEn: `East China Precision ${tag}`,
    contacts: [
      { name: '赵经理', email: `zhao.${tag}@customer.test`, language: 'zh' },
      { name: 'Mary Smith', email: `MARY.${tag}@customer.test`, language: 'en' },
    ],
  });
  expect(c1.status).toBe(201);
  expect(c1.body.contacts.map((c: { email: string }) => c.email)).toContain(`mary.${tag}@customer.test`);
  const c2 = await admin('POST', '/api/customers', { name: `德尔塔-${tag}`, contacts: [{ name: '钱工', email: `qian.${tag}@customer.test` }] });
  expect(c2.status).toBe(201);
  // A customer on a case of the quarter, never registered: derived when the round opens.
  const policy = await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName } });
  const closedCase = await stack.db.complaintCase.create({
    data: {
      caseNo: `CC-${year}-${crypto.randomInt(1000, 9999)}`,
      year,
      seq: crypto.randomInt(1, 1_000_000),
      workflowId: uid('csi-case'),
      customerName: `派生客户-${tag}`,
      customerContact: '孙工',
      customerEmail: `Derived.${tag}@customer.test`,
      product: 'MX-50',
      channel: 'email',
      description: '满意度测试用的已结案件',
      category: 'quality',
      severity: 'normal',
      origin: 'own_plant',
      sampleExpected: false,
      receivedAt: new Date(Date.UTC(year, 4, 10)),
      salesRepId: 'p-sales-wang',
      policyId: policy.id,
      status: 'closed',
      step: 'closed',
      closedAt: new Date(Date.UTC(year, 4, 20)),
      resolution: 'resolved',
    },
  });
  // Its post-closure survey, answered dissatisfied in the quarter (shown on /satisfaction).
  await stack.db.satisfactionSurvey.create({
    data: {
      caseId: closedCase.id,
      tokenHash: crypto.randomBytes(32).toString('hex'),
      createdAt: new Date(Date.UTC(year, 4, 20)),
      expiresAt: new Date(Date.UTC(year, 5, 20)),
      answeredAt: new Date(Date.UTC(year, 4, 22)),
      outcome: 'dissatisfied',
      speed: 2,
      communication: 3,
      comment: '回复太慢',
    },
  });
  const activeContacts = await stack.db.customerContact.count({ where: { active: true, customer: { active: true } } });

  const handle = await stack.env.client.workflow.start(quarterlySurvey, { taskQueue: stack.taskQueue, workflowId: uid('quarterly-survey'), args: [{ quarter: QUARTER }] });

  // The round opens at the first working moment of the company calendar (now, or the next working morning).
  const opened = await eventually(() => stack.db.csiRound.findUnique({ where: { quarter: QUARTER } }), 60_000, 'round');
  const startedAt = await stack.env.currentTimeMs();
  const seededCalendar = policyDefinitionSchema.parse((await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: 'default' }, orderBy: { version: 'desc' } })).definition).calendar;
  expect(isWorkingInstant(opened.openedAt, seededCalendar)).toBe(true);
  expect(opened.openedAt.getTime()).toBeLessThan(startedAt + 5 * DAY);
  expect(opened.closesAt.getTime() - opened.openedAt.getTime()).toBe(14 * DAY);
  expect(opened.remindAt.map((d) => d.getTime() - opened.openedAt.getTime())).toEqual([7 * DAY]);
  if (opened.openedAt.getTime() > startedAt) {
    expect(mailsOf('csi_invitation')).toHaveLength(0); // nothing before the round opens
    await stack.env.sleep(opened.openedAt.getTime() - startedAt);
  }

  // Every contact gets one invitation in their language, the derived one too.
  const mine = [`zhao.${tag}@customer.test`, `mary.${tag}@customer.test`, `qian.${tag}@customer.test`, `derived.${tag}@customer.test`];
  await eventually(async () => mine.every((a) => mailsOf('csi_invitation').some((m) => toOf(m) === a)), 60_000, 'invitations');
  const invitation = (address: string) => mailsOf('csi_invitation').find((m) => toOf(m) === address)!;
  expect(invitation(mine[0]).subject).toContain('顾客满意度调查');
  expect(invitation(mine[1]).subject).toContain('Customer satisfaction survey');
  const derived = (await admin('GET', '/api/customers')).body.find((c: { name: string }) => c.name === `派生客户-${tag}`);
  expect(derived).toMatchObject({ source: 'cases', contacts: [{ name: '孙工', email: `derived.${tag}@customer.test`, language: 'zh' }] });
  const round = await stack.db.csiRound.findUniqueOrThrow({ where: { quarter: QUARTER }, include: { responses: true } });
  expect(round.responses).toHaveLength(activeContacts + 1);
  // Only hashes are stored; every link is different.
  const links = mine.map((a) => linkIn(invitation(a)));
  expect(new Set(links).size).toBe(4);
  for (const l of links) expect(round.responses.some((r) => l.endsWith(r.tokenHash))).toBe(false);

  // The form: five parts in the contact's language, with a switch.
  const zhForm = await get(links[0]);
  expect(zhForm.status).toBe(200);
  for (const part of ['质量', '交期', '沟通', '服务与灵活性', '技术支持']) expect(zhForm.text).toContain(part);
  for (const g of ['A', 'A-', 'B+', 'B', 'B-', 'C', 'D']) expect(zhForm.text).toContain(`value="${g}"`);
  expect(zhForm.text).toContain(`华东精工-${tag}`);
  expect((await get(links[1])).text).toContain('On-time delivery');
  expect((await get(`${links[0]}?lang=en`)).text).toContain('Technical support');

  // A missing grade is shown next to its part, nothing stored.
  const missing = await post(links[0], { grade_quality: 'A', grade_delivery: 'D', grade_communication: 'B+', grade_service: 'B' });
  expect(missing.status).toBe(422);
  expect(missing.text).toMatch(/id="err-technical">请选择一个等级/);
  expect(missing.text).not.toContain('id="err-quality"');
  expect(missing.text).toContain('value="D" checked');
  expect((await post(links[0], { ...grades('A', 'D', 'B+', 'B', 'E') })).status).toBe(422);

  // Answers: a D pulls the delivery score down.
  const ok = await post(links[0], { ...grades('A', 'D', 'B+', 'B', 'C'), comment_delivery: '交期经常延误', comment_overall: '总体尚可' });
  expect(ok.status).toBe(200);
  expect(ok.text).toContain('感谢您的回复');
  // The same link again: refused, politely; an altered token: not valid.
  const again = await post(links[0], grades('A', 'A', 'A', 'A', 'A'));
  expect(again.status).toBe(409);
  expect(again.text).toContain('已经回复过了');
  expect((await get(links[0])).status).toBe(409);
  const last = links[2].slice(-1);
  const altered = links[2].slice(0, -1) + (last === 'A' ? 'B' : 'A');
  const alteredAnswer = await post(altered, grades('A', 'A', 'A', 'A', 'A'));
  expect(alteredAnswer.status).toBe(404);
  expect(alteredAnswer.text).toContain('链接无效');
  // Mary's link answers for Mary only: Zhao's answer is unchanged.
  expect((await post(links[1], grades('B', 'C', 'A', 'A-', 'B-'))).status).toBe(200);
  const rows = await stack.db.csiResponse.findMany({ where: { roundId: round.id, email: { in: mine.slice(0, 2) } } });
  expect(Object.fromEntries(rows.map((r) => [r.email, r.grades]))).toEqual({
    [mine[0]]: { quality: 'A', delivery: 'D', communication: 'B+', service: 'B', technical: 'C' },
    [mine[1]]: { quality: 'B', delivery: 'C', communication: 'A', service: 'A-', technical: 'B-' },
  });

  // The index while the round is open.
  const qam = stack.api;
  const open = (await qam('GET', `/api/satisfaction/csi?quarter=${QUARTER}`)).body;
  expect(open).toMatchObject({ quarter: QUARTER, status: 'open', sent: activeContacts + 1, answered: 2 });
  const east = open.customers.find((c: { customerName: string }) => c.customerName === `华东精工-${tag}`);
  expect(east).toMatchObject({ sent: 2, answered: 2, responseRate: 1, overall: 34, parts: { quality: 70, delivery: -50, communication: 80, service: 60, technical: 10 } });
  expect((await (await stack.as('p-sales-wang'))('GET', `/api/satisfaction/csi?quarter=${QUARTER}`)).status).toBe(403);
  expect((await (await stack.as('p-audit-he'))('GET', `/api/satisfaction/csi?quarter=${QUARTER}`)).status).toBe(200);
  expect((await qam('GET', '/api/satisfaction/csi?quarter=2026-Q5')).status).toBe(400);

  // 7 days: the reminder goes to those who have not answered, once each.
  await stack.env.sleep(7 * DAY);
  const nonRespondents = activeContacts + 1 - 2;
  await eventually(async () => (await stack.db.mailMessage.count({ where: { kind: 'csi_reminder', idempotencyKey: { in: round.responses.map((r) => `csi-reminder:${r.id}:1`) }, status: 'sent' } })) === nonRespondents, 60_000, 'reminders');
  const reminded = mailsOf('csi_reminder').map(toOf);
  expect(reminded).toEqual(expect.arrayContaining([mine[2], mine[3]]));
  expect(reminded).not.toContain(mine[0]);
  expect(reminded).not.toContain(mine[1]);
  expect(reminded).toHaveLength(nonRespondents);
  expect(linkIn(mailsOf('csi_reminder').find((m) => toOf(m) === mine[2])!)).toBe(links[2]);
  // Qian answers after the reminder, still in time.
  expect((await post(links[2], { ...grades('C', 'D', 'C', 'B-', 'D'), comment_technical: '技术支持响应慢' })).status).toBe(200);

  // 14 days: the round closes, the report is filed and mailed to the QA manager.
  await stack.env.sleep(7 * DAY);
  const result = await handle.result();
  expect(result).toMatchObject({ quarter: QUARTER, questionnaires: activeContacts + 1, reminded: [nonRespondents] });
  expect(result.reportsSent).toBeGreaterThanOrEqual(1);
  expect(result.invited).toBe(activeContacts + 1);
  const late = await post(links[3], grades('A', 'A', 'A', 'A', 'A'));
  expect(late.status).toBe(410);
  expect(late.text).toContain('本季度调查已截止');
  expect((await get(`${links[3]}?lang=en`)).text).toContain('This survey has closed');

  const closed = (await qam('GET', `/api/satisfaction/csi?quarter=${QUARTER}`)).body;
  expect(closed).toMatchObject({ status: 'closed', answered: 3, sent: activeContacts + 1 });
  expect(closed.responseRate).toBeCloseTo(3 / (activeContacts + 1), 10);
  expect(Object.fromEntries(closed.parts.map((p: { part: string; score: number }) => [p.part, p.score]))).toEqual({ quality: 35, delivery: -75, communication: 40, service: 40, technical: -45 });
  expect(closed.overall).toBe(-1);
  expect(closed.priorities.map((p: { part: string }) => p.part)).toEqual(['delivery', 'technical']);
  expect(closed.customers.find((c: { customerName: string }) => c.customerName === `派生客户-${tag}`)).toMatchObject({ sent: 1, answered: 0, overall: null });
  expect(closed.trend.map((t: { quarter: string }) => t.quarter)).toEqual([`${year - 1}-Q2`, `${year - 1}-Q3`, `${year - 1}-Q4`, `${year}-Q1`, QUARTER]);

  const reportMail = await eventually(async () => mailsOf('csi_report').find((m) => toOf(m) === 'liu.yang@example.com'), 30_000, 'report mail');
  expect(reportMail.subject).toContain('CSI -1.0');
  const attached = reportMail.attachments.find((a) => a.contentType === 'application/pdf')!;
  const filed = await stack.db.periodReport.findFirstOrThrow({ where: { kind: 'csi_report', period: QUARTER }, orderBy: { version: 'desc' } });
  expect(filed.sha256).toBe(crypto.createHash('sha256').update(attached.content).digest('hex'));
  const zh = pdfText(attached.content).replace(/\s+/g, '');
  for (const s of ['顾客满意度调查报告', '质量', '交期', '沟通', '服务与灵活性', '技术支持', `华东精工-${tag}`, `德尔塔-${tag}`, `派生客户-${tag}`, '改善重点', '-75.0', '-45.0', '34.0', '-1.0', '交期经常延误']) {
    expect({ s, found: zh.includes(s.replace(/\s+/g, '')) }).toEqual({ s, found: true });
  }

  // The English PDF over HTTP: valid, the same numbers, a vector radar (paths in the radar's colour, no images).
  const pdf = await qam('GET', `/api/satisfaction/csi/${QUARTER}.pdf?lang=en`);
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toContain('application/pdf');
  expect(pdf.headers.get('x-content-sha256')).toBe(crypto.createHash('sha256').update(pdf.body).digest('hex'));
  const file = path.join('/tmp', `${uid('csi')}.pdf`);
  fs.writeFileSync(file, pdf.body);
  execFileSync('qpdf', ['--check', file]);
  const en = pdfText(pdf.body);
  for (const s of ['Customer Satisfaction Report', 'Quality', 'On-time delivery', 'Communication', 'Service and flexibility', 'Technical support', 'Improvement priorities', 'Response rate', `华东精工-${tag}`, '-75.0']) expect({ s, found: en.replace(/\s+/g, ' ').includes(s) || en.replace(/\s+/g, '').includes(s) }).toEqual({ s, found: true });
  const qdf = `${file}.qdf`;
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', file, qdf]);
  const content = fs.readFileSync(qdf).toString('latin1');
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(RADAR_COLOR.slice(i, i + 2), 16) / 255);
  // pdfkit writes the stroke colour as "r g b SCN" (DeviceRGB, components 0…1).
  expect(content).toMatch(new RegExp(`${[r, g, b].map((x) => String(x).replace('.', '\\.')).join('\\s+')}\\s+SCN`));
  expect((content.match(/\sh\s/g) ?? []).length).toBeGreaterThanOrEqual(6); // closed polygons: 5 rings, zero ring, data
  expect(content).not.toMatch(/\/Subtype\s*\/Image/);
  expect((await qam('GET', `/api/satisfaction/csi/${year}-Q3.pdf`)).status).toBe(404);

  // The web page: the quarter's CSI, response rate, priorities, the PDF link and the post-closure survey; in the navigation for the roles that read it.
  const cookieOf = async (email: string) => {
    const r = await stack.anon('POST', '/api/auth/login', { email, password: TEST_PASSWORD });
    expect(r.status).toBe(200);
    return /qms_session=[^;]+/.exec(r.headers.get('set-cookie') ?? '')![0];
  };
  const web = async (cookie: string, p: string) => {
    const r = await fetch(stack.baseUrl + p, { headers: { cookie }, redirect: 'manual' });
    return { status: r.status, text: await r.text() };
  };
  const qamCookie = await cookieOf('liu.yang@example.com');
  const sat = await web(qamCookie, `/satisfaction?quarter=${QUARTER}`);
  expect(sat.status).toBe(200);
  expect(sat.text).toMatch(/data-testid="csi-overall"[^>]*>-1\.0</);
  expect(sat.text).toMatch(new RegExp(`data-testid="csi-response-rate">${Math.round((3 / (activeContacts + 1)) * 1000) / 10}%<`));
  expect(sat.text).toContain(`href="/api/satisfaction/csi/${QUARTER}.pdf?lang=zh"`);
  expect(sat.text).toMatch(/<ol><li><strong>交期<\/strong> -75\.0/);
  expect(sat.text).toContain(`华东精工-${tag}`);
  expect(sat.text).toContain('结案后二度满意');
  expect(sat.text).toContain('data-testid="second-answered">1<');
  expect(sat.text).toContain(`href="/cases/${closedCase.caseNo}"`);
  expect(sat.text).toMatch(/待跟进<\/span> <span class="muted">“回复太慢”/);
  expect(sat.text).toContain('href="/satisfaction"');
  const salesCookie = await cookieOf('wang.fang@example.com');
  expect((await web(salesCookie, '/satisfaction')).status).toBe(403);
  expect((await web(salesCookie, '/work')).text).not.toContain('href="/satisfaction"');

  // A second run for the quarter sends nothing twice.
  const before = stack.inbox.length;
  const rerun = await stack.env.client.workflow.execute(quarterlySurvey, { taskQueue: stack.taskQueue, workflowId: uid('quarterly-survey'), args: [{ quarter: QUARTER }] });
  expect(rerun).toMatchObject({ quarter: QUARTER, invited: 0, reportsSent: 0, overall: -1 });
  expect(stack.inbox.length).toBe(before);

  if (process.env.RECORD_HISTORIES) {
    const dir = path.join(__dirname, 'histories');
    fs.writeFileSync(path.join(dir, 'quarterly-survey.json'), historyToJSON(await handle.fetchHistory()));
    fs.writeFileSync(path.join(dir, 'quarterly-survey.workflow-id'), handle.workflowId);
  }
}, 10 * 60_000);

test('the quarterly-survey Schedule: 1 January, April, July and October, 08:00 in TIME_ZONE', async () => {
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress });
  try {
    await ensureSchedules(env.connection, { namespace: 'default', taskQueue: stack.taskQueue, timeZone: 'Asia/Shanghai' });
    // Idempotent: a second worker start updates it in place.
    await ensureSchedules(env.connection, { namespace: 'default', taskQueue: stack.taskQueue, timeZone: 'Asia/Shanghai' });
    const desc = await env.client.schedule.getHandle(QUARTERLY_SURVEY_SCHEDULE_ID).describe();
    expect(desc.spec.timezone).toBe('Asia/Shanghai');
    expect(desc.spec.calendars?.[0]).toMatchObject({
      month: [{ start: 'JANUARY', end: 'OCTOBER', step: 3 }],
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: 'quarterlySurvey', taskQueue: stack.taskQueue });
    const next = desc.info.nextActionTimes[0];
    expect(DateTime.fromJSDate(next, { zone: 'Asia/Shanghai' }).toFormat('d/M HH:mm')).toMatch(/^1\/(1|4|7|10) 08:00$/);
  } finally {
    await env.teardown();
  }
});
