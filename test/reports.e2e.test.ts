/**
 * Period reports over HTTP with the real stack: the register (PDF + CSV) for a date range,
 * the monthly statistics (on-time rate, Pareto, causes), the Monthly Quality Review PDF with
 * its charts, the monthly workflow that files and mails them, its Schedule, and the 8D export.
 */
import { execFileSync } from 'node:child_process';
import { DateTime } from 'luxon';
import { pareto } from '../activities/reports';
import { monthlyReview } from '../workflows/monthly-review';
import { ensureSchedules, MONTHLY_REVIEW_SCHEDULE_ID } from '../scripts/schedules';
import { eventually, uid } from './helpers';
import { startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ clocks: { first_contact: { due: '12h' }, preliminary_analysis: { due: '24h' }, capa_plan: { due: '24h' }, reply: { due: '3d' }, potential_cause_report: { due: '48h' } } }, 'reports');
});
afterAll(() => stack?.close());

const month = DateTime.now().setZone('Asia/Shanghai').toFormat('yyyy-MM');
const today = DateTime.now().setZone('Asia/Shanghai').toFormat('yyyy-MM-dd');

test('Pareto arithmetic: descending counts, shares and cumulative shares', () => {
  const p = pareto(['异响', '起泡', '异响', '断裂', '异响', '起泡']);
  expect(p).toEqual([
    { phenomenon: '异响', count: 3, share: 0.5, cumulative: 0.5 },
    { phenomenon: '起泡', count: 2, share: 2 / 6, cumulative: 5 / 6 },
    { phenomenon: '断裂', count: 1, share: 1 / 6, cumulative: 1 },
  ]);
});

test('register, monthly statistics and review, the monthly workflow and its mail, the 8D export', async () => {
  const sales = await stack.as('p-sales-wang');
  const qa = await stack.as('p-qa-zhang');
  const cases: string[] = [];
  for (const [phenomenon, customer] of [['轴承异响', '宁波"海天",机电'], ['轴承异响', '常州博远'], ['镀层起泡', 'Acme, Inc.']]) {
    const c = (await stack.api('POST', '/api/complaints', { customerName: customer, product: 'MX-50', channel: 'phone', description: `${phenomenon}（报表测试）`, category: 'quality', severity: 'normal', origin: 'own_plant', salesRepId: 'p-sales-wang' })).body;
    cases.push(c.caseNo);
    await eventually(async () => (await stack.api('GET', `/api/complaints/${c.caseNo}/state`)).body.clocks?.length === 1, 10_000, 'running');
    expect((await sales('POST', `/api/complaints/${c.caseNo}/steps/first_contact`, { data: { method: 'phone', summary: '已联络' } })).status).toBe(200);
    expect((await sales('POST', `/api/complaints/${c.caseNo}/steps/sample_pending`, { data: { sample: 'received' } })).status).toBe(200);
    const a = await qa('POST', `/api/complaints/${c.caseNo}/steps/preliminary_analysis`, {
      data: { phenomenon, occurrenceCause: '工装磨损', escapeCause: '抽检不足', responsibleDepartmentId: 'dept-mfg', causeClear: true, meeting: { heldAt: new Date().toISOString(), attendees: ['张伟'] } },
    });
    expect(a.status).toBe(200);
  }

  // Statistics (live until the 1st-of-month run stores them).
  const stats = await eventually(async () => {
    const s = (await stack.api('GET', `/api/reports/monthly/${month}`)).body;
    return s.pareto?.some((p: { phenomenon: string }) => p.phenomenon === '轴承异响') ? s : null;
  }, 10_000, 'stats');
  expect(stats.final).toBe(false);
  const bearing = stats.pareto.find((p: { phenomenon: string }) => p.phenomenon === '轴承异响');
  expect(bearing.count).toBeGreaterThanOrEqual(2);
  expect(stats.pareto[0].count).toBeGreaterThanOrEqual(stats.pareto[stats.pareto.length - 1].count);
  expect(stats.byClock.find((c: { clock: string }) => c.clock === 'first_contact').onTime).toBeGreaterThanOrEqual(3);

  // The register for today: CSV (BOM, quoting) and PDF, filed.
  const csv = await stack.api('GET', `/api/reports/register?from=${today}&to=${today}&format=csv`);
  expect(csv.status).toBe(200);
  const text = csv.body.toString('utf8');
  expect(text.startsWith('\ufeffcase_no,received_at')).toBe(true);
  for (const no of cases) expect(text).toContain(no);
  expect(text).toContain('"宁波""海天"",机电"');
  expect(text).toContain('"Acme, Inc."');
  // XLSX: a valid ZIP (every CRC checked) with the rows in the worksheet.
  const sheet = await stack.api('GET', `/api/reports/register?from=${today}&to=${today}&format=xlsx`);
  expect(sheet.headers.get('content-type')).toContain('spreadsheetml');
  const xlsxFile = `/tmp/${uid('register')}.xlsx`;
  require('node:fs').writeFileSync(xlsxFile, sheet.body);
  const sheetXml = execFileSync('python3', ['-c', "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; assert '[Content_Types].xml' in z.namelist(); sys.stdout.write(z.read('xl/worksheets/sheet1.xml').decode())", xlsxFile]).toString();
  for (const no of cases) expect(sheetXml).toContain(`<t xml:space="preserve">${no}</t>`);
  expect(sheetXml).toContain('宁波&quot;海天&quot;,机电');
  const pdf = await stack.api('GET', `/api/reports/register?from=${today}&to=${today}`);
  expect(pdf.headers.get('content-type')).toContain('application/pdf');
  const tmp = `/tmp/${uid('register')}.pdf`;
  require('node:fs').writeFileSync(tmp, pdf.body);
  execFileSync('qpdf', ['--check', tmp]);
  const pdfText = execFileSync('pdftotext', [tmp, '-']).toString().replace(/\s+/g, '');
  expect(pdfText).toContain('市场品质异常管理表');
  expect(pdfText).toContain(cases[0]);
  expect((await stack.api('GET', `/api/reports/register?from=${today}&to=2020-01-01`)).status).toBe(400);
  expect((await (await stack.as('p-sales-wang'))('GET', `/api/reports/monthly/${month}`)).status).toBe(403);

  // The monthly workflow files the review and mails it to the QA manager and the management representative.
  const run = await stack.env.client.workflow.execute(monthlyReview, { taskQueue: stack.taskQueue, workflowId: uid('monthly'), args: [{ month }] });
  expect(run).toMatchObject({ month });
  const mails = await eventually(async () => {
    const m = stack.inbox.filter((x) => x.headers.get('x-qms-period') === month);
    return m.length >= 2 ? m : null;
  }, 15_000, 'monthly mails');
  const to = mails.map((m) => (m.to as { text: string }).text).sort();
  expect(to).toEqual(expect.arrayContaining(['liu.yang@example.com', 'wu.gang@example.com']));
  const review = mails[0].attachments.find((a) => a.contentType === 'application/pdf')!;
  const reviewText = execFileSync('pdftotext', ['-', '-'], { input: review.content }).toString().replace(/\s+/g, '');
  expect(reviewText).toContain('品质检讨会议资料');
  expect(reviewText).toContain('柏拉图');
  expect(reviewText).toContain('轴承异响');
  // Stored as computed; a second run sends nothing twice.
  expect((await stack.api('GET', `/api/reports/monthly/${month}`)).body.final).toBe(true);
  await stack.env.client.workflow.execute(monthlyReview, { taskQueue: stack.taskQueue, workflowId: uid('monthly'), args: [{ month }] });
  expect(stack.inbox.filter((x) => x.headers.get('x-qms-period') === month)).toHaveLength(mails.length);
  const reviewPdf = await stack.api('GET', `/api/reports/monthly/${month}/review.pdf`);
  expect(reviewPdf.status).toBe(200);

  // The Schedule on the 1st.
  await ensureSchedules(stack.env.connection, { namespace: 'default', taskQueue: stack.taskQueue, timeZone: 'Asia/Shanghai' });
  const desc = await stack.env.client.schedule.getHandle(MONTHLY_REVIEW_SCHEDULE_ID).describe();
  expect(desc.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }] });

  // The 8D export of a case.
  const eightD = await stack.api('GET', `/api/complaints/${cases[0]}/8d.pdf`);
  expect(eightD.status).toBe(200);
  const eightDText = execFileSync('pdftotext', ['-', '-'], { input: eightD.body }).toString();
  for (const d of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']) expect(eightDText).toContain(d);
  expect(eightDText.replace(/\s+/g, '')).toContain('工装磨损');
});
