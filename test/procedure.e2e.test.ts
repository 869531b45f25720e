/**
 * The own-plant procedure end to end over HTTP, every part real (Temporal, database,
 * SMTP, worker with real activities): intake → contact → sample → analysis → CAPA plan →
 * approval → countermeasures carried out → reply → effect → verification → closure, by
 * the people of each role; refusals answer 4xx with nothing recorded; the database holds
 * every clock's frozen outcome, every step and every filed version of the report.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Db } from '../prisma/client';
import { SIGNED_STEPS, type HumanStep } from '../workflows/steps';
import { TEST_PASSWORD, eventually } from './helpers';
import { startStack, type Stack } from './stack';

let stack: Stack;
let db: Db;
let api: Stack['api'];

beforeAll(async () => {
  // The default policy's clocks (12 h, 24 h, 48 h …): nothing falls due during the test.
  stack = await startStack(
    {
      timeMode: 'working',
      clocks: {
        first_contact: { due: '12h', timeMode: 'calendar' },
        preliminary_analysis: { due: '24h', rules: [{ when: { origin: 'supplier' }, due: '2d' }] },
        capa_plan: { due: '24h' },
        reply: { due: '3d', rules: [{ when: { origin: 'supplier' }, due: '7d' }, { when: { severity: 'urgent' }, due: '48h' }] },
        potential_cause_report: { due: '48h' },
      },
    },
    'procedure-e2e',
  );
  ({ db, api } = stack);
});
afterAll(() => stack?.close());

/** The password re-entered for an electronically signed step. */
const signed = (s: string) => (SIGNED_STEPS[s as HumanStep] ? { password: TEST_PASSWORD } : {});
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

test('own-plant case from receipt to closure through the API, by the people of each role', async () => {
  const created = await api('POST', '/api/complaints', {
    customerName: '宁波海天机电有限公司',
    customerEmail: 'qc@haitian.example',
    product: 'MX-50 电机',
    lot: 'L20261118-07',
    quantity: 36,
    channel: 'email',
    description: '电机运行 2 小时后异响，拆检发现轴承滚道压痕。',
    category: 'quality',
    severity: 'normal',
    origin: 'own_plant',
    salesRepId: 'p-sales-li',
  });
  expect(created.status).toBe(201);
  const no = created.body.caseNo as string;
  const step = async (s: string, actorId: string, data: unknown, extra: Record<string, unknown> = {}) =>
    (await stack.as(actorId))('POST', `/api/complaints/${no}/steps/${s}`, { data, ...signed(s), ...extra });

  const sales = await stack.as('p-sales-li');
  expect((await step('first_contact', 'p-sales-li', { method: 'phone', summary: '已与客户确认异响现象，安排寄回 3 台样品' })).status).toBe(200);

  // Wrong role → 403; bad data → 400 with the field (API) or 422 (workflow rules); wrong step → 409.
  const wrongRole = await step('sample_pending', 'p-mfg-zhao', { sample: 'received' });
  expect(wrongRole.status).toBe(403);
  const badData = await step('sample_pending', 'p-sales-li', { sample: 'lost' });
  expect(badData.status).toBe(400);
  expect(badData.body.error.errors[0].field).toMatch(/^data/);
  const wrongStep = await step('capa_plan', 'p-mfg-zhao', { containment: [{ action: 'x', ownerDepartmentId: 'dept-mfg', dueAt: inDays(1) }], permanent: [{ action: 'y', ownerDepartmentId: 'dept-mfg', dueAt: inDays(7) }] });
  expect(wrongStep.status).toBe(409);

  let s = await step('sample_pending', 'p-sales-li', { sample: 'received', note: '3 台样品送品保' });
  expect(s.body.step).toBe('preliminary_analysis');
  s = await step('preliminary_analysis', 'p-qa-chen', {
    phenomenon: '轴承异响',
    occurrenceCause: '压装工装定位销磨损，轴承受偏载产生压痕',
    escapeCause: '终检噪音测试抽样比例不足',
    responsibleDepartmentId: 'dept-mfg',
    causeClear: true,
    meeting: { heldAt: new Date().toISOString(), attendees: ['陈静', '赵磊', '刘洋'] },
  });
  expect(s.body.step).toBe('capa_plan');
  const plan = {
    containment: [{ action: '在库品及在途品 100% 噪音测试', ownerDepartmentId: 'dept-mfg', dueAt: inDays(2) }],
    permanent: [{ action: '更换定位销并增加每班点检', ownerDepartmentId: 'dept-mfg', dueAt: inDays(7) }],
    prevention: [{ action: '压装工装纳入预防保养计划', ownerDepartmentId: 'dept-eng', dueAt: inDays(14) }],
  };
  // Department work only from the responsible department.
  expect((await step('capa_plan', 'p-eng-sun', plan)).status).toBe(403);
  expect((await step('capa_plan', 'p-mfg-zhao', plan)).status).toBe(200);
  // Approval is signed electronically: no password → 400, a wrong one → 401, nothing recorded.
  const qam = await stack.as('p-qam-liu');
  const unsigned = await qam('POST', `/api/complaints/${no}/steps/capa_approval`, { data: { decision: 'approved' } });
  expect(unsigned.status).toBe(400);
  expect(unsigned.body.error.errors[0].field).toBe('password');
  expect((await qam('POST', `/api/complaints/${no}/steps/capa_approval`, { data: { decision: 'approved' }, password: 'wrong-password' })).status).toBe(401);
  s = await step('capa_approval', 'p-qam-liu', { decision: 'approved', comment: '同意' });
  expect(s.body.step).toBe('reply');
  expect(s.body.countermeasures.map((c: { ref: string }) => c.ref)).toEqual(['C1', 'P1', 'M1']);
  // Opening the case now also warms up its open countermeasures: their steps are posted from its page.
  const failedBefore = stack.cases.warmUpStats()!.failed;
  await eventually(async () => {
    await stack.cases.open(no);
    const { recent } = stack.cases.warmUpStats()!;
    return ['C1', 'P1', 'M1'].every((ref) => recent.some((id) => id.endsWith(`:cm:${ref}`)));
  }, 10_000, 'countermeasures warmed up');
  await eventually(async () => stack.cases.warmUpStats()!.inFlight === 0, 10_000, 'warm-ups answered');
  expect(stack.cases.warmUpStats()!.failed).toBe(failedBefore);

  // Each countermeasure is carried out by its department, with its effect.
  for (const [ref, who] of [['C1', 'p-mfg-zhao'], ['P1', 'p-mfg-zhao'], ['M1', 'p-eng-sun']]) {
    const r = await (await stack.as(who))('POST', `/api/complaints/${no}/countermeasures/${ref}/implementation`, { effect: `${ref} 已完成，复测 200 台无异响` });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('implemented');
  }
  expect((await (await stack.as('p-mfg-zhao'))('POST', `/api/complaints/${no}/countermeasures/P9/implementation`, { effect: 'x' })).status).toBe(404);

  expect((await step('reply', 'p-sales-li', { method: 'email', summary: '原因：压装定位销磨损；对策：更换定位销、每班点检、纳入保养计划。' })).status).toBe(200);
  await eventually(async () => (await api('GET', `/api/complaints/${no}/countermeasures`)).body.every((c: { status: string }) => c.status === 'implemented'), 10_000, 'countermeasures on the case');
  expect((await step('effect_confirmation', 'p-sales-li', { effective: true, customerFeedback: '新批次 200 台无异响' })).status).toBe(200);
  expect((await step('verification', 'p-qa-chen', { noRecurrence: true, lastMonthActionsDone: true, comment: '当月无同类异常' })).status).toBe(200);
  const closed = await step('closure', 'p-qam-liu', { comment: '效果确认，结案' });
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ status: 'closed', resolution: 'resolved' });

  // The database mirror: status, resolution, every clock frozen with its outcome, the record of each step.
  const view = await eventually(async () => {
    const v = await api('GET', `/api/complaints/${no}`);
    return v.body.status === 'closed' && v.body.clocks.every((c: { outcome: string | null }) => c.outcome) ? v.body : null;
  }, 15_000, 'closed case mirrored');
  expect(view.resolution).toBe('resolved');
  expect(view.closedAt).toBeTruthy();
  // Kept at least RECORD_RETENTION_YEARS (10) after closure.
  expect(DateTime.fromISO(view.retainUntil).diff(DateTime.fromISO(view.closedAt), 'years').years).toBe(10);
  const byId = Object.fromEntries(view.clocks.map((c: { id: string; outcome: string }) => [c.id, c.outcome]));
  expect(byId).toMatchObject({
    first_contact: 'met',
    reply: 'met',
    preliminary_analysis: 'met',
    capa_plan: 'met',
    capa_approval: 'met',
    'countermeasure:C1': 'met',
    'countermeasure:P1': 'met',
    'countermeasure:M1': 'met',
    effect_confirmation: 'met',
    verification: 'met',
    closure: 'met',
  });
  const owners = Object.fromEntries(view.clocks.map((c: { id: string; owner: { role: string; departmentId: string | null } }) => [c.id, c.owner]));
  expect(owners['capa_plan']).toEqual({ role: 'department_owner', departmentId: 'dept-mfg' });
  expect(owners['countermeasure:M1']).toEqual({ role: 'department_owner', departmentId: 'dept-eng' });
  expect(view.record.data.preliminary_analysis.occurrenceCause).toMatch(/定位销/);

  const allEvents = (await api('GET', `/api/complaints/${no}/events`)).body;
  const approval = allEvents.find((e: { kind: string; data: { step?: string } }) => e.kind === 'step_completed' && e.data.step === 'capa_approval');
  expect(approval.data.signature).toMatchObject({ signerId: 'p-qam-liu', signerName: '刘洋', role: 'qa_manager', meaning: expect.stringMatching(/approved the countermeasures/) });
  expect(approval.data.signature.contentHash).toMatch(/^[0-9a-f]{64}$/);
  const events = allEvents.map((e: { kind: string }) => e.kind);
  expect(events.filter((k: string) => k === 'step_completed')).toHaveLength(9);
  expect(events).toEqual(expect.arrayContaining(['case_received', 'countermeasure_implemented', 'case_closed', 'clock_stopped', 'document_issued']));
  // A new, numbered version of the report at each key step; the last one shows the closure.
  const allDocs = await eventually(async () => {
    const d = (await api('GET', `/api/complaints/${no}/documents`)).body;
    return d.some((x: { trigger: string }) => x.trigger === 'closed') ? d : null;
  }, 15_000, 'closing report filed');
  const docs = allDocs.filter((d: { kind: string }) => d.kind === 'market_quality_report');
  // The reply letter (客户品质/环境抱怨回馈) is filed and mailed to the customer with the PDF attached.
  const letter = allDocs.find((d: { kind: string }) => d.kind === 'customer_reply');
  expect(letter).toMatchObject({ version: 1, fileName: `${no}-complaint-reply-v1.pdf` });
  const replyMail = await eventually(async () => stack.inbox.find((m) => (m.to as { text: string })?.text.includes('qc@haitian.example') && m.attachments.some((a) => a.contentType === 'application/pdf')), 10_000, 'reply mail');
  const attached = replyMail.attachments.find((a) => a.contentType === 'application/pdf')!;
  expect(createHash('sha256').update(attached.content).digest('hex')).toBe(letter.sha256);
  const letterText = execFileSync('pdftotext', ['-', '-'], { input: attached.content }).toString().replace(/\s+/g, '');
  expect(letterText).toContain('客户品质/环境抱怨回馈');
  expect(letterText).toContain('更换定位销并增加每班点检');
  expect(docs.map((d: { trigger: string }) => d.trigger)).toEqual(['intake', 'first_contact', 'preliminary_analysis', 'capa_approval#1', 'reply', 'closed']);
  expect(docs.map((d: { version: number }) => d.version)).toEqual([1, 2, 3, 4, 5, 6]);
  // The closing version of the master form carries what each step recorded, and who signed.
  const pdf = await api('GET', `/api/complaints/${no}/report.pdf`);
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.body }).toString();
  for (const s of ['压装工装定位销磨损', '终检噪音测试抽样比例不足', '更换定位销并增加每班点检', '新批次 200 台无异响', '陈静', '刘洋', '结案']) {
    expect(text.replace(/\s+/g, '')).toContain(s.replace(/\s+/g, ''));
  }

  // English on request: filed as a version of its own, in English.
  const en = await api('GET', `/api/complaints/${no}/report.pdf?lang=en`);
  expect(execFileSync('pdftotext', ['-', '-'], { input: en.body }).toString()).toContain('Market Quality Abnormality Report');
  const filedEn = (await api('GET', `/api/complaints/${no}/documents`)).body.filter((d: { language: string }) => d.language === 'en');
  expect(filedEn.map((d: { sha256: string }) => d.sha256)).toContain(en.headers.get('x-content-sha256'));

  // Every filed version is a valid PDF (qpdf --check); the auditor gets the Case Audit Trail.
  for (const d of allDocs) {
    const f = await api('GET', d.url);
    expect(createHash('sha256').update(f.body).digest('hex')).toBe(d.sha256);
    const file = path.join(os.tmpdir(), `${no}-${d.kind}-${d.version}.pdf`);
    fs.writeFileSync(file, f.body);
    execFileSync('qpdf', ['--check', file], { stdio: 'ignore' });
  }
  const auditor = await stack.as('p-audit-he');
  const trail = await auditor('GET', `/api/audit/cases/${no}/trail.pdf`);
  expect(trail.status).toBe(200);
  const trailText = execFileSync('pdftotext', ['-', '-'], { input: trail.body }).toString();
  expect(trailText).toContain('审计追踪');
  expect(trailText).toContain('step_completed');
  expect((await sales('GET', `/api/audit/cases/${no}/trail.pdf`)).status).toBe(403);

  // Closed workflows are archived with their SHA-256 (Temporal drops histories after retention).
  const archived = await eventually(async () => {
    await stack.cases.archiveClosedHistories();
    const rows = await db.historyArchive.findMany({ where: { case: { caseNo: no } } });
    return rows.length >= 3 ? rows : null;
  }, 15_000, 'histories archived');
  expect(archived.map((r) => r.workflowId).sort()).toEqual(expect.arrayContaining(['C1', 'P1', 'M1'].map((ref) => `${view.workflowId}:cm:${ref}`)));
  expect(await stack.cases.archiveClosedHistories()).toBe(0);

  // Closed is closed: no further step, no dismissal.
  expect((await step('closure', 'p-qam-liu', {})).status).toBe(409);
  expect((await (await stack.as('p-qam-liu'))('POST', `/api/complaints/${no}/dismissal`, { reason: 'withdrawn', explanation: 'x', password: TEST_PASSWORD })).status).toBe(409);
  expect(await db.caseEvent.count({ where: { case: { caseNo: no }, kind: 'case_dismissed' } })).toBe(0);
});

test('a duplicate complaint is dismissed with its reason and linked; an unknown case to link to is refused', async () => {
  const body = {
    customerName: '宁波海天机电有限公司',
    product: 'MX-50 电机',
    channel: 'phone',
    description: '同一批次异响（重复来电）',
    category: 'quality',
    severity: 'normal',
    origin: 'own_plant',
    salesRepId: 'p-sales-li',
  };
  const first = (await api('POST', '/api/complaints', body)).body.caseNo;
  const dup = (await api('POST', '/api/complaints', body)).body.caseNo;
  const unknown = await (await stack.as('p-qam-liu'))('POST', `/api/complaints/${dup}/dismissal`, { reason: 'duplicate', explanation: '重复', duplicateOf: 'CC-1999-0001', password: TEST_PASSWORD });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error.errors[0].field).toBe('duplicateOf');
  const bySales = await (await stack.as('p-sales-li'))('POST', `/api/complaints/${dup}/dismissal`, { reason: 'duplicate', explanation: '重复', duplicateOf: first, password: TEST_PASSWORD });
  expect(bySales.status).toBe(403);
  const ok = await (await stack.as('p-qam-liu'))('POST', `/api/complaints/${dup}/dismissal`, { reason: 'duplicate', explanation: '同一客户同一批次重复来电', duplicateOf: first, password: TEST_PASSWORD });
  expect(ok.status).toBe(200);
  const view = await eventually(async () => {
    const v = (await api('GET', `/api/complaints/${dup}`)).body;
    return v.status === 'closed' && v.clocks.every((c: { outcome: string | null }) => c.outcome) ? v : null;
  }, 15_000, 'dismissed case mirrored');
  expect(view).toMatchObject({ resolution: 'duplicate', duplicateOf: first });
  expect(view.clocks[0].outcome).toBe('cancelled');
});

test('a deadline moves only with the customer’s consent recorded, before it passes', async () => {
  const c = (await api('POST', '/api/complaints', {
    customerName: 'Acme Motors GmbH',
    product: 'MX-50',
    channel: 'email',
    description: 'Noise after two hours of operation',
    category: 'quality',
    severity: 'normal',
    origin: 'own_plant',
    salesRepId: 'p-sales-miller',
  })).body;
  await eventually(async () => (await api('GET', `/api/complaints/${c.caseNo}/state`)).body.clocks?.length === 1, 10_000, 'clock running');
  const noConsent = await (await stack.as('p-sales-miller'))('POST', `/api/complaints/${c.caseNo}/extensions`, { clockId: 'first_contact', newDueAt: inDays(2), reason: 'customer travelling' });
  expect(noConsent.status).toBe(400);
  expect(noConsent.body.error.errors[0].field).toBe('consent');
  const ok = await (await stack.as('p-sales-miller'))('POST', `/api/complaints/${c.caseNo}/extensions`, {
    clockId: 'first_contact',
    newDueAt: inDays(2),
    reason: 'Customer travelling, call agreed for Monday',
    consent: { by: 'Mr. Weber (purchasing)', at: new Date().toISOString(), method: 'email' },
  });
  expect(ok.status).toBe(200);
  expect(ok.body.extensions).toHaveLength(1);
  const view = await eventually(async () => {
    const v = (await api('GET', `/api/complaints/${c.caseNo}`)).body;
    return v.clocks[0].extensions.length === 1 ? v : null;
  }, 10_000, 'extension mirrored');
  expect(Date.parse(view.clocks[0].dueAt)).toBeGreaterThan(Date.parse(view.clocks[0].originalDueAt));
  const events = (await api('GET', `/api/complaints/${c.caseNo}/events`)).body;
  expect(events.find((e: { kind: string }) => e.kind === 'deadline_extended').data.consent.by).toBe('Mr. Weber (purchasing)');
});

/** Monday of this week, 09:00 in Shanghai (the company's time zone), as an ISO instant. */
function thisMonday0900(): DateTime {
  return DateTime.now().setZone('Asia/Shanghai').startOf('week').set({ hour: 9 });
}

test('supplier / other-plant defect: 2 working days for the analysis, 7 for the reply, counted from the sample', async () => {
  const c = (await api('POST', '/api/complaints', {
    customerName: '常州博远汽车部件有限公司',
    product: 'SW-12 开关',
    lot: 'S-0921',
    channel: 'visit',
    description: '外购弹片断裂（供应商来料）',
    category: 'quality',
    severity: 'normal',
    origin: 'supplier',
    salesRepId: 'p-sales-wang',
  })).body;
  const step = async (s: string, actorId: string, data: unknown, extra: Record<string, unknown> = {}) =>
    (await stack.as(actorId))('POST', `/api/complaints/${c.caseNo}/steps/${s}`, { data, ...signed(s), ...extra });
  await step('first_contact', 'p-sales-wang', { method: 'visit', summary: '拜访客户确认断裂样品' });
  const monday = thisMonday0900();
  const s = await step('sample_pending', 'p-sales-wang', { sample: 'received', receivedAt: monday.toISO() });
  expect(s.status).toBe(200);
  const due = Object.fromEntries(s.body.clocks.map((k: { id: string; dueAt: string }) => [k.id, DateTime.fromISO(k.dueAt).setZone('Asia/Shanghai')]));
  // Monday 09:00 + 2 working days = Wednesday 09:00; + 7 working days = next Wednesday 09:00.
  expect(due.preliminary_analysis.toISO()).toBe(monday.plus({ days: 2 }).toISO());
  expect(due.reply.toISO()).toBe(monday.plus({ days: 9 }).toISO());
  // The analysis is late or not depending on today; a reason given when it is not late is not recorded as one.
  const a = await step(
    'preliminary_analysis',
    'p-qa-zhang',
    {
      phenomenon: '弹片断裂',
      occurrenceCause: '供应商热处理硬度超上限',
      escapeCause: '来料检验未测硬度',
      responsibleDepartmentId: 'dept-pur',
      causeClear: true,
      meeting: { heldAt: new Date().toISOString(), attendees: ['张伟', '采购'] },
    },
    { lateReason: '供应商分析报告延迟' },
  );
  expect(a.status).toBe(200);
  expect(a.body.step).toBe('capa_plan');
  const analysis = a.body.clocks.find((k: { id: string }) => k.id === 'preliminary_analysis');
  expect(analysis.lateReason).toBe(analysis.outcome === 'missed' ? '供应商分析报告延迟' : null);
});

test('policies are versioned data: a new version for new cases, the calendar editable without a deploy', async () => {
  const name = `pol-${Date.now()}`;
  const base = (await api('GET', `/api/policies/${stack.policyName}`)).body.definition;
  expect((await (await stack.as('p-sales-wang'))('POST', `/api/policies/${name}/versions`, { definition: base })).status).toBe(403);
  const bad = await (await stack.as('p-qam-liu'))('POST', `/api/policies/${name}/versions`, { definition: { ...base, clocks: { ...base.clocks, reply: { due: 'soon' } } } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.errors[0].field).toBe('definition.clocks.reply.due');
  const v1 = await (await stack.as('p-qam-liu'))('POST', `/api/policies/${name}/versions`, { definition: base });
  expect(v1.status).toBe(201);
  expect(v1.body.version).toBe(1);
  expect((await (await stack.as('p-qam-liu'))('POST', `/api/policies/${name}/versions`, { definition: base })).status).toBe(200);

  // 2026: Oct 1–7 National Day holidays; Sunday Sep 27 and Saturday Oct 10 are make-up working days (调休).
  const calendar = {
    ...base.calendar,
    holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
    makeUpWorkdays: ['2026-09-27', '2026-10-10'],
  };
  const v2 = await (await stack.as('p-qam-liu'))('PUT', `/api/policies/${name}/calendar`, { calendar });
  expect(v2.status).toBe(201);
  expect(v2.body.version).toBe(2);
  // Wednesday Sep 30 09:00 + 3 working days: Thu Oct 8, Fri Oct 9, Sat Oct 10 (make-up day) → Oct 10 09:00.
  const preview = await api('GET', `/api/policies/${name}/preview?clock=reply&startedAt=${encodeURIComponent('2026-09-30T09:00:00+08:00')}`);
  expect(preview.status).toBe(200);
  expect(DateTime.fromISO(preview.body.plan.dueAt).setZone('Asia/Shanghai').toFormat('yyyy-MM-dd HH:mm')).toBe('2026-10-10 09:00');
  // Friday Sep 25 10:00 + 2 working days: Sun Sep 27 (make-up) and Mon Sep 28 → Sep 28 10:00.
  const p2 = await api('GET', `/api/policies/${name}/preview?clock=preliminary_analysis&origin=supplier&startedAt=${encodeURIComponent('2026-09-25T10:00:00+08:00')}`);
  expect(DateTime.fromISO(p2.body.plan.dueAt).setZone('Asia/Shanghai').toFormat('yyyy-MM-dd HH:mm')).toBe('2026-09-28 10:00');
  expect((await api('GET', `/api/policies/${name}/versions/1`)).body.definition.calendar.holidays).toEqual([]);
});

test('operator actions around the API (terminate, reset) are detected and recorded on the case', async () => {
  const body = {
    customerName: '杭州东信电器', product: 'K-7 继电器', channel: 'phone', description: '触点粘连',
    category: 'quality', severity: 'normal', origin: 'own_plant', salesRepId: 'p-sales-wang',
  };
  const [a, b] = [(await api('POST', '/api/complaints', body)).body, (await api('POST', '/api/complaints', body)).body];
  await eventually(async () => (await api('GET', `/api/complaints/${b.caseNo}/state`)).body.clocks?.length === 1, 10_000, 'running');

  // Terminated from the Temporal CLI / UI: recorded, and the case is marked interrupted.
  await stack.env.client.workflow.getHandle(a.workflowId).terminate('ops cleanup');
  // Reset to the first workflow task: the old run is terminated, a new one carries on.
  const history = await stack.env.client.workflow.getHandle(b.workflowId).fetchHistory();
  const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
  await stack.env.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: b.workflowId },
    reason: 'replay after a bad deploy',
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: `reset-${b.caseNo}`,
  });

  await eventually(async () => (await stack.cases.detectOperatorActions(), (await db.caseEvent.count({ where: { kind: 'workflow_interrupted', case: { caseNo: { in: [a.caseNo, b.caseNo] } } } })) === 2), 20_000, 'both recorded');
  expect(await stack.cases.detectOperatorActions()).toBe(0); // idempotent
  const ev = async (caseNo: string) => (await db.caseEvent.findFirstOrThrow({ where: { kind: 'workflow_interrupted', case: { caseNo } } })).data as Record<string, unknown>;
  expect(await ev(a.caseNo)).toMatchObject({ status: 'TERMINATED', reason: 'ops cleanup', replacedByRun: null });
  expect(await ev(b.caseNo)).toMatchObject({ status: 'TERMINATED', replacedByRun: expect.any(String) });
  expect((await api('GET', `/api/complaints/${a.caseNo}`)).body.status).toBe('interrupted');
  expect((await api('GET', `/api/complaints/${b.caseNo}`)).body.status).toBe('open');
});

test('second satisfaction: the customer answers through the e-mailed link; “dissatisfied” opens the QA manager’s follow-up', async () => {
  const c = (await api('POST', '/api/complaints', {
    customerName: '无锡华光电器', customerEmail: 'service@huaguang.example', product: 'T-3 温控器', channel: 'hotline',
    description: '不会设定温度', category: 'installation_usage', severity: 'normal', origin: 'own_plant', salesRepId: 'p-sales-wang',
  })).body;
  const sales = await stack.as('p-sales-wang');
  await sales('POST', `/api/complaints/${c.caseNo}/steps/first_contact`, { data: { method: 'phone', summary: '电话指导' } });
  await sales('POST', `/api/complaints/${c.caseNo}/steps/onsite_resolution`, { data: { answer: '按说明书第 5 页设定', customerAccepted: true } });

  // The mail reaches the customer over SMTP with a personal link.
  const mail = await eventually(async () => stack.inbox.find((m) => (m.to as { text: string })?.text.includes('service@huaguang.example') && m.headers.get('x-qms-case') === c.caseNo), 15_000, 'survey mail');
  const link = /https?:\/\/\S+\/survey\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')![0];
  const path = new URL(link).pathname;
  const form = await stack.anon('GET', path);
  expect(form.status).toBe(200);
  expect(form.body.toString()).toContain(c.caseNo);
  expect((await stack.anon('GET', path.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')))).status).toBe(404); // a guessed link
  const post = (body: string) => fetch(stack.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const incomplete = await post('outcome=dissatisfied&speed=9');
  expect(incomplete.status).toBe(400);
  expect(await incomplete.text()).toContain('must be 1–5');
  expect((await post('outcome=dissatisfied&speed=2&communication=3&comment=%E5%A4%AA%E6%85%A2')).status).toBe(200);
  // Answered once: the link says so politely.
  await eventually(async () => (await stack.anon('GET', path)).status === 409, 10_000, 'answered');
  expect((await post('outcome=satisfied&speed=5&communication=5')).status).toBe(409);

  const survey = await eventually(async () => {
    const s = await api('GET', `/api/complaints/${c.caseNo}/satisfaction`);
    return s.body.outcome === 'dissatisfied' ? s.body : null;
  }, 10_000, 'answer stored');
  expect(survey).toMatchObject({ speed: 2, communication: 3, comment: '太慢' });
  expect(survey.tokenHash).toBeUndefined();
  await eventually(async () => (await api('GET', `/api/complaints/${c.caseNo}/state`)).body.clocks.some((k: { id: string }) => k.id === 'satisfaction_followup'), 10_000, 'follow-up clock');
  expect((await sales('POST', `/api/complaints/${c.caseNo}/satisfaction/follow-up`, { actions: 'x' })).status).toBe(403);
  const done = await api('POST', `/api/complaints/${c.caseNo}/satisfaction/follow-up`, { actions: '品保主管回访客户，增加视频指导' });
  expect(done.status).toBe(200);
  expect(done.body.satisfaction).toMatchObject({ status: 'followed_up' });
});
