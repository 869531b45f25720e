/**
 * Browsing the mail outbox (mounted by the app at `/outbox`):
 *   GET /                         HTML list of messages, newest first
 *   GET /api                      the same list as JSON
 *   GET /:id                      one message: headers, attachments, HTML body (sandboxed), text part
 *   GET /:id/raw                  the .eml file (message/rfc822, download)
 *   GET /:id/attachments/:index   one attachment (download)
 * Unknown or malformed ids answer 404. Message ids always contain '@', so none is shadowed by `/api`.
 */
import express from 'express';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import {
  InvalidOutboxIdError,
  isValidOutboxId,
  listOutbox,
  OutboxEntry,
  readOutboxAttachment,
  readOutboxMessage,
} from '../../activities/mail/outbox';
import { escapeHtml as e } from '../../templates/mail/layout';

const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: #1f2937; font: 14px/1.6 -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", Arial, sans-serif; }
header { background: #1e3a8a; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 18px; font-weight: 600; }
header a { color: #dbeafe; text-decoration: none; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 16px 20px; margin-bottom: 16px; }
.card h2 { margin: 0 0 10px; font-size: 15px; color: #374151; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
th { color: #6b7280; font-weight: 600; white-space: nowrap; }
table.list tr:hover td { background: #f9fafb; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
a { color: #1d4ed8; }
.muted { color: #6b7280; }
.empty { padding: 32px; text-align: center; color: #6b7280; }
.actions a { margin-right: 14px; }
iframe { width: 100%; min-height: 560px; border: 1px solid #e5e7eb; border-radius: 4px; background: #fff; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; font: 13px/1.6 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
`;

function page(title: string, base: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1><a href="${e(base)}/">发件箱 Outbox</a></h1></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function formatDate(date: Date): string {
  return DateTime.fromJSDate(date).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Content-Security-Policy': PAGE_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }).type('html').send(html);
}

function notFound(req: Request, res: Response): void {
  const base = req.baseUrl;
  sendHtml(
    res,
    404,
    page('未找到 Not found', base, `<div class="card empty">没有这封邮件 · No such message. <a href="${e(base)}/">返回列表 Back to the list</a></div>`),
  );
}

/** Route parameter as a string (Express 5 types allow arrays for wildcard params). */
function param(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

function messageHref(base: string, id: string): string {
  return `${base}/${encodeURIComponent(id)}`;
}

function entryJson(base: string, m: OutboxEntry) {
  return {
    id: m.id,
    subject: m.subject,
    to: m.to,
    date: m.date.toISOString(),
    size: m.size,
    url: messageHref(base, m.id),
    rawUrl: `${messageHref(base, m.id)}/raw`,
  };
}

export function outboxRouter(outboxDir: string): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const base = req.baseUrl;
    const list = await listOutbox(outboxDir);
    const rows = list
      .map(
        (m) => `<tr>
<td class="nowrap"><time datetime="${e(m.date.toISOString())}">${e(formatDate(m.date))}</time></td>
<td><a href="${e(messageHref(base, m.id))}">${e(m.subject || '(无主题 no subject)')}</a></td>
<td>${e(m.to.join(', '))}</td>
<td class="num">${e(formatSize(m.size))}</td>
</tr>`,
      )
      .join('\n');
    const body = list.length
      ? `<div class="card"><table class="list">
<thead><tr><th>日期 Date</th><th>主题 Subject</th><th>收件人 To</th><th class="num">大小 Size</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p class="muted">${list.length} 封邮件 · ${list.length} message(s) · <a href="${e(base)}/api">JSON</a></p>`
      : `<div class="card empty">发件箱为空 · The outbox is empty.</div>`;
    sendHtml(res, 200, page('发件箱 Outbox', base, body));
  });

  router.get('/api', async (req, res) => {
    const list = await listOutbox(outboxDir);
    res.json({ messages: list.map((m) => entryJson(req.baseUrl, m)) });
  });

  router.get('/:id', async (req, res) => {
    const id = param(req, 'id');
    if (!isValidOutboxId(id)) return notFound(req, res);
    const msg = await readOutboxMessage(outboxDir, id);
    if (!msg) return notFound(req, res);
    const base = req.baseUrl;
    const href = messageHref(base, id);
    const headerRows: [string, string][] = [
      ['主题 Subject', msg.subject],
      ['发件人 From', msg.from],
      ['收件人 To', msg.to.join(', ')],
      ...(msg.cc.length ? ([['抄送 Cc', msg.cc.join(', ')]] as [string, string][]) : []),
      ['日期 Date', formatDate(msg.date)],
      ['Message-ID', msg.messageId],
    ];
    const attachments = msg.attachments.length
      ? `<table><thead><tr><th>文件名 File</th><th>类型 Type</th><th class="num">大小 Size</th></tr></thead><tbody>
${msg.attachments
  .map(
    (a, i) =>
      `<tr><td><a href="${e(`${href}/attachments/${i}`)}" download>${e(a.filename)}</a></td><td><code>${e(a.contentType)}</code></td><td class="num">${e(formatSize(a.size))}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
      : '<p class="muted">无附件 · No attachments.</p>';
    const body = `<p class="actions"><a href="${e(base)}/">← 返回列表 Back</a><a href="${e(href)}/raw" download>下载原始邮件 Download .eml</a></p>
<div class="card"><h2>邮件头 Headers</h2><table>
${headerRows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${k === 'Message-ID' ? `<code>${e(v)}</code>` : e(v)}</td></tr>`).join('\n')}
</table></div>
<div class="card"><h2>附件 Attachments</h2>${attachments}</div>
<div class="card"><h2>HTML 正文 HTML part</h2>${
      msg.html !== null
        ? `<iframe title="HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="${e(msg.html)}"></iframe>`
        : '<p class="muted">没有 HTML 部分 · No HTML part.</p>'
    }</div>
<div class="card"><h2>纯文本正文 Text part</h2><pre>${e(msg.text)}</pre></div>`;
    sendHtml(res, 200, page(msg.subject || id, base, body));
  });

  router.get('/:id/raw', async (req, res) => {
    const id = param(req, 'id');
    if (!isValidOutboxId(id)) return notFound(req, res);
    const msg = await readOutboxMessage(outboxDir, id);
    if (!msg) return notFound(req, res);
    res.attachment(`${id}.eml`);
    res.set({ 'Content-Type': 'message/rfc822', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': 'sandbox' });
    res.send(msg.raw);
  });

  router.get('/:id/attachments/:index', async (req, res) => {
    const id = param(req, 'id');
    const indexText = param(req, 'index');
    if (!isValidOutboxId(id) || !/^\d{1,4}$/.test(indexText)) return notFound(req, res);
    const att = await readOutboxAttachment(outboxDir, id, Number(indexText));
    if (!att) return notFound(req, res);
    // Always a download, never rendered in our origin: the content type comes from the mail.
    res.attachment(att.filename);
    res.set({ 'Content-Type': att.contentType, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': 'sandbox' });
    res.send(att.content);
  });

  router.use((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
    if (err instanceof InvalidOutboxIdError) return notFound(req, res);
    next(err);
  });

  return router;
}
