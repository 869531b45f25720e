/**
 * The web application in a real browser (Debian's chromium driven by playwright-core),
 * every part of the product real: sign in (and a deep link back through sign-in), file a
 * complaint (validation messages next to the fields), run the own-plant path through the
 * pages as the people of each role (sales, QA, the responsible departments, the QA manager),
 * see the documents and e-mails, search and export the list, and an auditor reading the
 * timeline. Screenshots of the main pages go to test-artifacts/web/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { TEST_PASSWORD, eventually } from './helpers';
import { startStack, type Stack } from './stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', 'test-artifacts', 'web');

/** Retrying assertions on a locator (playwright-core has no `expect`). */
function exp(loc: Locator) {
  const until = (ok: () => Promise<boolean>, what: string) =>
    eventually(async () => ((await ok()) ? true : null), 10_000, `${loc} ${what}`);
  const matches = (s: string | null, want: RegExp | string) => (typeof want === 'string' ? (s ?? '').includes(want) : want.test(s ?? ''));
  const checks = (negate: boolean) => ({
    toBeVisible: () => until(async () => (await loc.first().isVisible()) !== negate, 'visible'),
    toBeHidden: () => until(async () => (await loc.first().isHidden()) !== negate, 'hidden'),
    toHaveText: (want: RegExp | string) => until(async () => matches((await loc.first().textContent())?.trim() ?? '', typeof want === 'string' ? new RegExp(`^${want}$`) : want) !== negate, `text ${want}`),
    toContainText: (want: string) => until(async () => matches(await loc.first().textContent(), want) !== negate, `contains ${want}`),
    toHaveValue: (want: string) => until(async () => ((await loc.first().inputValue()) === want) !== negate, `value ${want}`),
    toHaveClass: (want: RegExp) => until(async () => want.test((await loc.first().getAttribute('class')) ?? '') !== negate, `class ${want}`),
    toHaveCount: (n: number) => until(async () => ((await loc.count()) === n) !== negate, `count ${n}`),
    toBeFocused: () => until(async () => (await loc.first().evaluate('(el) => el === document.activeElement')) !== negate, 'focused'),
  });
  return { ...checks(false), not: checks(true) };
}

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startStack(
    {
      timeMode: 'working',
      clocks: {
        first_contact: { due: '12h', timeMode: 'calendar' },
        preliminary_analysis: { due: '24h' },
        capa_plan: { due: '24h' },
        reply: { due: '3d', rules: [{ when: { severity: 'urgent' }, due: '48h' }] },
        potential_cause_report: { due: '48h' },
      },
    },
    'web-e2e',
  );
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

const emailOf = async (personId: string) => (await stack.db.person.findUniqueOrThrow({ where: { id: personId } })).email;

/** A browser of its own for one person, signed in through the sign-in page. */
async function as(personId: string, opts: { lang?: 'zh' | 'en'; width?: number } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(ctx);
  if (opts.lang) await ctx.addCookies([{ name: 'qms_lang', value: opts.lang, url: stack.baseUrl }]);
  const page = await ctx.newPage();
  await page.goto(stack.baseUrl + '/work');
  expect(new URL(page.url()).pathname).toBe('/signin');
  await page.fill('#email', await emailOf(personId));
  await page.fill('#password', TEST_PASSWORD);
  await Promise.all([page.waitForURL('**/work'), page.click('button[type=submit]')]);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** Submit the step form and land on the case page again (no error shown). */
async function recordStep(page: Page) {
  await Promise.all([page.waitForLoadState('load'), page.click('#step-form button[type=submit]')]);
  const errors = await page.locator('#step-form .err, #step-form .flash-error').allTextContents();
  expect(errors).toEqual([]);
}

const inDaysLocal = (d: number) => {
  const t = new Date(Date.now() + d * 86_400_000 + 8 * 3600_000); // Asia/Shanghai wall clock
  return t.toISOString().slice(0, 16);
};

test('own-plant complaint through the pages, by sales, QA, the departments and the QA manager; auditor reads the timeline', async () => {
  // ---- sales files the complaint
  // Two earlier complaints whose first contact is due soon / already overdue (colours on My work).
  const salesApi = await stack.as('p-sales-li');
  const earlier = async (hoursAgo: number, customerName: string) => {
    const r = await salesApi('POST', '/api/complaints', {
      customerName, product: 'PX-7 继电器', channel: 'phone', category: 'quality', severity: 'normal', origin: 'own_plant',
      salesRepId: 'p-sales-li', description: '继电器偶发不吸合', receivedAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
    });
    expect(r.status).toBe(201);
    return r.body.caseNo as string;
  };
  await earlier(11, '杭州启明科技');
  const late = await earlier(13, '南京远航设备');

  const sales = await as('p-sales-li');
  await exp(sales.locator('main .due-overdue')).toBeVisible();
  await exp(sales.locator('main .due-soon')).toBeVisible();
  await shot(sales, '01-my-work-sales');

  // The overdue first contact needs a late reason: the workflow's message lands next to that field.
  // Opening the case warms its workflow up in the worker for the step that follows.
  const warmed = stack.cases.warmUpStats()!.sent;
  await sales.goto(`${stack.baseUrl}/cases/${late}`);
  expect(stack.cases.warmUpStats()!.sent).toBe(warmed + 1);
  await sales.selectOption('[name=method]', 'phone');
  await sales.fill('[name=summary]', '已联络客户');
  await sales.click('#step-form button[type=submit]');
  await exp(sales.locator('#f-lateReason-err')).toContainText('is required');
  await sales.fill('#f-lateReason', '值班人员漏接邮件');
  await recordStep(sales);
  await exp(sales.locator('tr#first_contact')).toContainText('值班人员漏接邮件');
  await sales.goto(`${stack.baseUrl}/work`);
  await sales.click('nav >> text=登记抱怨');
  await sales.waitForURL('**/cases/new');
  // Nothing filled in: the schema's messages next to the fields, nothing recorded.
  await sales.click('form.card button[type=submit]');
  await exp(sales.locator('#f-customerName-err')).toHaveText(/必填/);
  await exp(sales.locator('#f-description-err')).toBeVisible();
  expect(await stack.db.complaintCase.count({ where: { customerName: '常州华锐电器有限公司' } })).toBe(0);
  await shot(sales, '02-new-complaint-errors');

  await sales.fill('[name=customerName]', '常州华锐电器有限公司');
  await sales.fill('[name=customerContact]', '周工 0519-8888 1234');
  await sales.fill('[name=customerEmail]', 'qc@huarui.example');
  await sales.fill('[name=product]', 'KT-90 温控器');
  await sales.fill('[name=lot]', 'L20261121-03');
  await sales.fill('[name=quantity]', '24');
  await sales.selectOption('[name=channel]', 'email');
  await sales.fill('[name=description]', '温控器 <b>触点</b> 粘连，客户整机测试时无法断电。');
  await sales.selectOption('[name=category]', 'quality');
  await sales.selectOption('[name=severity]', 'urgent');
  await sales.selectOption('[name=origin]', 'own_plant');
  await exp(sales.locator('[name=salesRepId]')).toHaveValue('p-sales-li');
  await Promise.all([sales.waitForURL(/\/cases\/CC-\d{4}-\d{4,}\?created=1/), sales.click('form.card button[type=submit]')]);
  const caseNo = /\/cases\/(CC-\d{4}-\d{4,})/.exec(sales.url())![1]!;
  // The description is escaped, not markup.
  await exp(sales.locator('.facts')).toContainText('<b>触点</b>');
  await exp(sales.locator('#first_contact')).toContainText('首次联络');
  await exp(sales.locator('#first_contact .due-ok')).toBeVisible();

  // ---- a link from an e-mail (/cases/<no>#<clock>) opens the case after sign-in
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  const linked = await ctx.newPage();
  await linked.goto(`${stack.baseUrl}/cases/${caseNo}#first_contact`);
  expect(new URL(linked.url()).pathname).toBe('/signin');
  await shot(linked, '00-sign-in');
  await linked.fill('#email', await emailOf('p-sales-li'));
  await linked.fill('#password', 'wrong-password-123');
  await linked.click('button[type=submit]');
  await exp(linked.locator('.flash-error')).toBeVisible();
  await linked.fill('#password', TEST_PASSWORD);
  await Promise.all([linked.waitForURL(`**/cases/${caseNo}#first_contact`), linked.click('button[type=submit]')]);
  await exp(linked.locator('tr#first_contact')).toHaveClass(/target/);

  // ---- the customer agrees to a later first contact: the extension is recorded on the clock
  await sales.click('section:has(#sec-ext) summary');
  await sales.selectOption('#f-ext-clockId', 'first_contact');
  await sales.fill('[name=newDueAt]', inDaysLocal(1));
  await sales.fill('[name=reason]', '客户周工出差，约定明天联络');
  await sales.fill('[name="consent.by"]', '周工');
  await sales.fill('[name="consent.at"]', inDaysLocal(0));
  await sales.selectOption('[name="consent.method"]', 'phone');
  await Promise.all([sales.waitForURL(/done=extension/), sales.click('form[action$="/extensions"] button[type=submit]')]);
  await exp(sales.locator('tr#first_contact')).toContainText('客户周工出差');

  // ---- first contact and the sample (sales)
  await sales.selectOption('[name=method]', 'phone');
  await sales.fill('[name=summary]', '已与周工确认触点粘连，安排寄回 5 只样品');
  await recordStep(sales);
  await exp(sales.locator('h2#sec-step-h')).toContainText('样品');
  await sales.check('input[name=sample][value=received]');
  await exp(sales.locator('[name="~none.customerWantsExplanation"]').first()).toBeHidden();
  await sales.fill('[name="~received.note"]', '5 只样品送品保');
  await recordStep(sales);
  await exp(sales.locator('h2#sec-step-h')).toContainText('初步分析');
  await exp(sales.locator('#step-form')).toHaveCount(0); // not sales' step

  // ---- preliminary analysis (QA, in English)
  const qa = await as('p-qa-chen', { lang: 'en' });
  await exp(qa.locator('.count')).not.toHaveText('0');
  await qa.click(`a:has-text("${caseNo}")`);
  await qa.fill('[name=phenomenon]', '触点粘连');
  await qa.fill('[name=occurrenceCause]', '银合金触点材料批次硬度偏低，电弧烧蚀后熔焊');
  await qa.fill('[name=escapeCause]', '出货检验未做带载通断寿命抽测');
  await qa.selectOption('[name=responsibleDepartmentId]', 'dept-mfg');
  await qa.check('input[name=causeClear][value=true]');
  await qa.fill('[name="meeting.heldAt"]', inDaysLocal(0));
  await qa.fill('[name="meeting.attendees"]', '陈静\n赵磊\n刘洋');
  await shot(qa, '04-case-step-form-en');
  await recordStep(qa);
  await exp(qa.locator('h2#sec-step-h')).toContainText('CAPA plan');

  // ---- CAPA plan (manufacturing): an empty submit shows the messages; rows added with the button
  const mfg = await as('p-mfg-zhao');
  await mfg.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await mfg.click('#step-form button[type=submit]');
  await exp(mfg.locator('#step-form .err').first()).toBeVisible();
  await mfg.fill('[name="containment.0.action"]', '在库品 100% 带载通断测试');
  await mfg.selectOption('[name="containment.0.ownerDepartmentId"]', 'dept-mfg');
  await mfg.fill('[name="containment.0.dueAt"]', inDaysLocal(2));
  await mfg.fill('[name="permanent.0.action"]', '触点材料进料增加硬度检验');
  await mfg.selectOption('[name="permanent.0.ownerDepartmentId"]', 'dept-mfg');
  await mfg.fill('[name="permanent.0.dueAt"]', inDaysLocal(7));
  await mfg.fill('[name="prevention.0.action"]', '出货检验规范增加寿命抽测');
  await mfg.selectOption('[name="prevention.0.ownerDepartmentId"]', 'dept-eng');
  await mfg.fill('[name="prevention.0.dueAt"]', inDaysLocal(14));
  await mfg.click('[data-rows=prevention] [data-add-row]');
  await exp(mfg.locator('[name="prevention.1.action"]')).toBeFocused();
  await shot(mfg, '05-capa-plan-form');
  await recordStep(mfg); // the empty second row is left out
  await exp(mfg.locator('h2#sec-step-h')).toContainText('对策核准');

  // ---- approval (QA manager, signed): a wrong password is refused next to the field
  const qam = await as('p-qam-liu');
  await qam.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await qam.check('input[name=decision][value=approved]');
  await qam.fill('[name="~approved.comment"]', '同意');
  await qam.fill('#f-password', 'not-my-password');
  await qam.click('#step-form button[type=submit]');
  await exp(qam.locator('#f-password-err')).toBeVisible();
  await qam.check('input[name=decision][value=approved]');
  await qam.fill('#f-password', TEST_PASSWORD);
  await recordStep(qam);
  await exp(qam.locator('#sec-cm')).toBeVisible();
  await exp(qam.locator('section:has(#sec-cm) tbody tr')).toHaveCount(3);

  // ---- countermeasures carried out by their departments
  for (const [ref, page] of [['C1', mfg], ['P1', mfg]] as const) {
    await page.goto(`${stack.baseUrl}/cases/${caseNo}`);
    await page.click(`form[action$="/countermeasures/${ref}"] >> xpath=.. >> summary`);
    await page.fill(`#f-${ref}-effect`, `${ref} 已完成，复测 100 只无粘连`);
    await Promise.all([page.waitForURL(/done=/), page.click(`form[action$="/countermeasures/${ref}"] button[type=submit]`)]);
  }
  const eng = await as('p-eng-sun');
  await eng.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await exp(eng.locator('form[action$="/countermeasures/C1"]')).toHaveCount(0); // not engineering's
  await eng.click('form[action$="/countermeasures/M1"] >> xpath=.. >> summary');
  await eng.fill('#f-M1-effect', '规范已修订发布');
  await Promise.all([eng.waitForURL(/done=/), eng.click('form[action$="/countermeasures/M1"] button[type=submit]')]);

  // ---- compensation: sales records the claim, the QA manager (the authority matrix's approver up to 10 000 CNY) approves it, signed
  await sales.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await sales.click('section:has(#sec-comp) summary');
  await sales.fill('#f-comp-amount', '800');
  await sales.selectOption('#f-comp-responsibleDepartmentId', 'dept-mfg');
  await sales.fill('#f-comp-reason', '客户返工工时补偿');
  await Promise.all([sales.waitForURL(/done=compensation/), sales.click('form[action$="/compensation"] button[type=submit]')]);
  await qam.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await qam.selectOption('#f-cd-decision', 'approved');
  await qam.fill('#f-cd-password', TEST_PASSWORD);
  await Promise.all([qam.waitForURL(/done=compensation/), qam.click('form[action$="/compensation/decision"] button[type=submit]')]);
  await exp(qam.locator('section:has(#sec-comp)')).toContainText('核准');

  // ---- reply (sales, signed), effect confirmation
  await sales.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await sales.selectOption('[name=method]', 'email');
  await sales.fill('[name=summary]', '原因：触点材料硬度偏低；对策：进料硬度检验、出货寿命抽测。');
  await sales.fill('#f-password', TEST_PASSWORD);
  await recordStep(sales);
  await eventually(async () => (await stack.db.complaintCase.findUniqueOrThrow({ where: { caseNo } })).data && ((await stack.db.complaintCase.findUniqueOrThrow({ where: { caseNo } })).data as { countermeasures: { status: string }[] }).countermeasures.every((c) => c.status === 'implemented'), 15_000, 'countermeasures mirrored');
  await sales.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await sales.check('input[name=effective][value=true]');
  await sales.fill('[name=customerFeedback]', '新批次 500 只无粘连');
  await recordStep(sales);

  // ---- verification (QA, signed) and closure (QA manager, signed)
  await qa.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await qa.check('input[name=noRecurrence][value=true]');
  await qa.check('input[name=lastMonthActionsDone][value=true]');
  await qa.fill('[name=comment]', 'No recurrence this month');
  await qa.fill('#f-password', TEST_PASSWORD);
  await recordStep(qa);
  await qam.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await qam.fill('[name=comment]', '效果确认，结案');
  await qam.fill('#f-password', TEST_PASSWORD);
  await recordStep(qam);
  await exp(qam.locator('.facts')).toContainText('已结案');

  // ---- documents (every version, downloadable) and e-mails sent
  await eventually(async () => (await stack.db.caseDocument.count({ where: { case: { caseNo }, kind: 'customer_reply' } })) > 0, 20_000, 'reply letter filed');
  await eventually(async () => (await stack.db.mailMessage.count({ where: { case: { caseNo } } })) > 0, 20_000, 'mails recorded');
  await qam.goto(`${stack.baseUrl}/cases/${caseNo}`);
  const docLinks = qam.locator('section:has(#sec-docs) tbody a');
  expect(await docLinks.count()).toBeGreaterThan(1);
  const href = (await docLinks.first().getAttribute('href'))!;
  const pdf = await qam.request.get(stack.baseUrl + href);
  expect(pdf.status()).toBe(200);
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await exp(qam.locator('section:has(#sec-mails) tbody tr').first()).not.toContainText('暂无');
  await exp(qam.locator('section:has(#sec-rec)')).toContainText('银合金触点材料');
  await shot(qam, '06-case-closed');

  // ---- a new complaint on the same product: the closed case is a similar past case, with its causes and countermeasures
  const again = await (await stack.as('p-sales-li'))('POST', '/api/complaints', {
    customerName: '无锡恒通电气有限公司', product: 'KT-90 温控器', channel: 'phone', category: 'quality', severity: 'normal',
    origin: 'own_plant', salesRepId: 'p-sales-li', description: '温控器通电后不断开，疑似触点问题。',
  });
  expect(again.status).toBe(201);
  await sales.goto(`${stack.baseUrl}/cases/${again.body.caseNo}`);
  await exp(sales.locator('section:has(#sec-sim)')).toContainText(caseNo);
  await exp(sales.locator('section:has(#sec-sim)')).toContainText('银合金触点材料');
  await exp(sales.locator('section:has(#sec-sim)')).toContainText('触点材料进料增加硬度检验');
  await shot(sales, '03-case-similar');

  // ---- list: search over the recorded causes, filters, CSV export
  await qam.goto(`${stack.baseUrl}/cases?q=${encodeURIComponent('银合金')}`);
  await exp(qam.locator(`a:has-text("${caseNo}")`)).toBeVisible();
  await qam.goto(`${stack.baseUrl}/cases?q=${encodeURIComponent('不存在的原因')}`);
  await exp(qam.locator(`a:has-text("${caseNo}")`)).toHaveCount(0);
  await qam.goto(`${stack.baseUrl}/cases?status=closed&severity=urgent`);
  await exp(qam.locator(`a:has-text("${caseNo}")`)).toBeVisible();
  await shot(qam, '07-case-list');
  const csv = await qam.request.get(`${stack.baseUrl}/cases.csv?status=closed&severity=urgent`);
  expect(csv.headers()['content-type']).toMatch(/text\/csv/);
  expect(await csv.text()).toContain(caseNo);

  // ---- dashboard and administration
  await qam.goto(`${stack.baseUrl}/dashboard`);
  await exp(qam.locator('svg.chart').first()).toBeVisible();
  await exp(qam.locator('main')).toContainText('触点粘连');
  await shot(qam, '08-dashboard');
  await qam.goto(`${stack.baseUrl}/admin`);
  await qam.fill('#cal-holidays', '2027-01-01\n2027-02-16');
  await Promise.all([qam.waitForURL(/saved=/), qam.click('form[action="/admin/calendar"] button[type=submit]')]);
  await exp(qam.locator('.flash-ok')).toBeVisible();
  const policy = await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName }, orderBy: { version: 'desc' } });
  expect((policy.definition as { calendar: { holidays: string[] } }).calendar.holidays).toEqual(['2027-01-01', '2027-02-16']);
  await shot(qam, '09-admin');

  // ---- the QA manager dismisses the second complaint as a duplicate (signed): the rule's message first, then closed
  await qam.goto(`${stack.baseUrl}/cases/${again.body.caseNo}`);
  await qam.click('section:has(#sec-dis) summary');
  await qam.selectOption('#f-dis-reason', 'duplicate');
  await qam.fill('#f-dis-explanation', '同一批次同一现象，已在前案处理');
  await qam.fill('#f-dis-password', TEST_PASSWORD);
  await qam.click('form[action$="/dismissal"] button[type=submit]');
  await exp(qam.locator('#f-dis-duplicateOf-err')).toContainText('is required for a duplicate');
  await qam.fill('#f-dis-duplicateOf', caseNo);
  await qam.fill('#f-dis-password', TEST_PASSWORD);
  await Promise.all([qam.waitForURL(/done=dismissal/), qam.click('form[action$="/dismissal"] button[type=submit]')]);
  await exp(qam.locator('.facts')).toContainText('重复');

  // ---- the auditor reads the timeline (read-only) and cannot record anything
  const auditor = await as('p-audit-he');
  await auditor.goto(`${stack.baseUrl}/audit`);
  await auditor.click(`a:has-text("${caseNo}")`);
  await exp(auditor.locator('main')).toContainText('case_received');
  await exp(auditor.locator(`a[href="/api/audit/cases/${caseNo}/history.json"]`)).toBeVisible();
  const verify = await auditor.request.get(`${stack.baseUrl}/api/audit/cases/${caseNo}/verify`);
  expect(verify.status()).toBe(200);
  await shot(auditor, '10-audit-timeline');
  await auditor.goto(`${stack.baseUrl}/cases/new`);
  await exp(auditor.locator('h1')).toContainText('没有此权限');

  // ---- phone width
  const phone = await as('p-sales-li', { width: 390 });
  await shot(phone, '11-phone-my-work');
  await phone.goto(`${stack.baseUrl}/cases/${caseNo}`);
  await shot(phone, '12-phone-case');
  const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(1);
  await Promise.all([phone.waitForURL('**/signin'), phone.click('form[action="/signout"] button')]);
  await phone.goto(`${stack.baseUrl}/work`);
  expect(new URL(phone.url()).pathname).toBe('/signin');
}, 300_000);

/** The second application of the test on the same database and Temporal: with the mail outbox and a Temporal Web UI address configured. */
async function secondApp(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const http = await import('node:http');
  const os = await import('node:os');
  const { createApp } = await import('../api/app');
  const pino = (await import('pino')).default;
  const { app } = createApp({
    db: stack.db,
    temporal: stack.env.client,
    log: pino({ level: 'silent' }),
    taskQueue: stack.taskQueue,
    namespace: 'default',
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://qms.example.test',
    policyName: stack.policyName,
    outboxDir: fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-web-')),
    temporalUiUrl: 'http://temporal-ui.example.test:8233',
    attachmentMaxBytes: 20_000,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const sha256 = (b: Buffer) => require('node:crypto').createHash('sha256').update(b).digest('hex') as string;

test('attachments on intake and on the case page, export of the filtered list (CSV, XLSX), paging, administration, CSRF, audit records of accounts', async () => {
  const { createAuth } = await import('../api/auth');
  const tag = `导出-${Date.now().toString(36)}`;

  // ---- sales files a complaint with a photo and a customer document; a refused type first: nothing is recorded
  const sales = await as('p-sales-wang');
  const photo = await sales.screenshot({ type: 'png' }); // a real PNG
  const letter = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  await sales.goto(`${stack.baseUrl}/cases/new`);
  const fill = async () => {
    await sales.fill('[name=customerName]', `${tag} 附件客户`);
    await sales.fill('[name=product]', 'AT-1 附件测试品');
    await sales.selectOption('[name=channel]', 'visit');
    await sales.fill('[name=description]', '客户现场拍照：外壳裂纹');
    await sales.selectOption('[name=category]', 'quality');
    await sales.selectOption('[name=severity]', 'normal');
    await sales.selectOption('[name=origin]', 'own_plant');
  };
  await fill();
  await sales.setInputFiles('#f-files', [
    { name: '现场照片.png', mimeType: 'image/png', buffer: photo },
    { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') },
  ]);
  await sales.click('form.card button[type=submit]');
  await exp(sales.locator('#f-files-err')).toContainText('page.html：不接受此类文件');
  expect(await stack.db.complaintCase.count({ where: { customerName: `${tag} 附件客户` } })).toBe(0);
  expect(await sales.locator('[name=customerName]').inputValue()).toBe(`${tag} 附件客户`); // the other fields are kept
  await sales.setInputFiles('#f-files', [
    { name: '现场照片.png', mimeType: 'image/png', buffer: photo },
    { name: '客户来函.pdf', mimeType: 'application/pdf', buffer: letter },
  ]);
  await shot(sales, '13-new-complaint-attachments');
  await Promise.all([sales.waitForURL(/\/cases\/CC-\d{4}-\d{4,}\?created=1/), sales.click('form.card button[type=submit]')]);
  const caseNo = /\/cases\/(CC-\d{4}-\d{4,})/.exec(sales.url())![1]!;
  const rows = sales.locator('section:has(#sec-att) tbody tr[data-attachment]');
  await exp(rows).toHaveCount(2);
  await exp(rows.nth(0)).toContainText(sha256(photo));
  await exp(rows.nth(0)).toContainText('image/png');
  await exp(rows.nth(1)).toContainText(sha256(letter));
  await exp(sales.locator('section:has(#sec-tl)')).toContainText('attachment_added');
  // Downloaded byte for byte, with its hash in a header, always as a download.
  const href = (await rows.nth(0).locator('a').getAttribute('href'))!;
  const dl = await sales.request.get(stack.baseUrl + href);
  expect(dl.status()).toBe(200);
  expect(Buffer.compare(await dl.body(), photo)).toBe(0);
  expect(dl.headers()['x-content-sha256']).toBe(sha256(photo));
  expect(dl.headers()['content-disposition']).toMatch(/^attachment;/);
  const events = await stack.db.caseEvent.findMany({ where: { case: { caseNo }, kind: 'attachment_added' }, orderBy: { seq: 'asc' } });
  expect(events.map((e) => (e.data as { sha256: string }).sha256)).toEqual([sha256(photo), sha256(letter)]);
  expect(events.every((e) => e.actor === 'p-sales-wang')).toBe(true);

  // On the case page: one more file with a note; the CSRF token is required
  await sales.setInputFiles('#f-att-files', { name: '补充说明.txt', mimeType: 'text/plain', buffer: Buffer.from('客户补充：裂纹位于卡扣处') });
  await sales.fill('#f-att-note', '电话补充');
  await Promise.all([sales.waitForURL(/done=attachments/), sales.click('#attach-form button[type=submit]')]);
  await exp(rows).toHaveCount(3);
  await exp(rows.nth(2)).toContainText('电话补充');
  await shot(sales, '14-case-attachments');
  // The API: the session cookie without the CSRF header is refused; with it, or with a bearer token, files are stored.
  const apiUrl = `${stack.baseUrl}/api/complaints/${caseNo}/attachments`;
  const extra = { files: { name: 'more.png', mimeType: 'image/png', buffer: photo } };
  const noToken = await sales.request.post(apiUrl, { multipart: extra });
  expect(noToken.status()).toBe(403);
  const token = await sales.locator('input[name=_csrf]').first().inputValue();
  expect((await sales.request.post(apiUrl, { multipart: extra, headers: { 'x-csrf-token': token } })).status()).toBe(201);
  const login = await stack.anon('POST', '/api/auth/login', { email: await emailOf('p-sales-wang'), password: TEST_PASSWORD });
  const form = new FormData();
  form.append('files', new Blob([Uint8Array.from(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'))], { type: 'image/gif' }), 'tiny.gif');
  form.append('note', 'via API');
  const viaApi = await fetch(apiUrl, { method: 'POST', body: form, headers: { authorization: `Bearer ${login.body.token}` } });
  expect(viaApi.status).toBe(201);
  expect(((await viaApi.json()) as unknown[])[0]).toMatchObject({ fileName: 'tiny.gif', mimeType: 'image/gif', note: 'via API' });
  const bad = new FormData();
  bad.append('files', new Blob(['<svg onload="alert(1)"/>'], { type: 'image/svg+xml' }), 'x.svg');
  expect((await fetch(apiUrl, { method: 'POST', body: bad, headers: { authorization: `Bearer ${login.body.token}` } })).status).toBe(415);
  const list = await (await stack.as('p-audit-he'))('GET', `/api/complaints/${caseNo}/attachments`);
  expect(list.body.map((a: { fileName: string }) => a.fileName)).toEqual(['现场照片.png', '客户来函.pdf', '补充说明.txt', 'more.png', 'tiny.gif']);

  // ---- 27 more complaints of this test: the list pages by 25 and exports every matching case
  const salesApi = await stack.as('p-sales-wang');
  const created: string[] = [caseNo];
  for (let i = 0; i < 27; i++) {
    const r = await salesApi('POST', '/api/complaints', {
      customerName: i === 0 ? `=HYPERLINK("http://evil.example") ${tag}` : `${tag} 客户 ${i}`, product: 'AT-2', channel: 'phone', category: 'quality',
      severity: 'normal', origin: 'own_plant', salesRepId: 'p-sales-wang', description: `分页测试 ${i}`,
    });
    expect(r.status).toBe(201);
    created.push(r.body.caseNo);
  }
  const qam = await as('p-qam-liu');
  await qam.goto(`${stack.baseUrl}/cases?customer=${encodeURIComponent(tag)}&size=25`);
  await exp(qam.locator('#total')).toContainText('28');
  await exp(qam.locator('main table tbody tr')).toHaveCount(25);
  await exp(qam.locator('.pager .current').first()).toContainText('1 / 2');
  await Promise.all([qam.waitForURL(/page=2/), qam.click('.pager a[rel=next] >> nth=0')]);
  await exp(qam.locator('main table tbody tr')).toHaveCount(3);
  await exp(qam.locator('.pager .current').first()).toContainText('2 / 2');
  await exp(qam.locator('#flt-customer')).toHaveValue(tag); // the filter is kept
  expect(await qam.locator('#flt-size').inputValue()).toBe('25');
  await exp(qam.locator('.pager a[rel=prev]').first()).toBeVisible();
  const onPage2 = await qam.locator('main table tbody tr td:first-child a').allTextContents();
  expect(onPage2.sort()).toEqual([...created].sort().slice(0, 3)); // the oldest three, newest first on page 1
  await shot(qam, '15-case-list-page-2');

  const csv = await qam.request.get(`${stack.baseUrl}/cases.csv?customer=${encodeURIComponent(tag)}`);
  expect(csv.status()).toBe(200);
  const csvLines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n');
  expect(csvLines[0]).toMatch(/^case_no,received_at,customer,/);
  expect(csvLines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([...created].sort());
  const evil = csvLines.find((l) => l.includes('HYPERLINK'))!;
  expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"") ${tag}"`);
  const xlsxRes = await qam.request.get(`${stack.baseUrl}/cases.xlsx?customer=${encodeURIComponent(tag)}`);
  expect(xlsxRes.status()).toBe(200);
  expect(xlsxRes.headers()['content-type']).toMatch(/spreadsheetml/);
  const xlsxFile = path.join(require('node:os').tmpdir(), `cases-${tag}.xlsx`);
  fs.writeFileSync(xlsxFile, await xlsxRes.body());
  const sheet = require('node:child_process')
    .execFileSync('python3', ['-c', "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; sys.stdout.write(z.read('xl/worksheets/sheet1.xml').decode())", xlsxFile])
    .toString() as string;
  const firstCells = [...sheet.matchAll(/<row r="(\d+)"[^>]*>.*?<t xml:space="preserve">([^<]*)<\/t>/g)].map((m) => m[2]);
  expect(firstCells[0]).toBe('case_no');
  expect(firstCells.slice(1).sort()).toEqual([...created].sort());
  expect(sheet).toContain('附件客户');

  // ---- the administrator: API token (shown once), a person's role and department, the policy's clocks and the authority matrix
  await stack.db.person.upsert({
    where: { id: 'p-admin-web' },
    create: { id: 'p-admin-web', name: '网页管理员', email: 'admin-web@example.com', role: 'admin', departmentId: 'dept-mgmt', locale: 'en' },
    update: {},
  });
  await createAuth({ db: stack.db }).setPassword('p-admin-web', TEST_PASSWORD, false);
  await stack.db.person.upsert({
    where: { id: 'p-web-zhou' },
    create: { id: 'p-web-zhou', name: '周新', email: 'zhou.xin@example.com', role: 'sales', departmentId: 'dept-sales' },
    update: { role: 'sales', departmentId: 'dept-sales' },
  });
  // A failed sign-in first (an audit record), then the real one
  const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(adminCtx);
  await adminCtx.addCookies([{ name: 'qms_lang', value: 'en', url: stack.baseUrl }]);
  const admin = await adminCtx.newPage();
  await admin.goto(`${stack.baseUrl}/signin`);
  await admin.fill('#email', 'admin-web@example.com');
  await admin.fill('#password', 'not-the-password');
  await admin.click('button[type=submit]');
  await exp(admin.locator('.flash-error')).toBeVisible();
  await admin.fill('#password', TEST_PASSWORD);
  await Promise.all([admin.waitForURL('**/work'), admin.click('button[type=submit]')]);

  await admin.goto(`${stack.baseUrl}/tokens`);
  await admin.fill('#tok-name', '');
  await admin.click('form[action="/tokens"] button[type=submit]');
  await exp(admin.locator('#tok-name-err')).toBeVisible();
  await admin.fill('#tok-name', 'CI export');
  await admin.fill('#tok-expiresInDays', '30');
  await admin.click('form[action="/tokens"] button[type=submit]');
  const apiToken = (await admin.locator('#new-token-value').textContent())!.trim();
  expect(apiToken).toMatch(/^qms_t_/);
  await shot(admin, '16-api-token-shown-once');
  const me = await fetch(`${stack.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${apiToken}` } });
  expect(me.status).toBe(200);
  expect(((await me.json()) as { personId: string }).personId).toBe('p-admin-web');
  await admin.goto(`${stack.baseUrl}/tokens`);
  await exp(admin.locator('#new-token-value')).toHaveCount(0); // shown once only
  await exp(admin.locator('#tokens')).toContainText('CI export');
  await Promise.all([admin.waitForURL(/revoked=1/), admin.click('#tokens form button')]);
  await exp(admin.locator('#tokens')).toContainText('revoked');
  expect((await fetch(`${stack.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(401);

  await admin.goto(`${stack.baseUrl}/admin`);
  // Demoting oneself is refused next to the field
  await admin.selectOption('#pe-p-admin-web-role', 'auditor');
  await admin.click('form[action="/admin/people/p-admin-web"] button');
  await exp(admin.locator('#pe-p-admin-web-role-err')).toContainText('cannot deactivate or demote yourself');
  expect((await stack.db.person.findUniqueOrThrow({ where: { id: 'p-admin-web' } })).role).toBe('admin');
  await admin.selectOption('#pe-p-web-zhou-role', 'qa_engineer');
  await admin.selectOption('#pe-p-web-zhou-departmentId', 'dept-qa');
  await Promise.all([admin.waitForURL(/saved=person/), admin.click('form[action="/admin/people/p-web-zhou"] button')]);
  await exp(admin.locator('.flash-ok')).toBeVisible();
  expect(await stack.db.person.findUniqueOrThrow({ where: { id: 'p-web-zhou' } })).toMatchObject({ role: 'qa_engineer', departmentId: 'dept-qa' });

  // The clock table: a wrong duration is refused next to its field, then a new version with 10 h first contact
  const before = await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName }, orderBy: { version: 'desc' } });
  const runningCase = await stack.db.complaintCase.findUniqueOrThrow({ where: { caseNo } });
  await admin.fill('#clk-capa_plan-due', 'soon');
  await admin.click('#clocks-form button[type=submit]');
  await exp(admin.locator('#clk-capa_plan-due-err')).toBeVisible();
  expect((await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName }, orderBy: { version: 'desc' } })).version).toBe(before.version);
  await admin.fill('#clk-capa_plan-due', '24h');
  await admin.fill('#clk-first_contact-due', '10h');
  await admin.fill('#clk-first_contact-reminders', '2h, 30m');
  await admin.fill('#clk-reply-rules', 'severity=urgent 36h');
  await Promise.all([admin.waitForURL(/saved=policy/), admin.click('#clocks-form button[type=submit]')]);
  const v2 = await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName }, orderBy: { version: 'desc' } });
  expect(v2.version).toBe(before.version + 1);
  const clocks = (v2.definition as { clocks: Record<string, { due: string; reminders: string[]; rules: unknown[] }> }).clocks;
  expect(clocks.first_contact).toMatchObject({ due: '10h', reminders: ['2h', '30m'] });
  expect(clocks.reply.rules).toEqual([{ when: { severity: 'urgent' }, due: '36h' }]);
  expect((await stack.db.complaintCase.findUniqueOrThrow({ where: { caseNo } })).policyId).toBe(runningCase.policyId); // running cases keep theirs
  await exp(admin.locator('#clk-first_contact-due')).toHaveValue('10h');

  // The authority matrix: out of order refused next to the row; then up to 5 000 → QA manager, above → management representative
  await admin.fill('#auth-0-upTo', '5000');
  await admin.selectOption('#auth-0-role', 'qa_manager');
  await admin.fill('#auth-1-upTo', '100');
  await admin.selectOption('#auth-1-role', 'management_rep');
  await admin.click('#authority-form button[type=submit]');
  await exp(admin.locator('#auth-1-upTo-err')).toBeVisible();
  await admin.fill('#auth-1-upTo', '');
  await Promise.all([admin.waitForURL(/saved=policy/), admin.click('#authority-form button[type=submit]')]);
  const v3 = await stack.db.deadlinePolicy.findFirstOrThrow({ where: { name: stack.policyName }, orderBy: { version: 'desc' } });
  expect(v3.version).toBe(v2.version + 1);
  expect((v3.definition as { authority: unknown }).authority).toEqual({ currency: 'CNY', rows: [{ upTo: 5000, role: 'qa_manager' }, { upTo: null, role: 'management_rep' }] });
  await shot(admin, '17-admin-people-policy-en');

  // ---- CSRF: a form post without the session's token is 403 and changes nothing; sign-in and sign-out need it too
  const noCsrf = await admin.request.post(`${stack.baseUrl}/admin/people/p-web-zhou`, { form: { role: 'sales', departmentId: 'dept-sales' }, maxRedirects: 0 });
  expect(noCsrf.status()).toBe(403);
  const wrongCsrf = await admin.request.post(`${stack.baseUrl}/admin/people/p-web-zhou`, { form: { role: 'sales', departmentId: 'dept-sales', _csrf: 'x'.repeat(43) }, maxRedirects: 0 });
  expect(wrongCsrf.status()).toBe(403);
  expect((await stack.db.person.findUniqueOrThrow({ where: { id: 'p-web-zhou' } })).role).toBe('qa_engineer');
  const csrf = await admin.locator('input[name=_csrf]').first().inputValue();
  const withCsrf = await admin.request.post(`${stack.baseUrl}/admin/people/p-web-zhou`, { form: { role: 'qa_engineer', departmentId: 'dept-qa', _csrf: csrf }, maxRedirects: 0 });
  expect(withCsrf.status()).toBe(303);
  expect((await admin.request.post(`${stack.baseUrl}/signout`, { maxRedirects: 0 })).status()).toBe(403);
  const anonCtx = await browser.newContext();
  contexts.push(anonCtx);
  expect((await anonCtx.request.post(`${stack.baseUrl}/signin`, { form: { email: 'admin-web@example.com', password: TEST_PASSWORD }, maxRedirects: 0 })).status()).toBe(403);
  // Before sign-in the forms carry the token of the pre-session cookie: the language switch works
  const anon = await anonCtx.newPage();
  await anon.goto(`${stack.baseUrl}/signin`);
  await Promise.all([anon.waitForLoadState('load'), anon.click('form[action="/lang"] button')]);
  await exp(anon.locator('h1')).toHaveText('Sign in');
  expect(new URL(anon.url()).pathname).toBe('/signin');

  // ---- header links: outbox and Temporal UI where configured, for the roles that may open them
  expect(await admin.locator('nav.nav a[href="/outbox/"]').count()).toBe(0); // this stack sends mail by SMTP
  const second = await secondApp();
  try {
    const ops = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ops);
    const p = await ops.newPage();
    await p.goto(`${second.baseUrl}/signin`);
    await p.fill('#email', await emailOf('p-qam-liu'));
    await p.fill('#password', TEST_PASSWORD);
    await Promise.all([p.waitForURL('**/work'), p.click('button[type=submit]')]);
    await exp(p.locator('nav.nav a[href="/outbox/"]')).toBeVisible();
    await exp(p.locator('nav.nav a[href="http://temporal-ui.example.test:8233"]')).toBeVisible();
    expect(await p.locator('nav.nav a[href="http://temporal-ui.example.test:8233"]').getAttribute('target')).toBe('_blank');
    expect((await p.request.get(`${second.baseUrl}/outbox/`)).status()).toBe(200);
    await shot(p, '18-header-ops-links');
    const s2 = await (await browser.newContext()).newPage();
    contexts.push(s2.context());
    await s2.goto(`${second.baseUrl}/signin`);
    await s2.fill('#email', await emailOf('p-sales-li'));
    await s2.fill('#password', TEST_PASSWORD);
    await Promise.all([s2.waitForURL('**/work'), s2.click('button[type=submit]')]);
    expect(await s2.locator('nav.nav a[href="/outbox/"]').count()).toBe(0);
    expect(await s2.locator('nav.nav a[href^="http://temporal-ui"]').count()).toBe(0);
    // This deployment takes files up to 20 000 bytes: a larger photo is refused (413) by the API and by the form, and nothing is stored
    const stored = await stack.db.caseAttachment.count({ where: { case: { caseNo } } });
    const big = new FormData();
    big.append('files', new Blob([Uint8Array.from(photo)], { type: 'image/png' }), 'big.png');
    const tooLarge = await fetch(`${second.baseUrl}/api/complaints/${caseNo}/attachments`, { method: 'POST', body: big, headers: { authorization: `Bearer ${login.body.token}` } });
    expect(tooLarge.status).toBe(413);
    const s3 = await (await browser.newContext()).newPage();
    contexts.push(s3.context());
    await s3.goto(`${second.baseUrl}/signin`);
    await s3.fill('#email', await emailOf('p-sales-wang'));
    await s3.fill('#password', TEST_PASSWORD);
    await Promise.all([s3.waitForURL('**/work'), s3.click('button[type=submit]')]);
    await s3.goto(`${second.baseUrl}/cases/${caseNo}`);
    await s3.setInputFiles('#f-att-files', [{ name: 'ok.txt', mimeType: 'text/plain', buffer: Buffer.from('小文件') }, { name: 'big.png', mimeType: 'image/png', buffer: photo }]);
    await s3.click('#attach-form button[type=submit]');
    await exp(s3.locator('#f-att-files-err')).toContainText('big.png：超过每个文件');
    expect(await stack.db.caseAttachment.count({ where: { case: { caseNo } } })).toBe(stored); // not even the small one
  } finally {
    await second.close();
  }

  // ---- the auditor sees the account records: failed and good sign-ins, the role change (before → after), the token, the policy versions
  const auditor = await as('p-audit-he');
  await auditor.goto(`${stack.baseUrl}/audit/security?person=p-admin-web`);
  const sec = auditor.locator('#security-events');
  for (const kind of ['sign_in_failed', 'sign_in', 'api_token_created', 'api_token_revoked', 'policy_version_created']) await exp(sec).toContainText(kind);
  await auditor.goto(`${stack.baseUrl}/audit/security?person=p-web-zhou`);
  await exp(sec).toContainText('person_changed');
  await shot(auditor, '19-audit-security');
  const changed = await stack.db.securityEvent.findFirstOrThrow({ where: { kind: 'person_changed', subject: 'p-web-zhou', actor: 'p-admin-web' }, orderBy: { seq: 'asc' } });
  expect(changed.data).toEqual({ fields: ['role', 'departmentId'], before: { role: 'sales', departmentId: 'dept-sales' }, after: { role: 'qa_engineer', departmentId: 'dept-qa' } });
  expect(await stack.db.securityEvent.count({ where: { kind: 'sign_in_failed', subject: 'p-admin-web' } })).toBeGreaterThan(0);
  // Through the API as well: a wrong password, an unknown e-mail, an administrator's PATCH of a person
  expect((await stack.anon('POST', '/api/auth/login', { email: 'zhou.xin@example.com', password: 'wrong-password-1' })).status).toBe(401);
  expect((await stack.anon('POST', '/api/auth/login', { email: 'nobody@example.com', password: 'wrong-password-1' })).status).toBe(401);
  expect(await stack.db.securityEvent.findFirst({ where: { kind: 'sign_in_failed', subject: 'p-web-zhou' }, orderBy: { seq: 'desc' } })).toMatchObject({ data: { reason: 'no_active_account' } });
  expect(await stack.db.securityEvent.findFirst({ where: { kind: 'sign_in_failed', actor: null }, orderBy: { seq: 'desc' } })).toMatchObject({ data: { email: 'nobody@example.com', reason: 'unknown_email' } });
  const adminApi = await stack.as('p-admin-web');
  expect((await adminApi('PATCH', '/api/people/p-web-zhou', { departmentId: 'dept-mfg', role: 'department_owner' })).status).toBe(200);
  expect(await stack.db.securityEvent.findFirst({ where: { kind: 'person_changed', subject: 'p-web-zhou' }, orderBy: { seq: 'desc' } })).toMatchObject({
    actor: 'p-admin-web',
    data: { before: { role: 'qa_engineer', departmentId: 'dept-qa' }, after: { role: 'department_owner', departmentId: 'dept-mfg' } },
  });
  const verify = await auditor.request.get(`${stack.baseUrl}/api/audit/security/verify`);
  expect(await verify.json()).toMatchObject({ ok: true });
  await Promise.all([auditor.waitForURL('**/signin'), auditor.click('form[action="/signout"] button')]);
  await eventually(() => stack.db.securityEvent.findFirst({ where: { kind: 'sign_out', subject: 'p-audit-he' } }), 5_000, 'sign-out recorded');

  // ---- phone width: the administration page and a case with attachments stay within the screen
  const phone = await browser.newContext({ viewport: { width: 390, height: 800 } });
  contexts.push(phone);
  const ph = await phone.newPage();
  await ph.goto(`${stack.baseUrl}/signin`);
  await ph.fill('#email', 'admin-web@example.com');
  await ph.fill('#password', TEST_PASSWORD);
  await Promise.all([ph.waitForURL('**/work'), ph.click('button[type=submit]')]);
  await ph.goto(`${stack.baseUrl}/admin`);
  expect(await ph.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(1);
  await shot(ph, '20-phone-admin');
  await ph.locator('#clock-reply').scrollIntoViewIfNeeded();
  await ph.screenshot({ path: path.join(SHOTS, '20b-phone-admin-clocks.png') });
  await ph.locator('#authority-form').scrollIntoViewIfNeeded();
  await ph.screenshot({ path: path.join(SHOTS, '20c-phone-admin-authority.png') });
  await ph.goto(`${stack.baseUrl}/cases/${caseNo}`);
  expect(await ph.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(1);
  await shot(ph, '21-phone-case-attachments');
}, 300_000);
