/** The case list with filters, full-text search and pages, and its CSV / XLSX export (every matching case, not only the page). */
import type { Router } from 'express';
import { xlsx } from '../../templates/xlsx';
import { HUMAN_STEPS } from '../../workflows/steps';
import { attr, html, raw } from '../html';
import { countdown, fmtTime, page } from '../layout';
import { caseExportRows, casesCsv, filterOf, listCases, pageOfCases, pagingOf, PAGE_SIZES, type CaseFilter } from '../queries';
import type { WebKit } from '../index';
import type { T } from '../i18n';

const select = (t: T, name: string, label: string, options: string[], value: string | undefined) =>
  html`<div class="field"><label for="flt-${name}">${label}</label><select id="flt-${name}" name="${name}"><option value="">${t('any')}</option>${options.map(
    (o) => html`<option value="${o}"${attr('selected', value === o)}>${t.enum(o)}</option>`,
  )}</select></div>`;

function qs(f: CaseFilter): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v === true ? '1' : String(v));
  return p.toString();
}

export function caseListPages(router: Router, kit: WebKit): void {
  router.get(
    '/cases',
    kit.handle(async (req, res, ctx) => {
      const { t } = ctx;
      const f = filterOf(req.query as Record<string, unknown>);
      const paging = pagingOf(req.query as Record<string, unknown>);
      const { rows, total, page: pageNo, pages, size } = await pageOfCases(kit.db, f, ctx.tz, paging);
      const link = (p: number) => `/cases?${[qs(f), `size=${size}`, `page=${p}`].filter(Boolean).join('&')}`;
      const filters = html`<form method="get" action="/cases" class="card filters" role="search" aria-label="${t('filter')}">
  <div class="field" style="grid-column:span 2"><label for="flt-q">${t('search')}</label><input type="search" id="flt-q" name="q" value="${f.q ?? ''}" placeholder="${t('search_hint')}"></div>
  ${select(t, 'status', t('status'), ['open', 'closed', 'interrupted'], f.status)}
  ${select(t, 'step', t('step'), [...HUMAN_STEPS, 'closed'], f.step)}
  ${select(t, 'severity', t('severity'), ['urgent', 'normal'], f.severity)}
  ${select(t, 'origin', t('origin'), ['own_plant', 'supplier'], f.origin)}
  ${select(t, 'category', t('category'), ['quality', 'environmental', 'installation_usage'], f.category)}
  <div class="field"><label for="flt-customer">${t('customer')}</label><input type="text" id="flt-customer" name="customer" value="${f.customer ?? ''}"></div>
  <div class="field"><label for="flt-product">${t('product')}</label><input type="text" id="flt-product" name="product" value="${f.product ?? ''}"></div>
  <div class="field"><label for="flt-from">${t('period')} · ${t('from')}</label><input type="date" id="flt-from" name="from" value="${f.from ?? ''}"></div>
  <div class="field"><label for="flt-to">${t('to')}</label><input type="date" id="flt-to" name="to" value="${f.to ?? ''}"></div>
  <div class="field"><label for="flt-size">${t('per_page')}</label><select id="flt-size" name="size">${PAGE_SIZES.map((n) => html`<option value="${n}"${attr('selected', n === size)}>${n}</option>`)}</select></div>
  <div class="field check"><input type="checkbox" id="flt-overdue" name="overdue" value="1"${attr('checked', f.overdue)}><label for="flt-overdue">${t('only_overdue')}</label></div>
  <div class="actions"><button type="submit">${t('filter')}</button><a class="button secondary" href="/cases">${t('reset')}</a><a class="button secondary" href="/cases.csv?${qs(f)}" download>${t('export_csv')}</a><a class="button secondary" href="/cases.xlsx?${qs(f)}" download>${t('export_xlsx')}</a></div>
</form>`;
      const list = rows.map((c) => {
        const next = c.clocks[0];
        return html`<tr>
  <td data-label="${t('case_no')}"><a href="/cases/${encodeURIComponent(c.caseNo)}">${c.caseNo}</a></td>
  <td data-label="${t('received')}">${fmtTime(c.receivedAt, ctx.tz)}</td>
  <td data-label="${t('customer')}">${c.customerName}</td>
  <td data-label="${t('product')}">${c.product}</td>
  <td data-label="${t('severity')}"><span class="pill ${c.severity}">${t.enum(c.severity)}</span></td>
  <td data-label="${t('status')}">${t.enum(c.status)}${c.resolution && c.resolution !== 'resolved' ? html` <span class="muted">(${t.enum(c.resolution)})</span>` : ''}</td>
  <td data-label="${t('step')}">${t.enum(c.step)}</td>
  <td data-label="${t('clock')}">${next ? html`${t.enum(next.clock)} ${countdown(t, next.dueAt, next.startedAt, ctx.tz)}` : '—'}</td>
</tr>`;
      });
      const first = total ? (pageNo - 1) * size + 1 : 0;
      const pagerOf = (top: boolean) => html`<nav class="pager" aria-label="${t('paging')}${top ? '' : ' 2'}">
<span${top ? raw(' role="status" id="total"') : ''}><strong>${total}</strong> ${t('results')}${total ? html` · ${first}–${first + rows.length - 1}` : ''}</span>
${pages > 1
  ? html`${pageNo > 1 ? html`<a href="${link(pageNo - 1)}" rel="prev">← ${t('prev_page')}</a>` : ''}
<span class="current" aria-current="page">${t.lang === 'zh' ? `第 ${pageNo} / ${pages} 页` : `Page ${pageNo} of ${pages}`}</span>
${pageNo < pages ? html`<a href="${link(pageNo + 1)}" rel="next">${t('next_page')} →</a>` : ''}`
  : ''}</nav>`;
      const body = html`${filters}
${pagerOf(true)}
<div class="table-wrap"><table class="stack-sm"><thead><tr><th scope="col">${t('case_no')}</th><th scope="col">${t('received')}</th><th scope="col">${t('customer')}</th><th scope="col">${t('product')}</th><th scope="col">${t('severity')}</th><th scope="col">${t('status')}</th><th scope="col">${t('step')}</th><th scope="col">${t('clock')}</th></tr></thead>
<tbody>${list.length ? list : html`<tr><td colspan="8">${t('nothing')}</td></tr>`}</tbody></table></div>
${pages > 1 ? pagerOf(false) : ''}`;
      res.type('html').send(page(ctx, t, t('cases'), body));
    }),
  );

  router.get(
    '/cases.csv',
    kit.handle(async (req, res, ctx) => {
      const rows = await listCases(kit.db, filterOf(req.query as Record<string, unknown>), ctx.tz, 10_000);
      res
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', 'attachment; filename="cases.csv"')
        .send(casesCsv(rows, ctx.tz));
    }),
  );

  router.get(
    '/cases.xlsx',
    kit.handle(async (req, res, ctx) => {
      const rows = await listCases(kit.db, filterOf(req.query as Record<string, unknown>), ctx.tz, 10_000);
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .set('Content-Disposition', 'attachment; filename="cases.xlsx"')
        .send(xlsx('cases', caseExportRows(rows, ctx.tz)));
    }),
  );
}
