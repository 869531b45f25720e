/**
 * The mail layer end to end: templates → transport → a real SMTP server on loopback / the outbox
 * directory → mailparser, plus the outbox pages. Run: npx jest -c jest.unit.config.js test/mail.test.ts
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import {
  createMailTransport,
  InvalidMailError,
  isPermanentMailError,
  messageIdFromKey,
  OutgoingMail,
} from '../activities/mail/transport';
import {
  InvalidOutboxIdError,
  isValidOutboxId,
  listOutbox,
  outboxIdForMessageId,
  readOutboxAttachment,
  readOutboxMessage,
} from '../activities/mail/outbox';
import { outboxRouter } from '../api/routes/outbox';
import { renderReminder } from '../templates/mail/reminder';
import { renderEscalation } from '../templates/mail/escalation';
import { buildDeadlineIcs, deadlineIcsAttachment, DEADLINE_ICS_CONTENT_TYPE } from '../templates/mail/ics';
import { clockLabel, escalationLevelLabel } from '../templates/mail/clock-labels';
import { formatDeadline, humaniseDuration, resolveMailLocale } from '../templates/mail/format';
import { freePort } from '../scripts/services';

const FROM = '"质量管理系统 QMS" <qms@qms.example>';
const DUE = new Date('2026-11-23T06:30:00.000Z'); // 14:30 in Asia/Shanghai
const NOW = new Date('2026-11-23T03:10:00.000Z'); // 3 h 20 min before

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

/** iCalendar content lines with folding undone (RFC 5545 §3.1). */
function icsLines(ics: string): string[] {
  return ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter(Boolean);
}

function icsUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function reminderMail(key: string, overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  const rendered = renderReminder({
    locale: 'zh-CN',
    recipientName: '王小明',
    caseNo: 'CC-2026-0012',
    customerName: '华东电子 <有限公司> & Co',
    product: 'PCB-A100 控制板',
    clock: 'first_contact',
    clockLabel: clockLabel('first_contact', 'zh-CN'),
    dueAt: DUE,
    now: NOW,
    timeZone: 'Asia/Shanghai',
    link: 'https://qms.example/cases/7f3c/steps/first_contact',
  });
  const ics = buildDeadlineIcs({
    uid: '7f3c-first_contact@qms.example',
    caseNo: 'CC-2026-0012',
    summary: '截止：CC-2026-0012 首次联络客户',
    description: '客诉案件 CC-2026-0012 首次联络客户的截止时间',
    dueAt: DUE,
    url: 'https://qms.example/cases/7f3c/steps/first_contact',
    organizerEmail: 'qms@qms.example',
    attendeeEmail: 'wang@customer-sales.example',
    sequence: 0,
  });
  return {
    to: ['wang@sales.example'],
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: messageIdFromKey(key, 'qms.example'),
    attachments: [deadlineIcsAttachment(ics)],
    ...overrides,
  };
}


describe('templates', () => {
  test('durations are humanised per locale and rounded down', () => {
    expect(humaniseDuration(3 * 3600_000 + 20 * 60_000 + 59_000, 'zh-CN')).toBe('3 小时 20 分钟');
    expect(humaniseDuration(3 * 3600_000 + 20 * 60_000, 'en')).toBe('3 h 20 min');
    expect(humaniseDuration(-(26 * 3600_000 + 5 * 60_000), 'en')).toBe('1 d 2 h');
    expect(humaniseDuration(2 * 3600_000, 'zh-CN')).toBe('2 小时');
    expect(humaniseDuration(45 * 60_000, 'en')).toBe('45 min');
    expect(humaniseDuration(30_000, 'zh-CN')).toBe('不到 1 分钟');
  });

  test('deadlines are shown in the recipient time zone', () => {
    expect(formatDeadline(DUE, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月23日（周一）14:30（Asia/Shanghai，UTC+8）');
    expect(formatDeadline(DUE, 'Europe/Berlin', 'en')).toBe('Mon 23 Nov 2026, 07:30 (Europe/Berlin, UTC+1)');
    expect(() => formatDeadline(DUE, 'Mars/Olympus', 'en')).toThrow(RangeError);
    expect(resolveMailLocale('zh-TW')).toBe('zh-CN');
    expect(resolveMailLocale('en-GB')).toBe('en');
  });

  test('labels for clocks and escalation levels', () => {
    expect(clockLabel('capa_plan', 'zh-CN')).toBe('临时对策及纠正预防计划');
    expect(clockLabel('reply', 'en')).toBe('Reply to the customer');
    expect(clockLabel('potential_cause_report', 'zh-CN')).toBe('潜在失效原因分析报告');
    expect(clockLabel('monthly_statistics', 'en')).toBe('monthly_statistics');
    expect(escalationLevelLabel(1, 'zh-CN')).toBe('品保主管');
    expect(escalationLevelLabel(2, 'en')).toBe('management representative');
  });

  test('reminder: what, which case, when, time left, link; data is escaped', () => {
    const r = renderReminder({
      locale: 'en',
      recipientName: 'Ann <Sales>',
      caseNo: 'CC-2026-0013',
      customerName: 'ACME "Widgets" & Sons',
      product: 'X-100',
      clock: 'reply',
      clockLabel: '',
      dueAt: DUE,
      now: NOW,
      timeZone: 'Europe/Berlin',
      link: 'https://qms.example/cases/1/steps/reply?x=1&y=2',
    });
    expect(r.subject).toBe('[Reminder] CC-2026-0013: Reply to the customer due in 3 h 20 min');
    expect(r.text).toContain('Mon 23 Nov 2026, 07:30 (Europe/Berlin, UTC+1)');
    expect(r.text).toContain('Time left: 3 h 20 min');
    expect(r.text).toContain('https://qms.example/cases/1/steps/reply?x=1&y=2');
    expect(r.html).toContain('<html lang="en">');
    expect(r.html).toContain('href="https://qms.example/cases/1/steps/reply?x=1&amp;y=2"');
    expect(r.html).toContain('ACME &quot;Widgets&quot; &amp; Sons');
    expect(r.html).toContain('Hello Ann &lt;Sales&gt;,');
    expect(r.html).not.toContain('<Sales>');
    expect(() => renderReminder({ ...baseReminder(), link: 'javascript:alert(1)' })).toThrow(TypeError);
  });

  test('a reminder rendered after the deadline says it is overdue', () => {
    const r = renderReminder({ ...baseReminder(), now: new Date(DUE.getTime() + 90 * 60_000) });
    expect(r.subject).toContain('逾期 1 小时 30 分钟');
    expect(r.text).toContain('已逾期：1 小时 30 分钟');
  });

  test('escalation: who missed what, by how much, which level', () => {
    const input = {
      recipientName: '李主管',
      caseNo: 'CC-2026-0012',
      customerName: '华东电子',
      product: 'PCB-A100',
      clockLabel: '回复客户',
      dueAt: DUE,
      now: new Date(DUE.getTime() + 2 * 86_400_000 + 3 * 3600_000 + 7 * 60_000),
      timeZone: 'Asia/Shanghai',
      ownerName: '王小明',
      level: 1,
      levelLabel: '',
      link: 'https://qms.example/cases/7f3c',
    };
    const zh = renderEscalation({ ...input, locale: 'zh-CN' });
    expect(zh.subject).toBe('【逾期升级·品保主管】CC-2026-0012 回复客户已逾期 2 天 3 小时');
    expect(zh.text).toContain('负责人：王小明');
    expect(zh.text).toContain('已逾期：2 天 3 小时');
    expect(zh.text).toContain('第 1 级（品保主管）');
    expect(zh.html).toContain('<html lang="zh-CN">');
    const en = renderEscalation({ ...input, locale: 'en', level: 2, levelLabel: '', recipientName: 'Mr Chen', ownerName: 'Wang Xiaoming', clockLabel: 'Reply to the customer' });
    expect(en.subject).toBe('[Escalation: management representative] CC-2026-0012: Reply to the customer overdue by 2 d 3 h');
    expect(en.text).toContain('Wang Xiaoming has not completed “Reply to the customer”');
    expect(en.text).toContain('Escalation level: 2 (management representative)');
  });

  test('ics: 15-minute event ending at the deadline, PUBLISH, alarm, stable uid', () => {
    const ics = buildDeadlineIcs({
      uid: 'case-1-reply@qms.example',
      caseNo: 'CC-2026-0012',
      summary: 'Due: CC-2026-0012 Reply to the customer',
      description: 'line 1\nline 2; with, separators',
      dueAt: DUE,
      organizerEmail: 'qms@qms.example',
      sequence: 3,
      stamp: NOW,
    });
    const lines = icsLines(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('METHOD:PUBLISH');
    expect(lines).toContain('UID:case-1-reply@qms.example');
    expect(lines).toContain('SEQUENCE:3');
    expect(lines).toContain(`DTSTAMP:${icsUtc(NOW)}`);
    expect(lines).toContain(`DTSTART:${icsUtc(new Date(DUE.getTime() - 15 * 60_000))}`);
    expect(lines).toContain(`DTEND:${icsUtc(DUE)}`);
    expect(lines).toContain('DESCRIPTION:line 1\\nline 2\\; with\\, separators');
    expect(lines).toContain('TRIGGER:-PT45M'); // 60 min before the deadline = 45 min before DTSTART
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    const late = icsLines(buildDeadlineIcs({ uid: 'u@x', caseNo: 'C', summary: 's', description: 'd', dueAt: DUE, organizerEmail: 'q@x.example', alarmMinutesBefore: 5 }));
    expect(late).toContain('TRIGGER;RELATED=START:PT10M');
    expect(ics).toMatch(/\r\n/);
  });
});

function baseReminder() {
  return {
    locale: 'zh-CN' as const,
    recipientName: '王小明',
    caseNo: 'CC-2026-0012',
    customerName: '华东电子',
    product: 'PCB-A100',
    clock: 'first_contact',
    clockLabel: '',
    dueAt: DUE,
    now: NOW,
    timeZone: 'Asia/Shanghai',
    link: 'https://qms.example/cases/7f3c',
  };
}

describe('SMTP transport against a real smtp-server', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const fail = (code: number, message: string) => callback(Object.assign(new Error(message), { responseCode: code }));
        if (address.address.startsWith('nobody@')) return fail(550, '5.1.1 No such user here');
        if (address.address.startsWith('busy@')) return fail(451, '4.7.1 Greylisted, try again later');
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', callback);
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const smtp = () => createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, outboxDir: '/nonexistent-unused', from: FROM });

  test('a Chinese reminder arrives with text + html parts and a parseable deadline.ics', async () => {
    const transport = smtp();
    expect(transport.kind).toBe('smtp');
    await transport.verify();
    const mail = reminderMail('reminder:case-7f3c:first_contact:1');
    const before = received.length;
    const result = await transport.send(mail);
    transport.close();

    expect(result).toMatchObject({ transport: 'smtp', messageId: mail.messageId, accepted: ['wang@sales.example'], rejected: [] });
    expect(result.response).toMatch(/^250/);
    expect(received).toHaveLength(before + 1);
    const got = received[received.length - 1]!;
    expect(got.from).toBe('qms@qms.example');
    expect(got.to).toEqual(['wang@sales.example']);

    const parsed: ParsedMail = await simpleParser(got.raw);
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.subject).toBe('【期限提醒】CC-2026-0012 首次联络客户，剩余 3 小时 20 分钟');
    expect(parsed.from?.text).toContain('质量管理系统 QMS');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(got.raw.toString('latin1')).toMatch(/Content-Type: multipart\/alternative/i);
    expect(parsed.text).toContain('王小明，您好：');
    expect(parsed.text).toContain('2026年11月23日（周一）14:30（Asia/Shanghai，UTC+8）');
    expect(parsed.text).toContain('剩余时间：3 小时 20 分钟');
    expect(parsed.text).toContain('客户：华东电子 <有限公司> & Co');
    expect(typeof parsed.html).toBe('string');
    const html = parsed.html as string;
    expect(html).toContain('立即处理');
    expect(html).toContain('华东电子 &lt;有限公司&gt; &amp; Co');
    expect(html).toContain('href="https://qms.example/cases/7f3c/steps/first_contact"');

    const ics = parsed.attachments.find((a) => a.filename === 'deadline.ics');
    expect(ics).toBeDefined();
    expect(ics!.contentType).toBe('text/calendar');
    const lines = icsLines(ics!.content.toString('utf8'));
    expect(lines).toContain('METHOD:PUBLISH');
    expect(lines).toContain(`DTEND:${icsUtc(DUE)}`);
    expect(lines).toContain(`DTSTART:${icsUtc(new Date(DUE.getTime() - 15 * 60_000))}`);
    expect(lines.find((l) => l.startsWith('SUMMARY:'))).toContain('CC-2026-0012');
    expect(lines).toContain('UID:7f3c-first_contact@qms.example');
    expect(lines).toContain('BEGIN:VALARM');
    expect(got.raw.toString('latin1')).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=PUBLISH/i);
  });

  test('a 550 recipient rejection is permanent', async () => {
    const transport = smtp();
    const err = await transport.send(reminderMail('reminder:bad-address', { to: ['nobody@sales.example'] })).catch((e: unknown) => e);
    transport.close();
    expect(err).toBeInstanceOf(Error);
    expect((err as { responseCode?: number }).responseCode).toBe(550);
    expect(isPermanentMailError(err)).toBe(true);
  });

  test('a 4xx (greylisting) rejection is not permanent', async () => {
    const transport = smtp();
    const err = await transport.send(reminderMail('reminder:greylisted', { to: ['busy@sales.example'] })).catch((e: unknown) => e);
    transport.close();
    expect((err as { responseCode?: number }).responseCode).toBe(451);
    expect(isPermanentMailError(err)).toBe(false);
  });

  test('with some recipients rejected the message still goes out and reports them', async () => {
    const transport = smtp();
    const result = await transport.send(reminderMail('reminder:partial', { to: ['wang@sales.example'], cc: ['nobody@sales.example'] }));
    transport.close();
    expect(result.accepted).toEqual(['wang@sales.example']);
    expect(result.rejected).toEqual(['nobody@sales.example']);
  });

  test('a refused connection is not permanent', async () => {
    const closedPort = await freePort();
    const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, outboxDir: '/nonexistent-unused', from: FROM });
    const err = await transport.send(reminderMail('reminder:refused')).catch((e: unknown) => e);
    transport.close();
    // A socket error comes from Node's realm, not jest's, so instanceof Error does not hold here.
    expect(Object.prototype.toString.call(err)).toBe('[object Error]');
    expect((err as { originalCode?: string }).originalCode).toBe('ECONNREFUSED');
    expect(['ESOCKET', 'ECONNECTION']).toContain((err as { code?: string }).code);
    expect(isPermanentMailError(err)).toBe(false);
  });

  test('invalid input is refused before sending, permanently', async () => {
    const transport = smtp();
    const noRcpt = await transport.send(reminderMail('k1', { to: [] })).catch((e: unknown) => e);
    const badId = await transport.send(reminderMail('k2', { messageId: 'no-at-sign' })).catch((e: unknown) => e);
    transport.close();
    expect(noRcpt).toBeInstanceOf(InvalidMailError);
    expect(badId).toBeInstanceOf(InvalidMailError);
    expect(isPermanentMailError(noRcpt)).toBe(true);
    expect(isPermanentMailError(badId)).toBe(true);
    expect(isPermanentMailError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe(false);
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 503 }))).toBe(false);
    expect(isPermanentMailError('not an error')).toBe(false);
  });
});

describe('outbox transport, reader and pages', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qms-outbox-'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const outbox = () => createMailTransport({ outboxDir: dir, from: FROM });
  const evil = '<script>alert(1)</script>';

  test('two sends with the same Message-ID leave exactly one .eml', async () => {
    const transport = outbox();
    expect(transport.kind).toBe('outbox');
    await transport.verify();
    const mail = reminderMail('reminder:case-7f3c:first_contact:outbox', { subject: `提醒 ${evil}` });
    const first = await transport.send(mail);
    const second = await transport.send({ ...mail, text: 'a retried render' });
    transport.close();

    expect(first.transport).toBe('outbox');
    expect(first.messageId).toBe(mail.messageId);
    expect(first.accepted).toEqual(['wang@sales.example']);
    expect(second.location).toBe(first.location);
    expect(first.response).toMatch(/^250 Stored/);
    expect(second.response).toMatch(/^250 Already/);
    const files = await fs.readdir(dir);
    expect(files).toEqual([path.basename(first.location!)]);
    expect(files[0]).toBe(`${outboxIdForMessageId(mail.messageId)}.eml`);
    expect((await fs.readFile(first.location!)).toString('latin1')).toMatch(/^Content-Type: multipart\/mixed/im);
  });

  test('listOutbox / readOutboxMessage read it back, newest first', async () => {
    const transport = outbox();
    const older = reminderMail('reminder:older', { subject: 'Older message', headers: { Date: 'Sun, 01 Nov 2026 08:00:00 +0000' } });
    await transport.send(older);
    transport.close();

    const list = await listOutbox(dir);
    expect(list).toHaveLength(2);
    expect(list[0]!.subject).toBe(`提醒 ${evil}`);
    expect(list[0]!.to).toEqual(['wang@sales.example']);
    expect(list[1]!.subject).toBe('Older message');
    expect(list[1]!.date.toISOString()).toBe('2026-11-01T08:00:00.000Z');
    expect(list[0]!.size).toBeGreaterThan(1000);
    expect(await listOutbox(dir)).toEqual(list); // served from the mtime cache, same answer

    const msg = await readOutboxMessage(dir, list[0]!.id);
    expect(msg).not.toBeNull();
    expect(msg!.messageId).toBe(messageIdFromKey('reminder:case-7f3c:first_contact:outbox', 'qms.example'));
    expect(msg!.from).toContain('qms@qms.example');
    expect(msg!.text).toContain('剩余时间：3 小时 20 分钟');
    expect(msg!.text).not.toContain('a retried render');
    expect(msg!.html).toContain('立即处理');
    expect(msg!.attachments).toEqual([{ filename: 'deadline.ics', contentType: 'text/calendar', size: expect.any(Number) }]);
    expect(msg!.raw.equals(await fs.readFile(list[0]!.file))).toBe(true);
    const att = await readOutboxAttachment(dir, list[0]!.id, 0);
    expect(att!.content.toString('utf8')).toContain('BEGIN:VCALENDAR');
    expect(await readOutboxAttachment(dir, list[0]!.id, 1)).toBeNull();
    expect(await readOutboxMessage(dir, 'deadbeef@qms.example')).toBeNull();
    expect(await listOutbox(path.join(dir, 'missing'))).toEqual([]);
  });

  test('ids are validated: no path traversal', async () => {
    for (const bad of ['../etc/passwd', '..', '.', '.hidden', 'a/b', 'a\\b', '', '%2e%2e', '/etc/passwd', 'x\u0000y']) {
      expect(isValidOutboxId(bad)).toBe(false);
      await expect(readOutboxMessage(dir, bad)).rejects.toBeInstanceOf(InvalidOutboxIdError);
    }
    const sneaky = outboxIdForMessageId('<../../etc/passwd@evil.example>');
    expect(isValidOutboxId(sneaky)).toBe(true);
    expect(sneaky).not.toContain('/');
    expect(outboxIdForMessageId('<../../etc/passwd@evil.example>')).toBe(sneaky);
    expect(outboxIdForMessageId('<a_b@x>')).not.toBe(outboxIdForMessageId('<a/b@x>'));
  });

  test('the outbox router lists and shows messages', async () => {
    const app = express();
    app.use('/outbox', outboxRouter(dir));
    const list = await listOutbox(dir);
    const id = list[0]!.id;

    const index = await request(app).get('/outbox/').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.text).toContain('<html lang="zh-CN">');
    expect(index.text).toContain(`href="/outbox/${encodeURIComponent(id)}"`);
    expect(index.text).toContain('提醒 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(index.text).toContain('Older message');
    expect(index.text).not.toContain(evil);

    const api = await request(app).get('/outbox/api').expect(200);
    expect(api.body.messages).toHaveLength(2);
    expect(api.body.messages[0]).toMatchObject({ id, subject: `提醒 ${evil}`, to: ['wang@sales.example'], url: `/outbox/${encodeURIComponent(id)}` });

    const show = await request(app).get(`/outbox/${encodeURIComponent(id)}`).expect(200);
    expect(show.text).toContain('<iframe title="HTML" sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(show.text).toMatch(/srcdoc="&lt;!DOCTYPE html&gt;/);
    expect(show.text).toContain('剩余时间：3 小时 20 分钟'); // text part
    expect(show.text).toContain(`/outbox/${encodeURIComponent(id)}/attachments/0`);
    expect(show.text).toContain('deadline.ics');
    expect(show.text).not.toContain(evil);
    expect(show.headers['content-security-policy']).toContain("default-src 'none'");

    const raw = await request(app).get(`/outbox/${encodeURIComponent(id)}/raw`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(raw.headers['content-type']).toBe('message/rfc822');
    expect(raw.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect((raw.body as Buffer).equals(await fs.readFile(list[0]!.file))).toBe(true);

    const ics = await request(app).get(`/outbox/${encodeURIComponent(id)}/attachments/0`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['content-disposition']).toMatch(/^attachment; filename="?deadline\.ics"?$/);
    expect((ics.body as Buffer).toString('utf8')).toContain('BEGIN:VCALENDAR');

    await request(app).get('/outbox/deadbeef@qms.example').expect(404);
    await request(app).get(`/outbox/${encodeURIComponent(id)}/attachments/5`).expect(404);
    await request(app).get(`/outbox/${encodeURIComponent(id)}/attachments/x`).expect(404);
    await request(app).get('/outbox/..%2F..%2Fetc%2Fpasswd').expect(404);
    await request(app).get('/outbox/..%2F..%2Fetc%2Fpasswd/raw').expect(404);
    await request(app).get('/outbox/.hidden/raw').expect(404);
    expect(DEADLINE_ICS_CONTENT_TYPE).toBe('text/calendar; charset=utf-8; method=PUBLISH');
  });
});
