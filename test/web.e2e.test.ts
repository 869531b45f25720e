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
  await sales.goto(`${stack.baseUrl}/cases/${late}`);
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
