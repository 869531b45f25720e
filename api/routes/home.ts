/**
 * The start page of the default run: recent cases with their deadlines and links to the
 * Temporal UI, the outbox and the API. The full web application comes with issue #7.
 */
import type { RequestHandler } from 'express';
import type { Db } from '../../prisma/client';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function homePage(deps: { db: Db; outbox: boolean; temporalUiUrl?: string }): RequestHandler {
  return async (_req, res) => {
    const cases = await deps.db.complaintCase.findMany({
      orderBy: [{ year: 'desc' }, { seq: 'desc' }],
      take: 50,
      include: { clocks: { where: { outcome: null }, orderBy: { dueAt: 'asc' }, take: 1 }, salesRep: true },
    });
    const now = Date.now();
    const rows = cases
      .map((c) => {
        const clock = c.clocks[0];
        const left = clock ? clock.dueAt.getTime() - now : null;
        const cls = left === null ? '' : left < 0 ? 'overdue' : left < 2 * 3600_000 ? 'soon' : 'ok';
        return `<tr><td><a href="/api/complaints/${esc(c.caseNo)}">${esc(c.caseNo)}</a></td><td>${esc(c.customerName)}</td><td>${esc(c.product)}</td>
<td>${esc(c.severity)}</td><td>${esc(c.step)}</td><td>${esc(c.salesRep.name)}</td>
<td class="${cls}">${clock ? `${esc(clock.clock)} · ${esc(clock.dueAt.toISOString())}` : '—'}</td>
<td><a href="/api/complaints/${esc(c.caseNo)}/report.pdf">PDF</a></td></tr>`;
      })
      .join('\n');
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>客户抱怨管理 · QMS complaints</title>
<style>body{font-family:system-ui,"Noto Sans SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1f2933}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d9e2ec;padding:.4rem .6rem;text-align:left;font-size:.95rem}.overdue{color:#b42318;font-weight:600}.soon{color:#b54708}.ok{color:#067647}
nav a{margin-right:1.2rem}</style></head><body>
<h1>客户抱怨管理 <small style="font-weight:normal;color:#52606d">Customer complaints</small></h1>
<nav><a href="/api/openapi.json">API (OpenAPI)</a>${deps.outbox ? '<a href="/outbox/">发件箱 Outbox</a>' : ''}${
      deps.temporalUiUrl ? `<a href="${esc(deps.temporalUiUrl)}">Temporal UI</a>` : ''
    }<a href="/readyz">Readiness</a></nav>
<h2>案件 Cases</h2>
<table><thead><tr><th>编号 Case</th><th>客户 Customer</th><th>产品 Product</th><th>等级 Severity</th><th>步骤 Step</th><th>营业 Sales</th><th>时限 Next deadline</th><th>报告</th></tr></thead>
<tbody>${rows || '<tr><td colspan="8">No cases yet — POST /api/complaints</td></tr>'}</tbody></table></body></html>`);
  };
}
