/**
 * The digest, customer-letter and undeliverable templates, pure (no SMTP, database or Temporal):
 * npx jest -c jest.unit.config.js test/mail-templates.test.ts
 */
import { renderCustomerReply, renderSatisfactionRequest } from '../templates/mail/customer';
import { renderDigest } from '../templates/mail/digest';
import { renderUndeliverable } from '../templates/mail/undeliverable';

const item = (caseNo: string, dueAt: string) => ({
  caseNo,
  customerName: 'ACME <Widgets> & "Sons"',
  product: 'X-100',
  clockLabel: 'Reply to the customer',
  dueAt: new Date(dueAt),
  link: `https://qms.example/cases/${caseNo}`,
});

test('digest: sections sorted by due time, empty sections say so, data escaped, links checked', () => {
  const r = renderDigest({
    locale: 'en',
    recipientName: 'Ann',
    date: '2026-11-23',
    timeZone: 'Asia/Shanghai',
    asOf: new Date('2026-11-22T23:30:00Z'),
    overdue: [item('CC-2026-0002', '2026-11-22T10:00:00Z'), item('CC-2026-0001', '2026-11-21T10:00:00Z')],
    today: [],
    tomorrow: [],
    homeLink: 'https://qms.example/',
  });
  expect(r.subject).toBe('[Daily digest] 2026-11-23: 2 overdue, 0 due today, 0 due tomorrow');
  expect(r.text.indexOf('CC-2026-0001')).toBeLessThan(r.text.indexOf('CC-2026-0002'));
  expect(r.text).toContain('CC-2026-0001 · Reply to the customer [overdue by 1 d 13 h]');
  expect(r.text).toMatch(/Due today\n-+\n {2}Nothing/);
  expect(r.html).toContain('ACME &lt;Widgets&gt; &amp; &quot;Sons&quot;');
  expect(r.html).not.toContain('<Widgets>');
  expect(() => renderDigest({ ...baseDigest(), today: [{ ...item('CC-1', '2026-11-23T01:00:00Z'), link: 'javascript:alert(1)' }] })).toThrow(TypeError);
  const zh = renderDigest({ ...baseDigest(), locale: 'zh-CN', today: [item('CC-1', '2026-11-23T01:00:00Z')] });
  expect(zh.subject).toBe('【每日待办】2026-11-23：逾期 0 项，今日到期 1 项，明日到期 0 项');
  expect(zh.text).toContain('截止时间：2026年11月23日（周一）09:00（Asia/Shanghai，UTC+8）');
});

function baseDigest() {
  return {
    locale: 'en' as const,
    recipientName: 'Ann',
    date: '2026-11-23',
    timeZone: 'Asia/Shanghai',
    asOf: new Date('2026-11-22T23:30:00Z'),
    overdue: [],
    today: [],
    tomorrow: [],
    homeLink: 'https://qms.example/',
  };
}

test('customer reply letter: no button, signed by the sales contact; satisfaction request links the survey', () => {
  const base = {
    customerName: '华东电子',
    customerContact: null,
    caseNo: 'CC-2026-0012',
    product: 'PCB-A100',
    companyName: 'XX Company',
    senderName: 'Anna Miller',
    senderEmail: 'anna.miller@example.com',
  };
  const reply = renderCustomerReply({ ...base, locale: 'en', fileName: 'CC-2026-0012-reply.pdf' });
  expect(reply.subject).toBe('Reply to your complaint CC-2026-0012 (PCB-A100) — XX Company');
  expect(reply.text).toContain('Dear 华东电子,');
  expect(reply.text).toContain('CC-2026-0012-reply.pdf');
  expect(reply.html).not.toContain('<a href');
  const survey = renderSatisfactionRequest({ ...base, locale: 'zh-CN', companyName: 'XX公司', surveyUrl: 'https://qms.example/s/abc' });
  expect(survey.subject).toContain('CC-2026-0012');
  expect(survey.text).toContain('填写满意度调查：https://qms.example/s/abc');
});

test('undeliverable notice: what, to whom, since when, last error', () => {
  const r = renderUndeliverable({
    locale: 'en',
    recipientName: 'Liu',
    caseNo: null,
    kind: 'digest',
    subject: '[Daily digest] 2026-11-23',
    to: ['a@example.com'],
    firstAttemptAt: new Date('2026-11-22T00:00:00Z'),
    now: new Date('2026-11-23T01:00:00Z'),
    attempts: 9,
    lastError: 'connect ECONNREFUSED 127.0.0.1:25',
    timeZone: 'Asia/Shanghai',
    link: 'https://qms.example/',
  });
  expect(r.subject).toBe('[Undeliverable] [Daily digest] 2026-11-23');
  expect(r.text).toContain('9 time(s) over 1 d 1 h');
  expect(r.text).toContain('To: a@example.com');
  expect(r.text).toContain('Last error: connect ECONNREFUSED 127.0.0.1:25');
});
